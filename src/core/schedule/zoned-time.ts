// Wall-clock time in a named IANA time zone ("Europe/Berlin"), from Intl alone: core stays pure (no
// node, no libraries), and the page and the helpers read the zone database the same way.
// Instants are epoch milliseconds (UTC); a "wall" time is the same count read as if the zone were UTC.

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface LocalDate {
    year: number;
    // 1 to 12
    month: number;
    day: number;
}

export interface LocalDateTime extends LocalDate {
    hour: number;
    minute: number;
    second: number;
    millisecond: number;
}

// How a wall-clock time maps to an instant:
// - "exact": it happens once;
// - "overlap": it happens twice (the hour repeated when clocks go back); the first is given;
// - "gap": it never happens (the hour skipped when clocks go forward); the instant the clocks jump,
//   where the gap ends (a 02:30 on a Berlin spring-forward day gives 03:00), is given.
export interface ResolvedTime {
    instant: number;
    kind: "exact" | "overlap" | "gap";
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
    let f = formatters.get(timeZone);
    if (!f) {
        f = new Intl.DateTimeFormat("en-US", {
            timeZone, hourCycle: "h23", numberingSystem: "latn",
            year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric",
        });
        formatters.set(timeZone, f);
    }
    return f;
}

export function isValidTimeZone(timeZone: string): boolean {
    if (timeZone === "") return false;
    try {
        formatter(timeZone);
        return true;
    } catch {
        return false;
    }
}

// Date.UTC reads years 0 to 99 as 1900 to 1999; this does not.
export function wallMs(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
    const ms = Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
    if (year >= 0 && year < 100) {
        const d = new Date(ms);
        d.setUTCFullYear(year);
        return d.getTime();
    }
    return ms;
}

// The zone's offset from UTC at an instant, in ms (Berlin in summer: +7,200,000). Throws RangeError
// for an unknown zone.
export function offsetAt(instant: number, timeZone: string): number {
    const whole = instant - mod(instant, 1000);
    let year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    for (const part of formatter(timeZone).formatToParts(whole)) {
        switch (part.type) {
        case "year": year = Number(part.value); break;
        case "month": month = Number(part.value); break;
        case "day": day = Number(part.value); break;
        // Some engines still write midnight as 24 with h23.
        case "hour": hour = Number(part.value) % 24; break;
        case "minute": minute = Number(part.value); break;
        case "second": second = Number(part.value); break;
        }
    }
    return wallMs(year, month, day, hour, minute, second) - whole;
}

// offsetAt for many instants: one Intl call costs some microseconds, so a UTC day whose first and
// last second have the same offset is taken to have it throughout (zones change their offset at most
// once a day), and the day's other instants cost nothing. Days with a change are asked per instant.
export function offsetLookup(timeZone: string): (instant: number) => number {
    const days = new Map<number, number | null>();
    return instant => {
        const day = Math.floor(instant / DAY_MS);
        let offset = days.get(day);
        if (offset === undefined) {
            const first = offsetAt(day * DAY_MS, timeZone);
            offset = first === offsetAt((day + 1) * DAY_MS - 1000, timeZone) ? first : null;
            days.set(day, offset);
        }
        return offset ?? offsetAt(instant, timeZone);
    };
}

export function localDateTime(instant: number, timeZone: string): LocalDateTime {
    return wallFields(instant + offsetAt(instant, timeZone));
}

export function wallFields(wall: number): LocalDateTime {
    const d = new Date(wall);
    return {
        year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
        hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), millisecond: d.getUTCMilliseconds(),
    };
}

// The instant a wall-clock time in the zone stands for; see ResolvedTime for skipped and repeated times.
// Assumes, as every zone in the database does, that the offset changes at most once within a day
// either side.
export function resolveLocalTime(local: LocalDateTime, timeZone: string): ResolvedTime {
    const wall = wallMs(local.year, local.month, local.day, local.hour, local.minute, local.second, local.millisecond);
    const offsetBefore = offsetAt(wall - DAY_MS, timeZone);
    const offsetAfter = offsetAt(wall + DAY_MS, timeZone);
    const candidates = [...new Set([wall - offsetBefore, wall - offsetAfter])]
        .filter(t => t + offsetAt(t, timeZone) === wall)
        .sort((a, b) => a - b);
    if (candidates.length > 0) return { instant: candidates[0], kind: candidates.length > 1 ? "overlap" : "exact" };
    // Skipped: wall - offsetAfter lies before the jump, wall - offsetBefore after it. The jump itself is
    // found to the millisecond (about 22 steps; only for times that do not exist).
    let lo = wall - offsetAfter;
    let hi = wall - offsetBefore;
    const offsetLo = offsetAt(lo, timeZone);
    while (hi - lo > 1) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (offsetAt(mid, timeZone) === offsetLo) lo = mid;
        else hi = mid;
    }
    return { instant: hi, kind: "gap" };
}

export function daysInMonth(year: number, month: number): number {
    return new Date(wallMs(year, month + 1, 0)).getUTCDate();
}

export function isValidDate(d: LocalDate): boolean {
    return Number.isInteger(d.year) && Number.isInteger(d.month) && Number.isInteger(d.day)
        && d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= daysInMonth(d.year, d.month);
}

// Days since 1970-01-01 of a calendar date.
export function dayNumber(d: LocalDate): number {
    return Math.floor(wallMs(d.year, d.month, d.day) / DAY_MS);
}

export function dateOfDayNumber(n: number): LocalDate {
    const { year, month, day } = wallFields(n * DAY_MS);
    return { year, month, day };
}

// ISO weekday of a day number: 1 Monday to 7 Sunday (1970-01-01 was a Thursday).
export function isoWeekdayOfDayNumber(n: number): number {
    return mod(n + 3, 7) + 1;
}

// The ISO week (Monday to Sunday) a day falls in, named by the day number of its Thursday: weeks
// belong to the year their Thursday is in, so 2026-12-31 (a Thursday) is 2026-W53 and 2027-01-03
// is in it too, while 2024-12-30 (a Monday) is 2025-W01.
export function isoWeekThursday(n: number): number {
    return n - isoWeekdayOfDayNumber(n) + 4;
}

export function isoWeek(d: LocalDate): { weekYear: number; week: number } {
    const thursday = isoWeekThursday(dayNumber(d));
    const weekYear = dateOfDayNumber(thursday).year;
    return { weekYear, week: Math.floor((thursday - dayNumber({ year: weekYear, month: 1, day: 1 })) / 7) + 1 };
}

export function mod(a: number, n: number): number {
    return ((a % n) + n) % n;
}
