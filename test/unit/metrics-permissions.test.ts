// Who may see and steer the metrics history: its directories are 0700 and its files 0600 (the history
// names every VM and its usage, which libvirt shows to administrators only); a state directory that is
// a link, belongs to another user or that others can write is refused; no file is opened through a
// symbolic link, so a link planted in the directory cannot make root's collector write elsewhere.
// Real files in a temporary directory; the tests with another owner need root (chown).
import {
    chmodSync, chownSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, renameSync, statSync, symlinkSync,
    writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fleetVmName } from "../support/synthetic-fleet";
import { appendDurable, SymlinkRefusedError, writeFileAtomic, writeStateFile } from "../../helpers/lib/durable-fs";
import { acquireLock } from "../../helpers/lib/lock";
import { JOURNAL_FILE, MetricsStore } from "../../helpers/lib/metrics-store";
import { UnsafeStateDirError, checkStateDir, ensureStateDir } from "../../helpers/lib/paths";
import { FOLD_PENDING_FILE } from "../../src/core/metrics/segment-names";
import { HOUR_MS } from "../../src/core/metrics/tiers";
import { simulateTicks, tempStore, type TestStore } from "./metrics-helpers";

const START = Date.UTC(2025, 4, 5, 10, 0, 0);
const NOBODY = 65534;
const asRoot = process.geteuid?.() === 0 ? test : test.skip;

function mode(path: string): string {
    return (lstatSync(path).mode & 0o7777).toString(8);
}

// What an attacker's link would point at: a file of its own, outside the state directory.
function victim(t: TestStore): { path: string; check(): void } {
    const path = join(dirname(t.dir), "victim");
    writeFileSync(path, "precious\n", { mode: 0o644 });
    chmodSync(path, 0o644);
    return {
        path,
        check: () => {
            expect(readFileSync(path, "utf8")).toBe("precious\n");
            expect(mode(path)).toBe("644");
        },
    };
}

let t: TestStore;
beforeEach(() => { t = tempStore(); });
afterEach(() => t.cleanup());

describe("modes", () => {
    test("after ticks and a fold: the state and metrics directories are 0700, every file 0600", async () => {
        await simulateTicks(t, START, START + HOUR_MS + 30_000);
        expect([mode(dirname(t.dir)), mode(t.dir)]).toEqual(["700", "700"]);
        const names = readdirSync(t.dir).sort();
        expect(names).toEqual([FOLD_PENDING_FILE, JOURNAL_FILE, "raw-2025-05-05T10.sqlite"]);
        expect(names.map(n => [n, mode(join(t.dir, n))])).toEqual(names.map(n => [n, "600"]));
    });

    test("an earlier version's 0755 directories and 0644 files are tightened at the next tick", async () => {
        await simulateTicks(t, START, START + HOUR_MS + 30_000);
        for (const d of [dirname(t.dir), t.dir]) chmodSync(d, 0o755);
        for (const n of readdirSync(t.dir)) chmodSync(join(t.dir, n), 0o644);
        // A fresh store, as the next run of the helper is a fresh process.
        const next = { ...t, store: new MetricsStore(t.dir, t.log, { fsync: false }) };
        await simulateTicks(next, START + HOUR_MS + 30_000, START + HOUR_MS + 60_000);
        expect([mode(dirname(t.dir)), mode(t.dir)]).toEqual(["700", "700"]);
        const names = readdirSync(t.dir);
        expect(names.map(n => [n, mode(join(t.dir, n))])).toEqual(names.map(n => [n, "600"]));
        expect(t.lines.filter(l => l.includes("readable by their owner only"))).toEqual([
            `test: made ${t.dir} and 3 files in it readable by their owner only`,
        ]);
    });
});

describe("symbolic links are never followed", () => {
    test("a journal.ndjson linked to another file: the tick is refused and the file it points to is unchanged", async () => {
        const target = victim(t);
        await simulateTicks(t, START, START + 60_000);
        renameSync(join(t.dir, JOURNAL_FILE), join(t.dir, "old-journal"));
        symlinkSync(target.path, join(t.dir, JOURNAL_FILE));
        await expect(simulateTicks(t, START + 60_000, START + 90_000)).rejects.toThrow(SymlinkRefusedError);
        await expect(simulateTicks(t, START + 60_000, START + 90_000))
            .rejects.toThrow(`${join(t.dir, JOURNAL_FILE)} is a symbolic link; kvm-manager's helpers do not follow links in their state directories (remove it and run again)`);
        // Readers refuse it too.
        await expect(t.store.readVmRows(fleetVmName(0), "raw", START, START + HOUR_MS)).rejects.toThrow(SymlinkRefusedError);
        target.check();
        expect(readlinkSync(join(t.dir, JOURNAL_FILE))).toBe(target.path);
        expect(readdirSync(t.dir).filter(n => n.endsWith(".lock"))).toEqual([]);
    });

    test("a link where the fold writes a segment file is replaced by the file, never written through", async () => {
        const target = victim(t);
        await simulateTicks(t, START, START + HOUR_MS);
        symlinkSync(target.path, join(t.dir, "raw-2025-05-05T10.sqlite"));
        const [tick] = await simulateTicks(t, START + HOUR_MS, START + HOUR_MS + 30_000);
        expect(tick.fold?.written.map(w => w.name)).toEqual(["raw-2025-05-05T10.sqlite"]);
        expect(lstatSync(join(t.dir, "raw-2025-05-05T10.sqlite")).isFile()).toBe(true);
        target.check();
    });

    test("a link as the lock file: refused, the file it points to unchanged", () => {
        const target = victim(t);
        t.store.ensureDir();
        symlinkSync(target.path, t.store.lockPath);
        expect(() => t.store.lock(200)).toThrow(SymlinkRefusedError);
        target.check();
    });

    test("durable-fs: appends refuse a link, whole-file writes replace it", () => {
        const target = victim(t);
        t.store.ensureDir();
        const link = join(t.dir, "state.json");
        symlinkSync(target.path, link);
        expect(() => appendDurable(link, "x\n", { fsync: false })).toThrow(SymlinkRefusedError);
        target.check();
        writeStateFile(link, "{}\n", { fsync: false });
        expect([readFileSync(link, "utf8"), mode(link)]).toEqual(["{}\n", "600"]);
        symlinkSync(target.path, join(t.dir, "config.json"));
        writeFileAtomic(join(t.dir, "config.json"), "{}\n", 0o644);
        expect(mode(join(t.dir, "config.json"))).toBe("644");
        target.check();
    });

    test("a metrics directory that is a link is refused, by writers and readers", async () => {
        const elsewhere = join(dirname(t.dir), "elsewhere");
        mkdirSync(elsewhere, { mode: 0o700 });
        symlinkSync(elsewhere, t.dir);
        await expect(simulateTicks(t, START, START + 30_000)).rejects.toThrow(
            `refusing to use ${t.dir}: it is a symbolic link (replace it with a directory)`);
        await expect(t.store.readVmRows(fleetVmName(0), "raw", START, START + HOUR_MS)).rejects.toThrow(UnsafeStateDirError);
        expect(readdirSync(elsewhere)).toEqual([]);
    });
});

describe("state directories others control are refused", () => {
    test.each([["the metrics directory", "777"], ["the metrics directory", "1777"], ["the state directory", "775"]])(
        "%s writable by others (mode %s): refused, nothing written, the mode left for the admin to fix", async (which, octalMode) => {
            const bad = parseInt(octalMode, 8);
            await simulateTicks(t, START, START + 30_000);
            const dir = which === "the state directory" ? dirname(t.dir) : t.dir;
            chmodSync(dir, bad);
            const journal = readFileSync(join(t.dir, JOURNAL_FILE));
            await expect(simulateTicks(t, START + 30_000, START + 60_000)).rejects.toThrow(
                `refusing to use ${dir}: other users can write to it (mode 0${bad.toString(8)}) (chmod 700 ${dir})`);
            expect(readFileSync(join(t.dir, JOURNAL_FILE)).equals(journal)).toBe(true);
            expect(mode(dir)).toBe(octalMode);
            // Readers refuse it as well: what it holds may have been planted.
            await expect(t.store.readVmRows(fleetVmName(0), "raw", START, START + HOUR_MS)).rejects.toThrow(UnsafeStateDirError);
        });

    asRoot("a directory owned by another user (nobody) is refused by writers and readers", async () => {
        await simulateTicks(t, START, START + 30_000);
        for (const dir of [t.dir, dirname(t.dir)]) {
            chownSync(dir, NOBODY, NOBODY);
            const journal = readFileSync(join(t.dir, JOURNAL_FILE));
            await expect(simulateTicks(t, START + 30_000, START + 60_000)).rejects.toThrow(
                `refusing to use ${dir}: it belongs to uid ${NOBODY}, not to uid 0 that runs this helper (chown 0 ${dir}, or remove it)`);
            await expect(t.store.readVmRows(fleetVmName(0), "raw", START, START + HOUR_MS)).rejects.toThrow(UnsafeStateDirError);
            expect(readFileSync(join(t.dir, JOURNAL_FILE)).equals(journal)).toBe(true);
            chownSync(dir, 0, 0);
        }
    });

    asRoot("ensureStateDir / checkStateDir for other helpers' state: create 0700, refuse a foreign owner", () => {
        const dir = join(dirname(t.dir), "retention");
        expect(checkStateDir(dir)).toBe(false);
        expect(ensureStateDir(dir)).toEqual({ created: true, tightened: false });
        expect(mode(dir)).toBe("700");
        expect(checkStateDir(dir)).toBe(true);
        chmodSync(dir, 0o750);
        expect(ensureStateDir(dir)).toEqual({ created: false, tightened: true });
        expect(mode(dir)).toBe("700");
        chownSync(dir, NOBODY, NOBODY);
        expect(() => ensureStateDir(dir)).toThrow(UnsafeStateDirError);
        expect(() => checkStateDir(dir)).toThrow(UnsafeStateDirError);
        // A plain file where the directory should be.
        const file = join(dirname(t.dir), "not-a-dir");
        writeFileSync(file, "");
        expect(() => ensureStateDir(file)).toThrow(`refusing to use ${file}: it is not a directory (move it away)`);
        expect(statSync(file).isFile()).toBe(true);
    });

    test("a lock cannot be created through a link either", () => {
        const target = victim(t);
        t.store.ensureDir();
        symlinkSync(target.path, join(t.dir, "other.lock"));
        expect(() => acquireLock(join(t.dir, "other.lock"), { timeoutMs: 100 })).toThrow(SymlinkRefusedError);
        target.check();
    });
});
