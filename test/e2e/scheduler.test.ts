// The installed kvm-manager-scheduler against real VMs: a schedule that starts one VM and one that
// shuts down another (which ignores ACPI, so it is forced off after its timeout) at the same minute,
// with the scheduler's clock set by --now so nothing waits for a real minute. Each runs once; a damaged
// schedule file and a FIFO are reported by --list and left as they are; the history records every VM.
import { execFileSync } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScheduleDocument } from "../../src/core/schedule/schedule-document";
import { defineTinyVm, domState, removeVm } from "../support/virsh";
import { runToExit, type ProgramRun } from "../support/exec";
import { waitFor } from "../support/wait";

const SCHEDULER = "/usr/local/bin/kvm-manager-scheduler";
const PREFIX = "kvmm-sched-";
const TO_START = `${PREFIX}start #1 it's "ü" $(id)`;
const TO_STOP = `${PREFIX}stop me #2`;
const STUBBORN = `${PREFIX}ignores shutdown`;
const MISSING = `${PREFIX}never defined`;
const START_SCHEDULE = "morning start #1 ü";
const STOP_SCHEDULE = "evening stop";

let work: string;
let configDir: string;
let stateDir: string;
// The next whole minute after the test starts but one: the occurrence both schedules share.
let occurrence: number;

function scheduler(...args: string[]): Promise<ProgramRun> {
    return runToExit(SCHEDULER, ["--config-dir", configDir, "--state-dir", stateDir, ...args], { env: { ...process.env, TZ: "UTC" } });
}

async function schedulerJson<T>(...args: string[]): Promise<T> {
    const run = await scheduler(...args, "--json", "--time-zone", "UTC");
    if (run.code !== 0) throw new Error(`${args.join(" ")} exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
}

function at(offsetMs: number): string {
    return new Date(occurrence + offsetMs).toISOString();
}

function writeSchedule(name: string, doc: ScheduleDocument): void {
    writeFileSync(join(configDir, "schedules", `${name}.json`), JSON.stringify(doc, null, 2));
}

const BROKEN = Buffer.from('{\n  "version": 1,\n  "vms": ["x"]\n  "time": "10:00"\n}\n');

beforeAll(async () => {
    await Promise.all([TO_START, TO_STOP, STUBBORN, MISSING].map(name => removeVm(name)));
    await Promise.all([defineTinyVm({ name: TO_START }), defineTinyVm({ name: TO_STOP, start: true }), defineTinyVm({ name: STUBBORN, start: true })]);
    work = mkdtempSync(join(tmpdir(), "kvmm-sched-"));
    configDir = join(work, "etc");
    stateDir = join(work, "state");
    mkdirSync(join(configDir, "schedules"), { recursive: true });

    occurrence = (Math.floor(Date.now() / 60_000) + 2) * 60_000;
    const time = new Date(occurrence).toISOString().slice(11, 16);
    const common = { version: 1 as const, when: { frequency: "daily" as const }, time, enabled: true, activeSince: at(-10 * 60_000) };
    writeSchedule(START_SCHEDULE, { ...common, vms: [TO_START], operation: { type: "start" } });
    writeSchedule(STOP_SCHEDULE, { ...common, vms: [TO_STOP, MISSING], operation: { type: "shutdown", timeoutSeconds: 2, then: "force-off" } });
    writeFileSync(join(configDir, "schedules", "broken.json"), BROKEN);
    execFileSync("mkfifo", [join(configDir, "schedules", "pipe.json")]);
}, 120_000);

afterAll(async () => {
    await Promise.all([TO_START, TO_STOP, STUBBORN, MISSING].map(name => removeVm(name)));
    if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

interface TickAnswer {
    ran: { schedule: string; occurrence: string; records: { vm: string; result: string; message: string }[] }[];
}

test("before the minute nothing runs; at it, each schedule runs once on each of its VMs", async () => {
    const early = await schedulerJson<TickAnswer>("--once", "--now", at(-30_000));
    expect(early.ran).toEqual([]);
    expect(await domState(TO_START)).toBe("shut off");
    expect(await domState(TO_STOP)).toBe("running");

    // The missing VM makes the run, and so the tick, a failure (exit 1); the others still run.
    const tick = await scheduler("--once", "--json", "--time-zone", "UTC", "--now", at(10_000));
    expect(tick.code).toBe(1);
    const answer = JSON.parse(tick.stdout) as TickAnswer;
    const summary = answer.ran.map(r => [r.schedule, r.occurrence, r.records.map(x => [x.vm, x.result, x.message])])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(summary).toEqual([
        [STOP_SCHEDULE, at(0), [
            [TO_STOP, "ok", "it did not shut down within 2 s and was forced off"],
            [MISSING, "failed", "there is no VM of this name"],
        ]],
        [START_SCHEDULE, at(0), [[TO_START, "ok", "started"]]],
    ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))));
    expect(tick.stderr).toContain(`error: schedule "${STOP_SCHEDULE}": shutdown "${MISSING}": failed: there is no VM of this name`);
    expect(await domState(TO_START)).toBe("running");
    expect(await domState(TO_STOP)).toBe("shut off");

    // A minute later the same occurrence is not run again.
    const later = await schedulerJson<TickAnswer>("--once", "--now", at(70_000));
    expect(later.ran).toEqual([]);
}, 120_000);

test("--list shows next runs and last results, and the damaged files, which are left as they are", async () => {
    interface ListAnswer {
        documents: { name: string; next: string | null; due: boolean; running: boolean; lastRun: { result: string | null } | null }[];
        damaged: { name: string; message: string; error: unknown }[];
    }
    const list = await schedulerJson<ListAnswer>("--list", "--now", at(70_000));
    expect(list.documents.map(d => [d.name, d.next, d.due, d.running, d.lastRun?.result])).toEqual([
        [STOP_SCHEDULE, at(24 * 3_600_000), false, false, "failed"],
        [START_SCHEDULE, at(24 * 3_600_000), false, false, "ok"],
    ]);
    expect(list.damaged.map(d => [d.name, d.message])).toEqual([
        ["broken", "not valid JSON: unexpected character at line 4, column 3"],
        ["pipe", "it is a named pipe (FIFO); it was not read"],
    ]);
    expect(list.damaged[0].error).toEqual({ problem: "json", json: { problem: "unexpected-character", line: 4, column: 3 } });
    expect(readFileSync(join(configDir, "schedules", "broken.json")).equals(BROKEN)).toBe(true);
    expect(lstatSync(join(configDir, "schedules", "pipe.json")).isFIFO()).toBe(true);
}, 60_000);

test("--history records every VM of both runs and filters by VM and result", async () => {
    interface HistoryAnswer { runs: { schedule: string; vm: string; operation: string; occurrence: string; result: string; start: string; end: string }[] }
    const all = await schedulerJson<HistoryAnswer>("--history");
    expect(all.runs.map(r => [r.schedule, r.vm, r.operation, r.occurrence, r.result]).sort()).toEqual([
        [START_SCHEDULE, TO_START, "start", at(0), "ok"],
        [STOP_SCHEDULE, MISSING, "shutdown", at(0), "failed"],
        [STOP_SCHEDULE, TO_STOP, "shutdown", at(0), "ok"],
    ].sort());
    for (const r of all.runs) expect(Date.parse(r.end)).toBeGreaterThanOrEqual(Date.parse(r.start));
    expect((await schedulerJson<HistoryAnswer>("--history", "--vm", TO_STOP)).runs.map(r => r.vm)).toEqual([TO_STOP]);
    expect((await schedulerJson<HistoryAnswer>("--history", "--result", "failed")).runs.map(r => r.vm)).toEqual([MISSING]);
}, 60_000);

test("--run-now runs a schedule at once; unknown names and bad options are refused", async () => {
    const now = await schedulerJson<{ ok: boolean; runs: { vm: string; result: string; message: string }[] }>("--run-now", START_SCHEDULE);
    expect(now.runs.map(r => [r.vm, r.result, r.message])).toEqual([[TO_START, "ok", "it was already running"]]);
    const unknown = await scheduler("--run-now", "no such schedule");
    expect([unknown.code, unknown.stderr.trim()]).toEqual([1, 'kvm-manager-scheduler: error: there is no schedule "no such schedule"']);
    const escaping = await scheduler("--run-now", "../etc/passwd");
    expect(escaping.code).toBe(1);
    expect(escaping.stderr).toContain("cannot name a document");
    const usage = await scheduler("--once", "--now", "tomorrow");
    expect(usage.code).toBe(2);
    const help = await scheduler("--help");
    expect([help.code, help.stdout.split("\n")[0]]).toEqual([0, "Usage: kvm-manager-scheduler --once | --list | --history | --run-now NAME  [options]"]);
}, 60_000);

test("a schedule still running is not started again, by the next tick or by --run-now; it gives up after its timeout", async () => {
    // A directory of its own, so only this schedule is due; the tiny VM ignores ACPI shutdown.
    configDir = join(work, "etc-slow");
    stateDir = join(work, "state-slow");
    mkdirSync(join(configDir, "schedules"), { recursive: true });
    const later = occurrence + 5 * 60_000;
    writeSchedule("slow stop", {
        version: 1, vms: [STUBBORN], operation: { type: "shutdown", timeoutSeconds: 6, then: "give-up" },
        when: { frequency: "daily" }, time: new Date(later).toISOString().slice(11, 16), enabled: true, activeSince: at(0),
    });
    const first = scheduler("--once", "--json", "--time-zone", "UTC", "--now", new Date(later + 5_000).toISOString());
    interface ListAnswer { documents: { name: string; running: boolean }[] }
    await waitFor(async () => (await schedulerJson<ListAnswer>("--list")).documents.find(d => d.name === "slow stop")?.running,
        { timeoutMs: 20_000, message: "the slow schedule to be running" });

    // The next day's occurrence comes while the first run still goes: it waits for it.
    const second = await scheduler("--once", "--json", "--time-zone", "UTC", "--now", new Date(later + 24 * 3_600_000 + 5_000).toISOString());
    expect(second.code).toBe(0);
    expect((JSON.parse(second.stdout) as TickAnswer).ran).toEqual([]);
    expect(second.stderr).toContain('schedule "slow stop" is still running; it runs again after that run ends');
    const now = await scheduler("--run-now", "slow stop");
    expect(now.code).toBe(75);
    expect(now.stderr).toContain("a run of this schedule that is still going");

    const done = await first;
    expect(done.code).toBe(1);
    expect((JSON.parse(done.stdout) as TickAnswer).ran.map(r => r.records.map(x => [x.vm, x.result, x.message]))).toEqual([
        [[STUBBORN, "failed", "it did not shut down within 6 s and was left running"]],
    ]);
    expect(await domState(STUBBORN)).toBe("running");
    // A minute after the first occurrence nothing is owed: it ran.
    expect((await schedulerJson<TickAnswer>("--once", "--now", new Date(later + 70_000).toISOString())).ran).toEqual([]);
}, 120_000);
