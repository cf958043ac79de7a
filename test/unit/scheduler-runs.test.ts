// The scheduler's dispatch of a backup schedule and its run history's retention, on private
// configuration and state directories. kvm-manager-backup is a stand-in script on PATH that answers
// as the backup helper's contract says (`run --job NAME --json` -> {ok, results: [{vm, result,
// message}]}); no libvirt is involved in either. A lifecycle schedule on a VM whose backup is running
// is decided before virsh is asked about that VM: the backup's lock is taken here with vm-lock.ts.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lockVm } from "../../helpers/lib/backup/vm-lock";
import { silentLogger } from "../../helpers/lib/log";
import {
    pruneRunHistory, readRuns, runScheduleNow, runsPath, schedulerTick, type RunRecord, type SchedulerContext,
} from "../../helpers/lib/scheduler";
import type { ScheduleDocument } from "../../src/core/schedule/schedule-document";

let work: string;
let bin: string;
let ctx: SchedulerContext;
const originalPath = process.env.PATH;

// Each job name gives one canned answer; the script also writes its argv, one per line, to argv.txt.
const STAND_IN = `#!/bin/sh
printf '%s\\n' "$@" > "$(dirname "$0")/argv.txt"
case "$3" in
nightly*) echo '{"ok": false, "results": [
  {"vm": "web ü", "result": "ok", "message": "backed up 2 disks"},
  {"vm": "db $(x)", "result": "failed", "message": "Failed to open file: No space left on device"},
  {"vm": "off", "result": "skipped", "message": "it is not in this job any more"}]}'; exit 1 ;;
empty) echo '{"ok": true, "results": []}' ;;
refused) echo '{"ok": false, "error": "there is no backup job \\"refused\\""}'; exit 1 ;;
*) echo "kvm-manager-backup: Segmentation fault" >&2; exit 139 ;;
esac
`;

function writeSchedule(name: string, job: string): void {
    const doc: ScheduleDocument = {
        version: 1, vms: [], operation: { type: "backup", job }, when: { frequency: "daily" }, time: "03:00", enabled: true,
        activeSince: "2026-11-01T00:00:00Z",
    };
    writeFileSync(join(ctx.configDir, "schedules", `${name}.json`), JSON.stringify(doc));
}

function writeLifecycleSchedule(name: string, vms: string[], operation: ScheduleDocument["operation"]): void {
    const doc: ScheduleDocument = {
        version: 1, vms, operation, when: { frequency: "daily" }, time: "03:00", enabled: true, activeSince: "2026-11-01T00:00:00Z",
    };
    writeFileSync(join(ctx.configDir, "schedules", `${name}.json`), JSON.stringify(doc));
}

function installStandIn(): void {
    writeFileSync(join(bin, "kvm-manager-backup"), STAND_IN);
    chmodSync(join(bin, "kvm-manager-backup"), 0o755);
}

function summary(records: RunRecord[]): [string, string, string, string][] {
    return records.map(r => [r.operation, r.vm, r.result, r.message]);
}

beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "kvmm-scheduler-runs-"));
    bin = join(work, "bin");
    mkdirSync(bin);
    ctx = {
        configDir: join(work, "etc"), stateDir: join(work, "state"), uri: "test:///default", timeZone: "UTC",
        now: Date.parse("2026-11-26T03:00:30Z"), log: silentLogger, fsync: false,
    };
    mkdirSync(join(ctx.configDir, "schedules"), { recursive: true });
    // Only the stand-in's directory and the system's: a real kvm-manager-backup in /usr/local/bin is not found.
    process.env.PATH = `${bin}:/usr/bin:/bin`;
});

afterEach(() => {
    process.env.PATH = originalPath;
    rmSync(work, { recursive: true, force: true });
});

describe("a backup schedule runs kvm-manager-backup run --job NAME --json", () => {
    test("a record per VM of the answer, with the job's argv as given", async () => {
        installStandIn();
        writeSchedule("nightly backup", "nightly ü $(x)");
        const records = await runScheduleNow(ctx, "nightly backup");
        expect(readFileSync(join(bin, "argv.txt"), "utf8")).toBe("run\n--job\nnightly ü $(x)\n--json\n");
        expect(summary(records)).toEqual([
            ["backup", "web ü", "ok", "backed up 2 disks"],
            ["backup", "db $(x)", "failed", "Failed to open file: No space left on device"],
            ["backup", "off", "skipped", "it is not in this job any more"],
        ]);
        expect(summary(readRuns(ctx.stateDir, { result: "failed" }))).toEqual([["backup", "db $(x)", "failed", "Failed to open file: No space left on device"]]);
    });

    test("the scheduled tick runs it too, for its occurrence", async () => {
        installStandIn();
        writeSchedule("empty job", "empty");
        const outcome = await schedulerTick(ctx);
        expect(outcome.ran.map(r => [r.schedule, r.occurrence, summary(r.records)])).toEqual([
            ["empty job", "2026-11-26T03:00:00.000Z", [["backup", "", "ok", "the backup job had no VM to back up"]]],
        ]);
    });

    test("a refusal, a crash and a missing command are failures with their message", async () => {
        installStandIn();
        writeSchedule("refused", "refused");
        writeSchedule("crashing", "crash");
        expect(summary(await runScheduleNow(ctx, "refused"))).toEqual([["backup", "", "failed", 'there is no backup job "refused"']]);
        expect(summary(await runScheduleNow(ctx, "crashing"))).toEqual([
            ["backup", "", "failed", "kvm-manager-backup exited 139 without an answer: kvm-manager-backup: Segmentation fault"],
        ]);
        rmSync(join(bin, "kvm-manager-backup"));
        expect(summary(await runScheduleNow(ctx, "refused"))).toEqual([["backup", "", "failed", "kvm-manager-backup is not installed"]]);
    });
});

describe("a lifecycle schedule and a running backup of the same VM", () => {
    const backedUp = "web ü $(x)";

    test.each([
        ["shut down", { type: "shutdown", timeoutSeconds: 60, then: "give-up" }],
        ["force off", { type: "shutdown", timeoutSeconds: 1, then: "force-off" }],
        ["reboot", { type: "reboot" }],
    ] as [string, ScheduleDocument["operation"]][])("%s skips the VM being backed up, not the others", async (_label, operation) => {
        const lock = lockVm(ctx.stateDir, { vm: backedUp, uuid: null, job: "nightly", activity: "backup", started: "2026-11-26T02:59:00Z" });
        expect(lock).not.toBeNull();
        try {
            writeLifecycleSchedule("nightly stop", [backedUp, "not backed up"], operation);
            const records = await runScheduleNow(ctx, "nightly stop");
            // The other VM went on to virsh (the test driver, which has no VM of that name).
            expect(summary(records)).toEqual([
                [operation.type, backedUp, "skipped", "a backup of this VM is running"],
                [operation.type, "not backed up", "failed", "there is no VM of this name"],
            ]);
            expect(summary(readRuns(ctx.stateDir, { result: "skipped" }))).toEqual([[operation.type, backedUp, "skipped", "a backup of this VM is running"]]);
        } finally {
            lock?.release();
        }
    });

    test("once the backup has ended, the VM is no longer skipped", async () => {
        lockVm(ctx.stateDir, { vm: backedUp, uuid: null, job: "nightly", activity: "backup", started: "2026-11-26T02:59:00Z" })?.release();
        writeLifecycleSchedule("nightly reboot", [backedUp], { type: "reboot" });
        expect(summary(await runScheduleNow(ctx, "nightly reboot"))).toEqual([["reboot", backedUp, "failed", "there is no VM of this name"]]);
    });

    test("a start is not held back by a backup", async () => {
        const lock = lockVm(ctx.stateDir, { vm: backedUp, uuid: null, job: "nightly", activity: "backup", started: "2026-11-26T02:59:00Z" });
        try {
            writeLifecycleSchedule("morning start", [backedUp], { type: "start" });
            expect(summary(await runScheduleNow(ctx, "morning start"))).toEqual([["start", backedUp, "failed", "there is no VM of this name"]]);
        } finally {
            lock?.release();
        }
    });
});

describe("run history retention", () => {
    function record(start: string, vm = "web"): RunRecord {
        return { schedule: "s", vm, operation: "start", occurrence: null, start, end: start, result: "ok", message: "started" };
    }

    function writeHistory(lines: string[]): void {
        mkdirSync(join(ctx.stateDir, "scheduler"), { recursive: true });
        writeFileSync(runsPath(ctx.stateDir), lines.join(""));
    }

    test("entries older than the cutoff, beyond the cap, and torn lines go; the rest stay in order", () => {
        writeHistory([
            JSON.stringify(record("2026-01-01T00:00:00.000Z", "old")) + "\n",
            JSON.stringify(record("2026-11-20T00:00:00.000Z", "a")) + "\n",
            "{\"schedule\": \"torn\n",
            JSON.stringify(record("2026-11-21T00:00:00.000Z", "b")) + "\n",
            JSON.stringify(record("2026-11-22T00:00:00.000Z", "c")) + "\n",
        ]);
        expect(pruneRunHistory(ctx.stateDir, Date.parse("2026-06-01T00:00:00Z"), 2, { fsync: false })).toBe(3);
        expect(readRuns(ctx.stateDir).map(r => r.vm)).toEqual(["b", "c"]);
        // Nothing more to drop: the file is not rewritten.
        const before = readFileSync(runsPath(ctx.stateDir));
        expect(pruneRunHistory(ctx.stateDir, Date.parse("2026-06-01T00:00:00Z"), 2, { fsync: false })).toBe(0);
        expect(readFileSync(runsPath(ctx.stateDir)).equals(before)).toBe(true);
    });

    test("the tick prunes with the metrics retention period, at most once an hour", async () => {
        writeFileSync(join(ctx.configDir, "retention.json"), JSON.stringify({ enabled: true, retentionDays: 30, cleanupHour: 3 }));
        writeHistory([
            JSON.stringify(record("2026-10-01T00:00:00.000Z", "too old")) + "\n",
            JSON.stringify(record("2026-11-01T00:00:00.000Z", "recent")) + "\n",
        ]);
        await schedulerTick(ctx);
        expect(readRuns(ctx.stateDir).map(r => r.vm)).toEqual(["recent"]);
        // 40 days on, but within the hour of the scheduler's clock: not pruned again yet.
        writeHistory([JSON.stringify(record("2026-10-01T00:00:00.000Z", "too old")) + "\n"]);
        await schedulerTick({ ...ctx, now: ctx.now + 30 * 60_000 });
        expect(readRuns(ctx.stateDir).map(r => r.vm)).toEqual(["too old"]);
        await schedulerTick({ ...ctx, now: ctx.now + 61 * 60_000 });
        expect(readRuns(ctx.stateDir)).toEqual([]);
    });

    test("--history's limit gives the newest runs the filter lets through", () => {
        writeHistory(["a", "b", "c", "d"].map((vm, i) => JSON.stringify(record(`2026-11-2${i}T00:00:00.000Z`, vm)) + "\n"));
        expect(readRuns(ctx.stateDir, { limit: 2 }).map(r => r.vm)).toEqual(["c", "d"]);
        expect(readRuns(ctx.stateDir, { vm: "a", limit: 2 }).map(r => r.vm)).toEqual(["a"]);
    });
});
