// Scheduled snapshots, the pure part: the name pattern's rules, names filled in in the host's zone
// (a DST day included) with a suffix on a clash, and which snapshots the keep count removes: only the
// schedule's own, oldest first, never the user's or another schedule's.
import {
    scheduledSnapshotName, scheduleSnapshotMark, snapshotPatternProblem, snapshotsBeyondKeep, type SnapshotSummary,
} from "../../src/core/schedule/scheduled-snapshots";

const BERLIN = "Europe/Berlin";

describe("name patterns", () => {
    test("{date} and {time} are needed; {vm} may be used; nothing else", () => {
        expect(snapshotPatternProblem("auto-{date}-{time}")).toBeNull();
        expect(snapshotPatternProblem("{vm} nightly {date} {time} ü #1")).toBeNull();
        expect(snapshotPatternProblem("auto-{time}")).toMatch(/needs \{date\} and \{time\}/);
        expect(snapshotPatternProblem("auto-{date}")).toMatch(/needs \{date\} and \{time\}/);
        expect(snapshotPatternProblem("{date}-{time}-{host}")).toBe("unknown placeholder {host}; the pattern may use {vm}, {date} and {time}");
        expect(snapshotPatternProblem("{date}-{time}-{}")).toMatch(/unknown placeholder \{\}/);
        expect(snapshotPatternProblem("a/{date}-{time}")).toMatch(/"\/"/);
        expect(snapshotPatternProblem("{date}\n{time}")).toMatch(/control/);
    });
});

describe("names", () => {
    test("date and time are the host's: 01:30 UTC is 02:30 in Berlin in winter, 03:30 in summer", () => {
        expect(scheduledSnapshotName("auto-{date}-{time}", "web", Date.parse("2026-01-15T01:30:00Z"), BERLIN)).toBe("auto-2026-01-15-0230");
        expect(scheduledSnapshotName("auto-{date}-{time}", "web", Date.parse("2026-07-15T01:30:00Z"), BERLIN)).toBe("auto-2026-07-15-0330");
        // The spring-forward day's 02:30 run happens at 03:00, and is named so.
        expect(scheduledSnapshotName("{date} {time}", "web", Date.parse("2026-03-29T03:00:00+02:00"), BERLIN)).toBe("2026-03-29 0300");
        // Late on New Year's Eve in UTC is already the new year in Berlin.
        expect(scheduledSnapshotName("{date}", "x", Date.parse("2026-12-31T23:30:00Z"), BERLIN)).toBe("2027-01-01");
    });

    test("the VM's name goes in as it is; a clash gets -2, -3", () => {
        const t = Date.parse("2026-11-26T14:05:00Z");
        expect(scheduledSnapshotName("{vm} {date} {time}", `db "ü" $(x) #1`, t, "UTC")).toBe(`db "ü" $(x) #1 2026-11-26 1405`);
        const taken = new Set(["s-2026-11-26-1405", "s-2026-11-26-1405-2"]);
        expect(scheduledSnapshotName("s-{date}-{time}", "x", t, "UTC", taken)).toBe("s-2026-11-26-1405-3");
    });
});

describe("keep count", () => {
    const mark = scheduleSnapshotMark("nightly");
    const own = (name: string, creationTime: number): SnapshotSummary => ({ name, description: mark, creationTime });
    const snapshots: SnapshotSummary[] = [
        own("n1", 100), own("n2", 200), own("n3", 300), own("n4", 400),
        { name: "before upgrade", description: null, creationTime: 50 },
        { name: "user's look-alike", description: "Taken by KVM Manager schedule: nightly ", creationTime: 10 },
        { name: "other schedule", description: scheduleSnapshotMark("weekly"), creationTime: 20 },
    ];

    test("only the schedule's own snapshots beyond the newest N, oldest first", () => {
        expect(snapshotsBeyondKeep(snapshots, "nightly", 2).map(s => s.name)).toEqual(["n1", "n2"]);
        expect(snapshotsBeyondKeep(snapshots, "nightly", 4)).toEqual([]);
        expect(snapshotsBeyondKeep(snapshots, "nightly", 1).map(s => s.name)).toEqual(["n1", "n2", "n3"]);
        expect(snapshotsBeyondKeep(snapshots, "weekly", 1)).toEqual([]);
        expect(snapshotsBeyondKeep(snapshots, "no such schedule", 1)).toEqual([]);
    });

    test("two snapshots in the same second: the suffixed (later) one is the newer", () => {
        const same = [own("s-1405", 500), own("s-1405-2", 500), own("s-1404", 440)];
        expect(snapshotsBeyondKeep(same, "nightly", 1).map(s => s.name)).toEqual(["s-1404", "s-1405"]);
    });
});
