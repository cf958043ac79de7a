// Reads a backup time written in ISO 8601: 2026-11-26T03:00:00Z, 2026-11-26T04:00+01:00, or without an
// offset (2026-11-26 04:00:00, a space for the T as RFC 3339 allows) in the given time zone. Strict,
// unlike Date.parse: a field out of range or a local time that does not exist (skipped when the
// clocks went forward) is an error, not a guess. A local time that happens twice is the first one.
import { isValidDate, resolveLocalTime, wallMs } from "../schedule/zoned-time";

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

export type ParsedTime = { ok: true; time: number } | { ok: false; error: string };

export function parseBackupTime(text: string, timeZone: string): ParsedTime {
    const m = ISO_TIME.exec(text);
    if (!m) return { ok: false, error: "not an ISO 8601 date and time (like 2026-11-26T03:00:00Z)" };
    const [, y, mo, d, h = "00", mi = "00", s = "00", fraction = "", zone] = m;
    const date = { year: Number(y), month: Number(mo), day: Number(d) };
    if (!isValidDate(date)) return { ok: false, error: `${y}-${mo}-${d} is not a date` };
    const hour = Number(h), minute = Number(mi), second = Number(s);
    if (hour > 23 || minute > 59 || second > 59) return { ok: false, error: `${h}:${mi}:${s} is not a time of day` };
    const millisecond = Math.floor(Number(`0.${fraction || "0"}`) * 1000);
    if (zone === undefined) {
        const resolved = resolveLocalTime({ ...date, hour, minute, second, millisecond }, timeZone);
        if (resolved.kind === "gap") return { ok: false, error: `${text} does not exist in ${timeZone} (the clocks skipped it)` };
        return { ok: true, time: resolved.instant };
    }
    const wall = wallMs(date.year, date.month, date.day, hour, minute, second, millisecond);
    if (zone.toUpperCase() === "Z") return { ok: true, time: wall };
    const digits = zone.slice(1).replace(":", "");
    const offsetHours = Number(digits.slice(0, 2)), offsetMinutes = Number(digits.slice(2) || "0");
    if (offsetHours > 23 || offsetMinutes > 59) return { ok: false, error: `${zone} is not a UTC offset` };
    const offset = (offsetHours * 60 + offsetMinutes) * 60_000 * (zone.startsWith("-") ? -1 : 1);
    return { ok: true, time: wall - offset };
}
