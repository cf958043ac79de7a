// The storage under the collector, on a fake clock in a temporary directory: the journal, the fold
// steps down the tiers, reading back, expiry, late samples, the lock, schema versions.
import fs, { existsSync, readFileSync, readdirSync, writeFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { fleetVmName } from "../support/synthetic-fleet";
import { LibvirtUnavailableError, collectTick } from "../../helpers/lib/collector";
import { LockBusyError, acquireLock } from "../../helpers/lib/lock";
import { JOURNAL_FILE, SchemaTooNewError, migrateSegmentDb } from "../../helpers/lib/metrics-store";
import { loadSqlJs } from "../../helpers/lib/sqljs";
import { rollUp } from "../../src/core/metrics/rollup";
import { FOLD_PENDING_FILE } from "../../src/core/metrics/segment-names";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../../src/core/metrics/tiers";
import { simulateTicks, tempStore, type TestStore } from "./metrics-helpers";

// 22:00 UTC on the last day of a month: a run of a few hours closes an hour, a day and a month.
const START = Date.UTC(2025, 0, 31, 22, 0, 0);
const VM = fleetVmName(1);

function files(t: TestStore): string[] {
    return readdirSync(t.dir).sort();
}

describe("folding down the tiers", () => {
    let t: TestStore;
    beforeAll(async () => {
        t = tempStore();
        await simulateTicks(t, START, START + 4 * HOUR_MS + 10 * MINUTE_MS);
    });
    afterAll(() => t.cleanup());

    test("closed hours leave the journal for raw and 1m files; days for 30m files; the month for a 6h file", () => {
        const names = files(t);
        for (const h of [22, 23]) {
            expect(names).toContain(`raw-2025-01-31T${h}.sqlite`);
            expect(names).toContain(`1m-2025-01-31T${h}.sqlite`);
        }
        // 01:00-02:00 went to its raw file at 02:00:00 and to its 1m file one tick later.
        for (const h of ["00", "01"]) expect(names).toContain(`1m-2025-02-01T${h}.sqlite`);
        expect(names).toContain("raw-2025-02-01T01.sqlite");
        expect(names).not.toContain("raw-2025-02-01T02.sqlite");
        expect(names).toContain("30m-2025-01-31.sqlite");
        expect(names).toContain("30m-2025-02-01.sqlite");
        expect(names).toContain("6h-2025-01.sqlite");
        expect(names).not.toContain("6h-2025-02.sqlite"); // February has no closed day yet
        // Only the open hour is left in the journal.
        const journal = t.store.readJournal();
        expect(journal.records.length).toBe(20);
        expect(journal.records.every(r => r.t >= START + 4 * HOUR_MS)).toBe(true);
        expect(names.filter(n => n.includes(".tmp-") || n.includes(".corrupt-"))).toEqual([]);
    });

    test("every tier reads back what the journal held: files and journal agree to the rounding", async () => {
        // Aligned to 6 h, as history windows are: buckets are selected by their start.
        const from = START - 4 * HOUR_MS;
        const to = START + 4 * HOUR_MS + 10 * MINUTE_MS;
        const raw = (await t.store.readVmRows(VM, "raw", from, to)).rows;
        // One row per tick: the first has memory but no rates yet.
        expect(raw).toHaveLength(500);
        expect(raw[0].avg.cpuPercent).toBeNull();
        expect(raw[0].avg.memoryUsedKiB).not.toBeNull();
        const minute = (await t.store.readVmRows(VM, "1m", from, to)).rows;
        const expectedMinute = rollUp(raw, MINUTE_MS);
        expect(minute.map(r => [r.tsMs, r.n])).toEqual(expectedMinute.map(r => [r.tsMs, r.n]));
        minute.forEach((r, i) => {
            expect(r.avg.cpuPercent).toBeCloseTo(expectedMinute[i].avg.cpuPercent ?? NaN, 1);
            expect(r.max.diskReadBps).toBeCloseTo(expectedMinute[i].max.diskReadBps ?? NaN, -1);
        });
        const half = (await t.store.readVmRows(VM, "30m", from, to)).rows;
        const expectedHalf = rollUp(raw, 30 * MINUTE_MS);
        expect(half.map(r => [r.tsMs, r.n])).toEqual(expectedHalf.map(r => [r.tsMs, r.n]));
        half.forEach((r, i) => expect(r.avg.memoryUsedKiB).toBeCloseTo(expectedHalf[i].avg.memoryUsedKiB ?? NaN, -1));
        const six = (await t.store.readVmRows(VM, "6h", from, to)).rows;
        const expectedSix = rollUp(raw, 6 * HOUR_MS);
        expect(six.map(r => [r.tsMs, r.n])).toEqual(expectedSix.map(r => [r.tsMs, r.n]));
        six.forEach((r, i) => expect(r.max.cpuPercent).toBeCloseTo(expectedSix[i].max.cpuPercent ?? NaN, 1));
    });

    test("a day's 30m file says it is complete; today's says how far it got", async () => {
        const SQL = await loadSqlJs();
        const coveredUntil = (name: string): string => {
            const db = new SQL.Database(readFileSync(join(t.dir, name)));
            try {
                return String(db.exec("SELECT value FROM meta WHERE key = 'covered_until'")[0].values[0][0]);
            } finally {
                db.close();
            }
        };
        expect(coveredUntil("30m-2025-01-31.sqlite")).toBe("2025-02-01T00:00:00.000Z");
        expect(coveredUntil("30m-2025-02-01.sqlite")).toBe("2025-02-01T02:00:00.000Z");
        expect(coveredUntil("6h-2025-01.sqlite")).toBe("2025-02-01T00:00:00.000Z");
    });

    test("files past their tier's length go at the next fold step", async () => {
        const far = START + 40 * DAY_MS;
        const expired: string[] = [];
        const steps: (string | null)[] = [];
        for (let i = 0; i < 10; i++) {
            const report = await t.store.fold(far);
            expired.push(...report.expired);
            steps.push(report.step);
            if (report.step === null) break;
        }
        // The open hour left the journal, then 1 February went into February's 6h file (its hours are
        // too old for 1m files by now); a 30m file waited for that before it went.
        expect(steps).toEqual(["journal", "day", null]);
        expect(expired).toEqual(expect.arrayContaining(["raw-2025-01-31T22.sqlite", "1m-2025-02-01T01.sqlite", "30m-2025-01-31.sqlite", "30m-2025-02-01.sqlite"]));
        expect(files(t).filter(n => /^(raw|1m|30m)-/.test(n))).toEqual([]);
        expect(files(t)).toEqual(expect.arrayContaining(["6h-2025-01.sqlite", "6h-2025-02.sqlite", JOURNAL_FILE]));
    });
});

test("samples for a VM that restarts or vanishes leave gaps, never bridged", async () => {
    const t = tempStore();
    try {
        let now = START;
        const tick = (text: string) => collectTick({ store: t.store, log: t.log, uri: "x", now: () => now, readDomstats: async () => text });
        const vm = (cpuNs: number, state = 1) => `Domain: 'v'\n  state.state=${state}\n  cpu.time=${cpuNs}\n  vcpu.current=1\n  balloon.current=100\n  balloon.rss=50\n`;
        await tick(vm(0));
        now += 30_000; await tick(vm(15e9));
        now += 30_000; await tick(vm(0, 5)); // shut off
        now += 30_000; await tick("");      // undefined
        now += 30_000; await tick(vm(1e9)); // started again: counters from 0
        now += 30_000; await tick(vm(4e9));
        const rows = (await t.store.readVmRows("v", "raw", START, now + 1)).rows;
        expect(rows.map(r => [(r.tsMs - START) / 30_000, r.avg.cpuPercent])).toEqual([[0, null], [1, 50], [4, null], [5, 10]]);
    } finally {
        t.cleanup();
    }
});

test("late samples for a folded hour merge into its files and its buckets are recomputed from all of them", async () => {
    const t = tempStore();
    try {
        await simulateTicks(t, START, START + HOUR_MS + 2 * 30_000);
        const minuteBefore = (await t.store.readVmRows(VM, "1m", START, START + HOUR_MS)).rows;
        const bucket = START + 10 * MINUTE_MS;
        expect(minuteBefore.find(r => r.tsMs === bucket)?.n).toBe(2);
        // A sample at 22:10:15 arrives after 22:00-23:00 was folded (a clock that jumped back).
        const [record] = t.store.readJournal().records;
        t.store.appendTick({ t: bucket + 15_000, vms: record.vms.map(v => ({ ...v, usage: { ...v.usage, cpuPercent: 100 } })) });
        const now = START + HOUR_MS + 3 * 30_000;
        expect((await t.store.fold(now)).step).toBe("journal");
        expect((await t.store.fold(now)).step).toBe("hour");
        const after = (await t.store.readVmRows(VM, "1m", START, START + HOUR_MS)).rows.find(r => r.tsMs === bucket);
        expect(after?.n).toBe(3);
        expect(after?.max.cpuPercent).toBe(100);
        expect(t.store.needsFold(now)).toBe(false);
    } finally {
        t.cleanup();
    }
});

test("a journal left unfolded for days (fold failing, clock jumped) still reaches the 30m tier", async () => {
    const t = tempStore();
    try {
        await simulateTicks(t, START, START + 20 * MINUTE_MS);
        const now = START + 2 * DAY_MS;
        const report = await t.store.fold(now);
        expect(report.step).toBe("journal");
        expect(report.written.map(w => w.name)).toEqual(["30m-2025-01-31.sqlite"]);
        expect(files(t).filter(n => /^(raw|1m)-/.test(n))).toEqual([]);
        const rows = (await t.store.readVmRows(VM, "30m", START, START + HOUR_MS)).rows;
        expect(rows.map(r => r.n)).toEqual([40]);
        expect(t.store.readJournal().records).toEqual([]);
    } finally {
        t.cleanup();
    }
});

test("libvirt unreachable: the tick fails with a clear error and nothing is written", async () => {
    const t = tempStore();
    try {
        await simulateTicks(t, START, START + 90_000);
        const journal = readFileSync(join(t.dir, JOURNAL_FILE));
        const before = files(t);
        await expect(collectTick({
            store: t.store, log: t.log, uri: "qemu:///system", now: () => START + 120_000,
            readDomstats: async () => { throw new Error("failed to connect to the hypervisor"); },
        })).rejects.toThrow(LibvirtUnavailableError);
        expect(readFileSync(join(t.dir, JOURNAL_FILE)).equals(journal)).toBe(true);
        expect(files(t)).toEqual(before);
        expect(existsSync(t.store.lockPath)).toBe(false);
    } finally {
        t.cleanup();
    }
});

test("a torn last journal line (kill -9 mid-append) is cut off before the next append", async () => {
    const t = tempStore();
    try {
        await simulateTicks(t, START, START + 60_000);
        const path = join(t.dir, JOURNAL_FILE);
        appendFileSync(path, '{"v":1,"t":17384');
        expect(t.store.readJournal()).toMatchObject({ tornTail: true, damagedLines: 0 });
        expect(t.store.lastTick()?.t).toBe(START + 30_000);
        await simulateTicks(t, START + 60_000, START + 90_000);
        const journal = t.store.readJournal();
        expect(journal).toMatchObject({ tornTail: false, damagedLines: 0 });
        expect(journal.records.map(r => r.t)).toEqual([START, START + 30_000, START + 60_000]);
        expect(t.lines.join("\n")).toMatch(/cut 16 bytes of an interrupted write/);
    } finally {
        t.cleanup();
    }
});

describe("the writers' lock", () => {
    let t: TestStore;
    beforeEach(() => { t = tempStore(); t.store.ensureDir(); });
    afterEach(() => t.cleanup());

    test("one holder at a time; released, it can be taken again", () => {
        const held = t.store.lock(100);
        expect(() => t.store.lock(150)).toThrow(LockBusyError);
        held.release();
        t.store.lock(100).release();
        expect(existsSync(t.store.lockPath)).toBe(false);
    });

    // This process's own lock token: its pid and its start time (field 22 of /proc/self/stat).
    function ownToken(): string {
        const stat = readFileSync("/proc/self/stat", "utf8");
        return `${process.pid} ${stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19]}`;
    }

    test("a lock left by a process that is gone is taken over", () => {
        // pid 2^22 + 1 is above Linux's pid_max default, so no process has it.
        writeFileSync(t.store.lockPath, "4194305 12345");
        const held = acquireLock(t.store.lockPath, { timeoutMs: 500 });
        expect(readFileSync(t.store.lockPath, "utf8")).toBe(ownToken());
        held.release();
        expect(existsSync(t.store.lockPath)).toBe(false);
    });

    test("a lock whose pid now belongs to another process (pid reuse) is taken over; a live holder's is not", () => {
        // Our pid, but a start time that is not ours: the process that wrote it is gone.
        writeFileSync(t.store.lockPath, `${process.pid} 1`);
        const held = acquireLock(t.store.lockPath, { timeoutMs: 500 });
        expect(readFileSync(t.store.lockPath, "utf8")).toBe(ownToken());
        held.release();
        // The same pid with its real start time is a live holder: waited for, then refused.
        writeFileSync(t.store.lockPath, ownToken());
        expect(() => acquireLock(t.store.lockPath, { timeoutMs: 200, pollMs: 50 })).toThrow(LockBusyError);
        expect(readFileSync(t.store.lockPath, "utf8")).toBe(ownToken());
    });
});

describe("a plain tick's cost", () => {
    // The collector runs every 30 s: a tick with no fold due opens the journal to read it once and
    // to append once, and does not list the directory.
    test("one read of the journal, one append, no directory listing", async () => {
        const t = tempStore();
        try {
            await simulateTicks(t, START, START + 90_000);
            // Spies call through to the real functions and record the calls.
            const open = jest.spyOn(fs, "openSync");
            const listed = jest.spyOn(fs, "readdirSync");
            let reports;
            let opened: string[];
            let listings: number;
            try {
                reports = await simulateTicks(t, START + 90_000, START + 120_000);
            } finally {
                // Restoring forgets the calls: read them first.
                opened = open.mock.calls.map(c => String(c[0]));
                listings = listed.mock.calls.length;
                open.mockRestore();
                listed.mockRestore();
            }
            expect(reports.map(r => r.fold)).toEqual([null]);
            expect(opened.filter(p => p.endsWith(JOURNAL_FILE))).toEqual([join(t.dir, JOURNAL_FILE), join(t.dir, JOURNAL_FILE)]);
            expect(opened.filter(p => !p.endsWith(JOURNAL_FILE) && !p.endsWith(".lock"))).toEqual([]);
            expect(listings).toBe(0);
        } finally {
            t.cleanup();
        }
    });

    test("fold.pending: set when the journal gives up an hour, cleared when the last step is done", async () => {
        const t = tempStore();
        try {
            const mark = join(t.dir, FOLD_PENDING_FILE);
            await simulateTicks(t, START, START + HOUR_MS);
            expect(existsSync(mark)).toBe(false);
            const [journalStep] = await simulateTicks(t, START + HOUR_MS, START + HOUR_MS + 30_000);
            expect(journalStep.fold?.step).toBe("journal");
            expect(existsSync(mark)).toBe(true);
            // The journal no longer holds a closed hour: only the mark says the hour step is due.
            expect(t.store.needsFold(START + HOUR_MS + 60_000)).toBe(true);
            const [hourStep] = await simulateTicks(t, START + HOUR_MS + 30_000, START + HOUR_MS + 60_000);
            expect(hourStep.fold?.step).toBe("hour");
            expect(existsSync(mark)).toBe(false);
            const [plain] = await simulateTicks(t, START + HOUR_MS + 60_000, START + HOUR_MS + 90_000);
            expect(plain.fold).toBeNull();
        } finally {
            t.cleanup();
        }
    });
});

describe("segment files", () => {
    test("schema versions: older files are migrated, newer ones refused without being touched", async () => {
        const SQL = await loadSqlJs();
        const db = new SQL.Database();
        db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID; CREATE TABLE samples (ts INTEGER)");
        db.run("INSERT INTO meta VALUES ('schema_version', '1')");
        const migrations = [{ to: 2, statements: ["ALTER TABLE samples ADD COLUMN extra INTEGER"] }];
        expect(migrateSegmentDb(db, migrations, 2)).toBe(true);
        expect(db.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0].values[0][0]).toBe("2");
        db.run("INSERT INTO samples (ts, extra) VALUES (1, 2)");
        expect(migrateSegmentDb(db, migrations, 2)).toBe(false);
        expect(() => migrateSegmentDb(db, migrations, 1)).toThrow(SchemaTooNewError);
        db.close();
    });

    test("a file written by a newer version is skipped with a warning and left alone", async () => {
        const t = tempStore();
        try {
            await simulateTicks(t, START, START + HOUR_MS + 60_000);
            const SQL = await loadSqlJs();
            const path = join(t.dir, "1m-2025-01-31T22.sqlite");
            const db = new SQL.Database(readFileSync(path));
            db.run("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
            writeFileSync(path, db.export());
            db.close();
            const { rows, warnings } = await t.store.readVmRows(VM, "1m", START, START + HOUR_MS);
            expect(warnings.join()).toMatch(/schema version 99 is newer/);
            // The hour still reads, from the raw file.
            expect(rows.length).toBe(60);
            expect(existsSync(path)).toBe(true);
        } finally {
            t.cleanup();
        }
    });
});

test("rows of one VM never leak into another's history", async () => {
    const t = tempStore();
    try {
        await simulateTicks(t, START, START + HOUR_MS + 60_000, 3);
        const names = new Set<string>();
        for (const vm of [fleetVmName(0), fleetVmName(2)]) {
            for (const tier of ["raw", "1m"] as const) {
                for (const r of (await t.store.readVmRows(vm, tier, START, START + 2 * HOUR_MS)).rows) names.add(`${vm}:${r.vm}`);
            }
        }
        expect([...names].sort()).toEqual([`${fleetVmName(0)}:${fleetVmName(0)}`, `${fleetVmName(2)}:${fleetVmName(2)}`]);
        expect((await t.store.readVmRows("no such vm", "raw", START, START + 2 * HOUR_MS)).rows).toEqual([]);
    } finally {
        t.cleanup();
    }
});
