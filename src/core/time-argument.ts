// Times typed on a helper's command line (kvm-manager-history --end). Date.parse alone takes "x 1" for
// 2001-01-01, "-5" for May 2001 and rolls 2026-02-30 over to 2 March: a typo would silently answer for
// another range. Only two forms are taken, and a time must exist in the calendar.

// 9999-12-31T23:59:59.999Z: the last instant a four-digit ISO 8601 year can write.
export const LATEST_TIME_MS = 253402300799999;

export const TIME_ARGUMENT_FORMS =
    "milliseconds since the epoch (e.g. 1767225600000), an ISO 8601 date (2026-01-01, midnight UTC) " +
    "or an ISO 8601 time with its zone (2026-01-01T12:00:00Z, 2026-01-01T13:00+01:00)";

export type TimeArgument = { ok: true; ms: number } | { ok: false; problem: string };

const EPOCH_MS = /^\d+$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

function daysInMonth(year: number, month: number): number {
    return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function inRange(ms: number): TimeArgument {
    return ms >= 0 && ms <= LATEST_TIME_MS
        ? { ok: true, ms }
        : { ok: false, problem: "is outside 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z" };
}

export function parseTimeArgument(text: string): TimeArgument {
    if (EPOCH_MS.test(text)) {
        // Digits beyond what LATEST_TIME_MS has cannot be in range; Number() of 23 digits loses them.
        if (text.replace(/^0+(?=\d)/, "").length > String(LATEST_TIME_MS).length) return inRange(Infinity);
        return inRange(Number(text));
    }
    const m = ISO.exec(text);
    if (!m) return { ok: false, problem: "is neither milliseconds since the epoch nor an ISO 8601 date or time" };
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    const year = Number(y);
    const month = Number(mo);
    const day = Number(d);
    if (month < 1 || month > 12) return { ok: false, problem: `has no month ${mo}` };
    if (day < 1 || day > daysInMonth(year, month)) return { ok: false, problem: `has no day ${d} in ${y}-${mo}` };
    const hour = h === undefined ? 0 : Number(h);
    const minute = mi === undefined ? 0 : Number(mi);
    const second = s === undefined ? 0 : Number(s);
    if (hour > 23 || minute > 59 || second > 59) return { ok: false, problem: "has a time of day that does not exist (hours 00-23, minutes and seconds 00-59)" };
    let offsetMinutes = 0;
    if (zone !== undefined && zone !== "Z") {
        const oh = Number(zone.slice(1, 3));
        const om = Number(zone.slice(4, 6));
        if (oh > 23 || om > 59) return { ok: false, problem: `has a zone offset that does not exist (${zone})` };
        offsetMinutes = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om);
    }
    const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
    // setUTCFullYear, not Date.UTC: Date.UTC reads years 0-99 as 1900-1999.
    const utc = new Date(0);
    utc.setUTCFullYear(year, month - 1, day);
    utc.setUTCHours(hour, minute, second, ms);
    return inRange(utc.getTime() - offsetMinutes * 60_000);
}
