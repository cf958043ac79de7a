// When a schedule runs: the occurrences of a once / daily / weekly / monthly rule at a time of day,
// read in the host's time zone. Pure: the caller passes the instant and the zone.
//
// Each local date the rule names gives one occurrence, never two and never none:
// - a time skipped when the clocks go forward runs when they jump (02:30 -> 03:00 the same day);
// - a time repeated when the clocks go back runs the first time only;
// - a monthly day past the end of a short month (29 to 31) is either skipped that month or moved to
//   the month's last day, as the schedule says ("last" always means the last day).
import {
    dateOfDayNumber, dayNumber, daysInMonth, isValidDate, isoWeekdayOfDayNumber, localDateTime,
    resolveLocalTime, type LocalDate,
} from "./zoned-time";

// ISO numbering: 1 Monday to 7 Sunday.
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export interface TimeOfDay {
    hour: number;
    minute: number;
}

// What a monthly schedule on day 29, 30 or 31 does in a month without that day.
export type ShortMonthRule = "skip" | "last-day";

export type ScheduleRule =
    | { frequency: "once"; date: LocalDate }
    | { frequency: "daily" }
    | { frequency: "weekly"; days: readonly Weekday[] }
    | { frequency: "monthly"; day: number | "last"; shortMonths: ShortMonthRule };

export type Schedule = ScheduleRule & {
    enabled: boolean;
    time: TimeOfDay;
};

// Why a schedule cannot be used, in English for logs and the helpers' errors (the page checks its
// own fields before it builds one); null if it is fine.
export function scheduleProblem(s: Schedule): string | null {
    const { hour, minute } = s.time;
    if (!Number.isInteger(hour) || hour < 0 || hour > 23 || !Number.isInteger(minute) || minute < 0 || minute > 59) {
        return `the time of day must be 00:00 to 23:59, not ${hour}:${minute}`;
    }
    switch (s.frequency) {
    case "once":
        return isValidDate(s.date) ? null : `${s.date.year}-${s.date.month}-${s.date.day} is not a date`;
    case "daily":
        return null;
    case "weekly":
        if (s.days.length === 0) return "a weekly schedule needs at least one day of the week";
        return s.days.every(d => Number.isInteger(d) && d >= 1 && d <= 7) ? null : "days of the week are numbered 1 (Monday) to 7 (Sunday)";
    case "monthly":
        if (s.day !== "last" && !(Number.isInteger(s.day) && s.day >= 1 && s.day <= 31)) {
            return "the day of the month must be 1 to 31 or the last day";
        }
        return s.shortMonths === "skip" || s.shortMonths === "last-day" ? null : "short months must be skipped or use their last day";
    }
}

// The first occurrence strictly after `after`; null if there is none (disabled, or a once schedule
// whose time has passed). `s` must be one scheduleProblem finds nothing wrong with.
export function nextRun(s: Schedule, after: number, timeZone: string): number | null {
    if (!s.enabled) return null;
    for (const date of occurrenceDates(s, localDayNumber(after, timeZone) - 1, 1)) {
        const t = runInstant(date, s.time, timeZone);
        if (t > after) return t;
    }
    return null;
}

// The last occurrence at or before `atOrBefore`; null if there is none.
export function previousRun(s: Schedule, atOrBefore: number, timeZone: string): number | null {
    if (!s.enabled) return null;
    for (const date of occurrenceDates(s, localDayNumber(atOrBefore, timeZone) + 1, -1)) {
        const t = runInstant(date, s.time, timeZone);
        if (t <= atOrBefore) return t;
    }
    return null;
}

function localDayNumber(instant: number, timeZone: string): number {
    return dayNumber(localDateTime(instant, timeZone));
}

function runInstant(date: LocalDate, time: TimeOfDay, timeZone: string): number {
    return resolveLocalTime({ ...date, hour: time.hour, minute: time.minute, second: 0, millisecond: 0 }, timeZone).instant;
}

// The local dates the rule names, from the day `fromDay` on (or back), in order. A handful suffices:
// a date's occurrence is within a day of its midnight, and no rule leaves more than a month between
// two dates (day 31, skipped: a 30-day month at most; day 29: February of a common year).
function* occurrenceDates(s: Schedule, fromDay: number, step: 1 | -1): Generator<LocalDate> {
    switch (s.frequency) {
    case "once":
        yield s.date;
        return;
    case "daily":
        for (let i = 0; i < 4; i++) yield dateOfDayNumber(fromDay + i * step);
        return;
    case "weekly": {
        const days = new Set<number>(s.days);
        for (let i = 0; i < 10; i++) {
            const n = fromDay + i * step;
            if (days.has(isoWeekdayOfDayNumber(n))) yield dateOfDayNumber(n);
        }
        return;
    }
    case "monthly": {
        const from = dateOfDayNumber(fromDay);
        for (let i = 0; i < 5; i++) {
            const monthIndex = from.year * 12 + (from.month - 1) + i * step;
            const year = Math.floor(monthIndex / 12);
            const month = monthIndex - year * 12 + 1;
            const last = daysInMonth(year, month);
            if (s.day === "last") yield { year, month, day: last };
            else if (s.day <= last) yield { year, month, day: s.day };
            else if (s.shortMonths === "last-day") yield { year, month, day: last };
        }
        return;
    }
    }
}
