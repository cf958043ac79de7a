// Retention selection with worked examples: REFERENCE.md's Proxmox example, the order in which the
// options act, ISO weeks across a year end, periods in the host's zone, protected and verified backups.
import { parseBackupTime } from "../../src/core/backup/backup-time";
import {
    PruneOptionsError, checkPruneOptions, selectBackupsToPrune, type BackupRef, type PruneOptions,
} from "../../src/core/backup/prune";

const DAY = 86_400_000;

// Backups named by their UTC time, so expectations read as dates.
function backups(...isos: string[]): BackupRef[] {
    return isos.map(iso => ({ id: iso, time: Date.parse(iso) }));
}

function dailyBackups(lastDay: string, days: number): BackupRef[] {
    const last = Date.parse(lastDay);
    return Array.from({ length: days }, (_, i) => {
        const time = last - i * DAY;
        return { id: new Date(time).toISOString().slice(0, 10), time };
    });
}

// id -> keptBy, or "remove"
function marks(list: readonly BackupRef[], options: PruneOptions, timeZone = "UTC"): Record<string, string> {
    return Object.fromEntries(selectBackupsToPrune(list, options, timeZone).map(d => [d.id, d.keep ? d.keptBy : "remove"]));
}

function kept(list: readonly BackupRef[], options: PruneOptions, timeZone = "UTC"): string[] {
    return selectBackupsToPrune(list, options, timeZone).filter(d => d.keep).map(d => d.id);
}

describe("no options", () => {
    test("no option, zeros, or keep-all keep everything", () => {
        const list = dailyBackups("2026-11-26T03:00:00Z", 5);
        for (const options of [{}, { "keep-daily": 0, "keep-last": 0 }, { "keep-all": true, "keep-last": 1 }] as PruneOptions[]) {
            expect(Object.values(marks(list, options))).toEqual(["keep-all", "keep-all", "keep-all", "keep-all", "keep-all"]);
        }
    });
    test("an empty list", () => {
        expect(selectBackupsToPrune([], { "keep-last": 3 }, "UTC")).toEqual([]);
    });
});

describe("Proxmox's semantics", () => {
    test("REFERENCE's example: daily backups, keep-last=3 and keep-daily=13 keep 16 days", () => {
        const list = dailyBackups("2026-11-26T03:00:00Z", 40);
        const result = marks(list, { "keep-last": 3, "keep-daily": 13 });
        expect(Object.values(result).filter(m => m === "last")).toHaveLength(3);
        expect(Object.values(result).filter(m => m === "daily")).toHaveLength(13);
        expect(kept(list, { "keep-last": 3, "keep-daily": 13 })).toEqual(list.slice(0, 16).map(b => b.id));
        expect(result["2026-11-26"]).toBe("last");
        expect(result["2026-11-24"]).toBe("last");
        expect(result["2026-11-23"]).toBe("daily");
        expect(result["2026-11-11"]).toBe("daily");
        expect(result["2026-11-10"]).toBe("remove");
    });

    test("with several backups a day keep-daily keeps each day's newest; keep-last's days are not counted again", () => {
        const list = backups(
            "2026-11-26T20:00:00Z", "2026-11-26T08:00:00Z",
            "2026-11-25T20:00:00Z", "2026-11-25T08:00:00Z",
            "2026-11-24T20:00:00Z", "2026-11-24T08:00:00Z",
            "2026-11-23T20:00:00Z",
        );
        expect(marks(list, { "keep-last": 1, "keep-daily": 2 })).toEqual({
            "2026-11-26T20:00:00Z": "last",
            // Its day already holds a kept backup: passed over by daily, then removed.
            "2026-11-26T08:00:00Z": "remove",
            "2026-11-25T20:00:00Z": "daily",
            "2026-11-25T08:00:00Z": "remove",
            "2026-11-24T20:00:00Z": "daily",
            "2026-11-24T08:00:00Z": "remove",
            "2026-11-23T20:00:00Z": "remove",
        });
    });

    test("options act in order: daily, then weekly on the weeks daily left, then monthly", () => {
        // Daily backups from 2026-10-25 to 2026-11-26 (a Thursday).
        const list = dailyBackups("2026-11-26T03:00:00Z", 33);
        const result = marks(list, { "keep-daily": 2, "keep-weekly": 2, "keep-monthly": 2 });
        expect(Object.fromEntries(Object.entries(result).filter(([, m]) => m !== "remove"))).toEqual({
            "2026-11-26": "daily",
            "2026-11-25": "daily",
            // The week of 11-23 holds kept backups: the next two weeks' Sundays.
            "2026-11-22": "weekly",
            "2026-11-15": "weekly",
            // November holds kept backups: October's newest.
            "2026-10-31": "monthly",
        });
    });

    test("periods without backups do not count", () => {
        const list = backups("2026-11-26T03:00:00Z", "2026-06-01T03:00:00Z", "2025-01-15T03:00:00Z", "2025-01-14T03:00:00Z");
        expect(kept(list, { "keep-daily": 3 })).toEqual(["2026-11-26T03:00:00Z", "2026-06-01T03:00:00Z", "2025-01-15T03:00:00Z"]);
        expect(kept(list, { "keep-monthly": 2, "keep-yearly": 5 })).toEqual(["2026-11-26T03:00:00Z", "2026-06-01T03:00:00Z", "2025-01-15T03:00:00Z"]);
    });

    test("keep-hourly", () => {
        const list = backups("2026-11-26T10:40:00Z", "2026-11-26T10:10:00Z", "2026-11-26T09:50:00Z", "2026-11-26T07:00:00Z", "2026-11-26T06:59:00Z");
        expect(marks(list, { "keep-hourly": 3 })).toEqual({
            "2026-11-26T10:40:00Z": "hourly", "2026-11-26T10:10:00Z": "remove", "2026-11-26T09:50:00Z": "hourly",
            "2026-11-26T07:00:00Z": "hourly", "2026-11-26T06:59:00Z": "remove",
        });
    });

    test("the input order does not matter; the answer is newest first", () => {
        const list = backups("2026-11-24T03:00:00Z", "2026-11-26T03:00:00Z", "2026-11-25T03:00:00Z");
        expect(selectBackupsToPrune(list, { "keep-last": 2 }, "UTC").map(d => [d.id, d.keep]))
            .toEqual([["2026-11-26T03:00:00Z", true], ["2026-11-25T03:00:00Z", true], ["2026-11-24T03:00:00Z", false]]);
    });

    test("two backups at the same instant: keep-last=1 keeps the first given", () => {
        const list = [{ id: "a", time: 1000 }, { id: "b", time: 1000 }];
        expect(marks(list, { "keep-last": 1 })).toEqual({ a: "last", b: "remove" });
    });
});

describe("ISO weeks across the year end", () => {
    // 2026-12-28 (Monday) to 2027-01-03 (Sunday) is 2026-W53; 2025-12-29 (Monday) starts 2026-W01.
    const list = backups(
        "2027-01-04T12:00:00Z", "2027-01-03T12:00:00Z", "2026-12-28T12:00:00Z",
        "2025-12-29T12:00:00Z", "2025-12-28T12:00:00Z",
    );
    test("one week spans two calendar years and counts once", () => {
        expect(marks(list, { "keep-weekly": 3 })).toEqual({
            "2027-01-04T12:00:00Z": "weekly",
            "2027-01-03T12:00:00Z": "weekly",
            "2026-12-28T12:00:00Z": "remove",
            "2025-12-29T12:00:00Z": "weekly",
            "2025-12-28T12:00:00Z": "remove",
        });
    });
    test("years are calendar years, not week-years", () => {
        expect(kept(list, { "keep-yearly": 3 })).toEqual(["2027-01-04T12:00:00Z", "2026-12-28T12:00:00Z", "2025-12-29T12:00:00Z"]);
    });
});

describe("periods are read in the host's zone", () => {
    test("days: 23:30 UTC is the next day in Berlin", () => {
        const list = backups("2026-11-26T23:30:00Z", "2026-11-26T12:00:00Z");
        expect(kept(list, { "keep-daily": 2 }, "UTC")).toEqual(["2026-11-26T23:30:00Z"]);
        expect(kept(list, { "keep-daily": 2 }, "Europe/Berlin")).toEqual(["2026-11-26T23:30:00Z", "2026-11-26T12:00:00Z"]);
    });

    test("hours: the hour repeated when the clocks go back is one hour", () => {
        // 02:30 CEST and 02:30 CET on 2026-10-25.
        const list = backups("2026-10-25T01:30:00Z", "2026-10-25T00:30:00Z");
        expect(kept(list, { "keep-hourly": 2 }, "Europe/Berlin")).toEqual(["2026-10-25T01:30:00Z"]);
        expect(kept(list, { "keep-hourly": 2 }, "UTC")).toEqual(["2026-10-25T01:30:00Z", "2026-10-25T00:30:00Z"]);
    });

    test("weeks: Monday 00:30 in New York is Sunday evening in Honolulu", () => {
        // 2026-11-30T05:30Z is Monday 00:30 in New York and Sunday 19:30 in Honolulu.
        const list = backups("2026-11-30T05:30:00Z", "2026-11-29T12:00:00Z");
        expect(kept(list, { "keep-weekly": 2 }, "America/New_York")).toHaveLength(2);
        expect(kept(list, { "keep-weekly": 2 }, "Pacific/Honolulu")).toEqual(["2026-11-30T05:30:00Z"]);
    });
});

describe("protected and verified backups", () => {
    test("protected backups are kept and do not count", () => {
        const list = dailyBackups("2026-11-26T03:00:00Z", 5);
        list[0].protected = true;
        list[4].protected = true;
        expect(marks(list, { "keep-last": 2 })).toEqual({
            "2026-11-26": "protected", "2026-11-25": "last", "2026-11-24": "last", "2026-11-23": "remove", "2026-11-22": "protected",
        });
    });

    test("a protected backup's day is still open to keep-daily (as in Proxmox)", () => {
        const list = [
            { id: "10:00", time: Date.parse("2026-11-26T10:00:00Z"), protected: true },
            { id: "09:00", time: Date.parse("2026-11-26T09:00:00Z") },
            { id: "yesterday", time: Date.parse("2026-11-25T09:00:00Z") },
        ];
        expect(marks(list, { "keep-daily": 1 })).toEqual({ "10:00": "protected", "09:00": "daily", yesterday: "remove" });
    });

    test("the newest verified backup is never removed; older verified ones may be", () => {
        const list = dailyBackups("2026-11-26T03:00:00Z", 6);
        list[3].verified = true;
        list[5].verified = true;
        expect(marks(list, { "keep-last": 2 })).toEqual({
            "2026-11-26": "last", "2026-11-25": "last", "2026-11-24": "remove",
            "2026-11-23": "newest-verified", "2026-11-22": "remove", "2026-11-21": "remove",
        });
    });

    test("a newest verified backup an option keeps is listed under that option", () => {
        const list = dailyBackups("2026-11-26T03:00:00Z", 3);
        list[0].verified = true;
        expect(marks(list, { "keep-last": 1 })).toEqual({ "2026-11-26": "last", "2026-11-25": "remove", "2026-11-24": "remove" });
    });

    test("the decisions carry the caller's fields", () => {
        const list = [{ id: "x", time: 5, path: "/var/lib/kvm-manager/backups/x" }];
        expect(selectBackupsToPrune(list, { "keep-last": 1 }, "UTC")).toEqual([{ id: "x", time: 5, path: "/var/lib/kvm-manager/backups/x", keep: true, keptBy: "last" }]);
    });
});

describe("bad input", () => {
    test("a backup without a valid time is refused, not sorted anywhere", () => {
        expect(() => selectBackupsToPrune([{ id: "bad", time: NaN }], { "keep-last": 1 }, "UTC")).toThrow("backup bad has no valid time");
    });

    test("checkPruneOptions", () => {
        expect(checkPruneOptions({ "keep-last": 3, "keep-daily": 0, "keep-all": false })).toEqual({ "keep-last": 3, "keep-daily": 0, "keep-all": false });
        expect(() => checkPruneOptions({ "keep-daily": -1 })).toThrow(PruneOptionsError);
        expect(() => checkPruneOptions({ "keep-daily": 1.5 })).toThrow("keep-daily must be a whole number, 0 or more, not 1.5");
        expect(() => checkPruneOptions({ "keep-daily": "3" })).toThrow('not "3"');
        expect(() => checkPruneOptions({ "keep-dayly": 3 })).toThrow('unknown prune option "keep-dayly"');
        expect(() => checkPruneOptions({ "keep-all": 1 })).toThrow("keep-all must be true or false");
        expect(() => checkPruneOptions([])).toThrow("must be an object");
        expect(() => checkPruneOptions(null)).toThrow("must be an object");
    });
});

describe("parseBackupTime", () => {
    const ok = (text: string, timeZone = "Europe/Berlin") => {
        const parsed = parseBackupTime(text, timeZone);
        return parsed.ok ? new Date(parsed.time).toISOString() : parsed.error;
    };
    test("with an offset, in UTC, and in the zone", () => {
        expect(ok("2026-11-26T03:00:00Z")).toBe("2026-11-26T03:00:00.000Z");
        expect(ok("2026-11-26t03:00z")).toBe("2026-11-26T03:00:00.000Z");
        expect(ok("2026-11-26T04:00:00+01:00")).toBe("2026-11-26T03:00:00.000Z");
        expect(ok("2026-11-26T04:00:00.25+0100")).toBe("2026-11-26T03:00:00.250Z");
        expect(ok("2026-11-25T22:00:00-05")).toBe("2026-11-26T03:00:00.000Z");
        expect(ok("2026-11-26 04:00")).toBe("2026-11-26T03:00:00.000Z");
        expect(ok("2026-07-01 04:00")).toBe("2026-07-01T02:00:00.000Z");
        expect(ok("2026-11-26")).toBe("2026-11-25T23:00:00.000Z");
        // Repeated when the clocks went back: the first.
        expect(ok("2026-10-25 02:30")).toBe("2026-10-25T00:30:00.000Z");
    });
    test("strict", () => {
        expect(ok("2026-03-29 02:30")).toBe("2026-03-29 02:30 does not exist in Europe/Berlin (the clocks skipped it)");
        expect(ok("2026-02-29T00:00Z")).toBe("2026-02-29 is not a date");
        expect(ok("2026-11-26T24:00Z")).toBe("24:00:00 is not a time of day");
        expect(ok("2026-11-26T12:00+24:00")).toBe("+24:00 is not a UTC offset");
        for (const bad of ["", "yesterday", "1700000000", "26.11.2026", "2026-11-26T3:00Z", "2026-11-26T03:00:00Zjunk", "$(rm -rf /)", "2026-11-26T03:00\u200f"]) {
            expect(ok(bad)).toBe("not an ISO 8601 date and time (like 2026-11-26T03:00:00Z)");
        }
    });
});
