// Occurrences of schedules in real time zones: DST days in Berlin and New York (and Lord Howe's
// half-hour shift), month ends, leap days, weekly day sets and once. Expected instants are written
// with their UTC offset so each can be checked against a calendar.
import { nextRun, previousRun, scheduleProblem, type Schedule, type Weekday } from "../../src/core/schedule/schedule";
import {
    isValidTimeZone, isoWeek, localDateTime, offsetAt, offsetLookup, resolveLocalTime,
} from "../../src/core/schedule/zoned-time";

const BERLIN = "Europe/Berlin";
const NEW_YORK = "America/New_York";

function at(iso: string): number {
    const t = Date.parse(iso);
    if (Number.isNaN(t)) throw new Error(`bad test time ${iso}`);
    return t;
}

function iso(t: number | null): string | null {
    return t === null ? null : new Date(t).toISOString();
}

function daily(hour: number, minute: number): Schedule {
    return { frequency: "daily", enabled: true, time: { hour, minute } };
}

function monthly(day: number | "last", shortMonths: "skip" | "last-day", hour = 3, minute = 0): Schedule {
    return { frequency: "monthly", day, shortMonths, enabled: true, time: { hour, minute } };
}

// Successive runs from `from`, as UTC ISO strings.
function runs(s: Schedule, from: string, count: number, timeZone: string): (string | null)[] {
    const out: (string | null)[] = [];
    let t: number | null = at(from);
    for (let i = 0; i < count && t !== null; i++) {
        t = nextRun(s, t, timeZone);
        out.push(iso(t));
    }
    return out;
}

describe("zoned time", () => {
    test("offsets and local fields in summer and winter", () => {
        expect(offsetAt(at("2026-07-01T12:00:00Z"), BERLIN)).toBe(2 * 3600_000);
        expect(offsetAt(at("2026-01-01T12:00:00Z"), NEW_YORK)).toBe(-5 * 3600_000);
        expect(localDateTime(at("2026-03-29T00:59:59.500Z"), BERLIN))
            .toEqual({ year: 2026, month: 3, day: 29, hour: 1, minute: 59, second: 59, millisecond: 500 });
        expect(localDateTime(at("2026-03-29T01:00:00Z"), BERLIN)).toMatchObject({ hour: 3, minute: 0 });
    });

    test("a skipped time resolves to the jump, a repeated one to its first occurrence", () => {
        const local = (y: number, mo: number, d: number, h: number, mi: number) => ({ year: y, month: mo, day: d, hour: h, minute: mi, second: 0, millisecond: 0 });
        expect(resolveLocalTime(local(2026, 3, 29, 2, 30), BERLIN)).toEqual({ instant: at("2026-03-29T03:00:00+02:00"), kind: "gap" });
        expect(resolveLocalTime(local(2026, 10, 25, 2, 30), BERLIN)).toEqual({ instant: at("2026-10-25T02:30:00+02:00"), kind: "overlap" });
        expect(resolveLocalTime(local(2026, 10, 25, 3, 0), BERLIN)).toEqual({ instant: at("2026-10-25T03:00:00+01:00"), kind: "exact" });
        expect(resolveLocalTime(local(2026, 3, 8, 2, 30), NEW_YORK)).toEqual({ instant: at("2026-03-08T03:00:00-04:00"), kind: "gap" });
        expect(resolveLocalTime(local(2026, 11, 1, 1, 30), NEW_YORK)).toEqual({ instant: at("2026-11-01T01:30:00-04:00"), kind: "overlap" });
        // Lord Howe moves its clocks by half an hour: 02:00 -> 02:30 on 2026-10-04.
        expect(resolveLocalTime(local(2026, 10, 4, 2, 15), "Australia/Lord_Howe")).toEqual({ instant: at("2026-10-04T02:30:00+11:00"), kind: "gap" });
    });

    test("offsetLookup agrees with offsetAt every 10 minutes of a year, DST days included", () => {
        for (const zone of [BERLIN, NEW_YORK, "Australia/Lord_Howe", "Asia/Kolkata"]) {
            const lookup = offsetLookup(zone);
            const differing: string[] = [];
            for (let t = at("2026-01-01T00:00:00Z"); t < at("2027-01-01T00:00:00Z"); t += 600_000) {
                if (lookup(t) !== offsetAt(t, zone)) differing.push(`${zone} ${iso(t)}`);
            }
            expect(differing).toEqual([]);
        }
    });

    test("time zone names", () => {
        expect(isValidTimeZone(BERLIN)).toBe(true);
        expect(isValidTimeZone("UTC")).toBe(true);
        expect(isValidTimeZone("Mars/Olympus_Mons")).toBe(false);
        expect(isValidTimeZone("")).toBe(false);
        expect(() => offsetAt(0, "Mars/Olympus_Mons")).toThrow(RangeError);
    });

    test("ISO weeks belong to the year of their Thursday", () => {
        expect(isoWeek({ year: 2024, month: 12, day: 30 })).toEqual({ weekYear: 2025, week: 1 });
        expect(isoWeek({ year: 2026, month: 12, day: 31 })).toEqual({ weekYear: 2026, week: 53 });
        expect(isoWeek({ year: 2027, month: 1, day: 3 })).toEqual({ weekYear: 2026, week: 53 });
        expect(isoWeek({ year: 2027, month: 1, day: 4 })).toEqual({ weekYear: 2027, week: 1 });
        expect(isoWeek({ year: 2021, month: 1, day: 1 })).toEqual({ weekYear: 2020, week: 53 });
    });
});

describe("daily schedules across DST changes", () => {
    test("Berlin spring forward: 02:30 runs once, at 03:00 CEST", () => {
        expect(runs(daily(2, 30), "2026-03-28T00:00:00Z", 3, BERLIN)).toEqual([
            iso(at("2026-03-28T02:30:00+01:00")),
            iso(at("2026-03-29T03:00:00+02:00")),
            iso(at("2026-03-30T02:30:00+02:00")),
        ]);
    });

    test("Berlin fall back: 02:30 runs once, at the first 02:30", () => {
        expect(runs(daily(2, 30), "2026-10-24T12:00:00Z", 2, BERLIN)).toEqual([
            iso(at("2026-10-25T02:30:00+02:00")),
            iso(at("2026-10-26T02:30:00+01:00")),
        ]);
    });

    test("New York spring forward: 02:30 runs at 03:00 EDT", () => {
        expect(runs(daily(2, 30), "2026-03-07T12:00:00Z", 2, NEW_YORK)).toEqual([
            iso(at("2026-03-08T03:00:00-04:00")),
            iso(at("2026-03-09T02:30:00-04:00")),
        ]);
    });

    test("New York fall back: 01:30 runs once, not again an hour later", () => {
        expect(runs(daily(1, 30), "2026-10-31T12:00:00Z", 2, NEW_YORK)).toEqual([
            iso(at("2026-11-01T01:30:00-04:00")),
            iso(at("2026-11-02T01:30:00-05:00")),
        ]);
        // Asked from inside the repeated hour, after the first 01:30: the next run is tomorrow's.
        expect(iso(nextRun(daily(1, 30), at("2026-11-01T01:10:00-05:00"), NEW_YORK))).toBe(iso(at("2026-11-02T01:30:00-05:00")));
    });

    test("times next to the change are not moved", () => {
        expect(runs(daily(1, 59), "2026-03-28T12:00:00Z", 1, BERLIN)).toEqual([iso(at("2026-03-29T01:59:00+01:00"))]);
        expect(runs(daily(3, 0), "2026-03-28T12:00:00Z", 1, BERLIN)).toEqual([iso(at("2026-03-29T03:00:00+02:00"))]);
    });

    test("previousRun mirrors nextRun", () => {
        expect(iso(previousRun(daily(2, 30), at("2026-03-29T12:00:00+02:00"), BERLIN))).toBe(iso(at("2026-03-29T03:00:00+02:00")));
        expect(iso(previousRun(daily(2, 30), at("2026-03-29T03:00:00+02:00"), BERLIN))).toBe(iso(at("2026-03-29T03:00:00+02:00")));
        expect(iso(previousRun(daily(2, 30), at("2026-03-29T02:59:59+02:00"), BERLIN))).toBe(iso(at("2026-03-28T02:30:00+01:00")));
        expect(iso(previousRun(daily(1, 30), at("2026-11-01T01:45:00-05:00"), NEW_YORK))).toBe(iso(at("2026-11-01T01:30:00-04:00")));
    });
});

describe("monthly schedules at month ends", () => {
    test("day 31, short months skipped: February and April are left out", () => {
        expect(runs(monthly(31, "skip"), "2027-01-31T12:00:00Z", 3, "UTC")).toEqual([
            "2027-03-31T03:00:00.000Z", "2027-05-31T03:00:00.000Z", "2027-07-31T03:00:00.000Z",
        ]);
    });

    test("day 31, short months on their last day", () => {
        expect(runs(monthly(31, "last-day"), "2027-01-31T12:00:00Z", 4, "UTC")).toEqual([
            "2027-02-28T03:00:00.000Z", "2027-03-31T03:00:00.000Z", "2027-04-30T03:00:00.000Z", "2027-05-31T03:00:00.000Z",
        ]);
    });

    test("day 30 in February, both ways, in a common and a leap year", () => {
        expect(runs(monthly(30, "skip"), "2027-01-30T12:00:00Z", 1, "UTC")).toEqual(["2027-03-30T03:00:00.000Z"]);
        expect(runs(monthly(30, "last-day"), "2028-01-30T12:00:00Z", 1, "UTC")).toEqual(["2028-02-29T03:00:00.000Z"]);
    });

    test("day 29: February 29 2028 exists, February 2027 is skipped or gives the 28th", () => {
        expect(runs(monthly(29, "skip"), "2027-01-29T12:00:00Z", 1, "UTC")).toEqual(["2027-03-29T03:00:00.000Z"]);
        expect(runs(monthly(29, "last-day"), "2027-01-29T12:00:00Z", 1, "UTC")).toEqual(["2027-02-28T03:00:00.000Z"]);
        expect(runs(monthly(29, "skip"), "2028-01-29T12:00:00Z", 2, "UTC")).toEqual(["2028-02-29T03:00:00.000Z", "2028-03-29T03:00:00.000Z"]);
    });

    test("'last' is always the month's last day, across the year end", () => {
        expect(runs(monthly("last", "skip"), "2027-11-30T12:00:00Z", 4, "UTC")).toEqual([
            "2027-12-31T03:00:00.000Z", "2028-01-31T03:00:00.000Z", "2028-02-29T03:00:00.000Z", "2028-03-31T03:00:00.000Z",
        ]);
    });

    test("the month's day is read in the zone, not in UTC", () => {
        // 00:30 on the 1st in Berlin is still the previous month in UTC.
        expect(runs(monthly(1, "skip", 0, 30), "2026-11-15T00:00:00Z", 1, BERLIN)).toEqual([iso(at("2026-12-01T00:30:00+01:00"))]);
    });

    test("previousRun skips short months too", () => {
        expect(iso(previousRun(monthly(31, "skip"), at("2027-05-30T00:00:00Z"), "UTC"))).toBe("2027-03-31T03:00:00.000Z");
    });
});

describe("weekly and once", () => {
    const weekly = (days: Weekday[]): Schedule =>
        ({ frequency: "weekly", days, enabled: true, time: { hour: 22, minute: 0 } });

    test("Monday, Wednesday and Friday", () => {
        // 2026-11-27 is a Friday.
        expect(runs(weekly([1, 3, 5]), "2026-11-27T23:00:00Z", 4, "UTC")).toEqual([
            "2026-11-30T22:00:00.000Z", "2026-12-02T22:00:00.000Z", "2026-12-04T22:00:00.000Z", "2026-12-07T22:00:00.000Z",
        ]);
    });

    test("Sunday only, asked on a Sunday before and after its time", () => {
        expect(runs(weekly([7]), "2026-11-29T21:59:00Z", 1, "UTC")).toEqual(["2026-11-29T22:00:00.000Z"]);
        expect(runs(weekly([7]), "2026-11-29T22:00:00Z", 1, "UTC")).toEqual(["2026-12-06T22:00:00.000Z"]);
    });

    test("the weekday is read in the zone: Monday 00:30 in Berlin is Sunday in UTC", () => {
        const s: Schedule = { frequency: "weekly", days: [1], enabled: true, time: { hour: 0, minute: 30 } };
        expect(iso(nextRun(s, at("2026-11-28T12:00:00Z"), BERLIN))).toBe(iso(at("2026-11-30T00:30:00+01:00")));
    });

    test("once: in the future, in the past, on the leap day", () => {
        const once = (year: number, month: number, day: number): Schedule =>
            ({ frequency: "once", date: { year, month, day }, enabled: true, time: { hour: 12, minute: 0 } });
        expect(iso(nextRun(once(2028, 2, 29), at("2026-11-26T00:00:00Z"), BERLIN))).toBe(iso(at("2028-02-29T12:00:00+01:00")));
        expect(nextRun(once(2026, 11, 1), at("2026-11-26T00:00:00Z"), BERLIN)).toBeNull();
        expect(nextRun(once(2028, 2, 29), at("2028-02-29T12:00:00+01:00"), BERLIN)).toBeNull();
        expect(iso(previousRun(once(2026, 11, 1), at("2026-11-26T00:00:00Z"), BERLIN))).toBe(iso(at("2026-11-01T12:00:00+01:00")));
        expect(scheduleProblem(once(2028, 2, 29))).toBeNull();
        expect(scheduleProblem(once(2027, 2, 29))).toBe("2027-2-29 is not a date");
    });

    test("a disabled schedule has no runs", () => {
        expect(nextRun({ ...daily(3, 0), enabled: false }, 0, "UTC")).toBeNull();
    });
});

describe("scheduleProblem", () => {
    test("rejects what cannot be scheduled", () => {
        expect(scheduleProblem(daily(24, 0))).toMatch(/00:00 to 23:59/);
        expect(scheduleProblem(daily(3, 60))).toMatch(/00:00 to 23:59/);
        expect(scheduleProblem(daily(2.5, 0))).toMatch(/00:00 to 23:59/);
        expect(scheduleProblem({ frequency: "weekly", days: [], enabled: true, time: { hour: 1, minute: 0 } })).toMatch(/at least one day/);
        expect(scheduleProblem({ frequency: "weekly", days: [0 as 1], enabled: true, time: { hour: 1, minute: 0 } })).toMatch(/1 \(Monday\) to 7/);
        expect(scheduleProblem(monthly(32, "skip"))).toMatch(/1 to 31/);
        expect(scheduleProblem(monthly(0, "skip"))).toMatch(/1 to 31/);
        expect(scheduleProblem(monthly(31, "round" as "skip"))).toMatch(/short months/);
        expect(scheduleProblem(monthly("last", "last-day"))).toBeNull();
        expect(scheduleProblem(daily(23, 59))).toBeNull();
    });
});
