// kvm-manager-timers, the timer runner of hosts without systemd, as `make install` installed it: it reads
// the installed .timer files, and, against a test-only unit directory with a 2-second timer, runs the
// real collector (which writes samples of a real running VM), survives a failing and a hanging job, is
// replaced by a second --start and stopped by `make stop`.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { TimersStatus } from "../../src/core/collection-status";
import type { HistoryResponse } from "../../src/core/metrics/history";
import { CommandError, run } from "../support/exec";
import { descendantPids } from "../support/processes";
import { defineTinyVm, removeVm, TEST_PREFIX } from "../support/virsh";
import { waitFor } from "../support/wait";

const REPO = resolve(__dirname, "..", "..");
const RUNNER = "/usr/local/bin/kvm-manager-timers";
// Where test/host/serve.sh (make run) keeps the pid of the cockpit-ws it started.
const SERVE_PID_FILE = "/run/kvm-manager-cockpit-ws.pid";
const COLLECT = "/usr/local/lib/kvm-manager/kvm-manager-collect";
const VM = `${TEST_PREFIX}timers "q" $(x) ü`;

let work: string;
let units: string;
let stateDir: string;
let pidFile: string;
let logFile: string;
let runPid: string;

// A unit directory of this test's own: the installed collector service, with its state in the test's
// directory (whose name has a space and quotes, so ExecStart's quoting is exercised), every 2 seconds.
function writeUnits(): void {
    mkdirSync(units, { recursive: true });
    const installed = readFileSync("/usr/local/lib/systemd/system/kvm-manager-collect.service", "utf8");
    const service = installed.replace(/^ExecStart=.*$/m,
        `ExecStart=${COLLECT} --once "--state-dir=${stateDir.replace(/["\\]/g, "\\$&")}"`);
    expect(service).not.toBe(installed);
    writeFileSync(join(units, "kvm-manager-collect.service"), service);
    writeFileSync(join(units, "kvm-manager-collect.timer"), "[Timer]\nOnCalendar=*-*-* *:*:00/2\nAccuracySec=1s\n");
    writeFileSync(join(units, "kvm-manager-fails.service"), "[Service]\nType=oneshot\nExecStart=/bin/false\n");
    writeFileSync(join(units, "kvm-manager-fails.timer"), "[Timer]\nOnCalendar=*:*:00/2\n");
    writeFileSync(join(units, "kvm-manager-hangs.service"), "[Service]\nType=oneshot\nExecStart=/bin/sleep 3599\nTimeoutStartSec=1s\n");
    writeFileSync(join(units, "kvm-manager-hangs.timer"), "[Timer]\nOnCalendar=*:*:00/3\n");
    // A broken timer is reported and left out; the others still run.
    writeFileSync(join(units, "kvm-manager-broken.timer"), "[Timer]\nOnCalendar=when pigs fly\n");
}

async function samplesOf(vm: string): Promise<number> {
    const out = await run("kvm-manager-history", [`--vm=${vm}`, "--range", "1h", "--json", "--state-dir", stateDir]);
    return (JSON.parse(out) as HistoryResponse).samples.reduce((a, b) => a + b, 0);
}

/** The process has ended (gone, or a zombie nobody reaped yet). */
function ended(pid: number): boolean {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
    } catch {
        return true;
    }
}

function alive(pid: number): boolean {
    try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("kvm-manager-timers");
    } catch {
        return false;
    }
}

function pidOf(file: string): number {
    return Number(readFileSync(file, "utf8").trim());
}

async function sleepersOfThisTest(): Promise<string> {
    try {
        return await run("pgrep", ["-f", "^/bin/sleep 3599$"]);
    } catch (err) {
        if (err instanceof CommandError && err.exitCode === 1) return "";
        throw err;
    }
}

beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kvmm timers 'q' "));
    units = join(work, "units");
    stateDir = join(work, "state \"dir\"");
    pidFile = join(work, "runner.pid");
    logFile = join(work, "runner.log");
    runPid = join(work, "make-run.pid");
    writeUnits();
    await removeVm(VM);
    await defineTinyVm({ name: VM, start: true });
});

afterAll(async () => {
    for (const file of [pidFile, runPid]) {
        if (file && existsSync(file)) await run(RUNNER, ["--stop", "--pid-file", file]).catch(() => undefined);
    }
    await removeVm(VM);
    if (work) rmSync(work, { recursive: true, force: true });
});

test("--help explains the command; the runner reads the installed units", async () => {
    expect(await run(RUNNER, ["--help"])).toMatch(/--once[\s\S]*--start[\s\S]*--stop[\s\S]*--status/);
    const status = JSON.parse(await run(RUNNER, ["--status", "--json", "--state-dir", stateDir, "--pid-file", pidFile])) as TimersStatus;
    expect(status.timers.map(t => t.timer)).toEqual(expect.arrayContaining(["kvm-manager-collect.timer", "kvm-manager-retention.timer"]));
    expect(status.errors).toEqual([]);
    expect(status.runner).toBeNull();
    expect(status.systemd).toBe(existsSync("/run/systemd/system"));
});

test("--once runs what is due and exits; a second --once finds nothing due", async () => {
    const onceUnits = join(work, "once-units");
    mkdirSync(onceUnits);
    writeFileSync(join(onceUnits, "kvm-manager-collect.service"), readFileSync(join(units, "kvm-manager-collect.service")));
    writeFileSync(join(onceUnits, "kvm-manager-collect.timer"), "[Timer]\nOnActiveSec=0\n");
    const stateFile = join(work, "once-state.json");
    const args = ["--once", "--unit-dir", onceUnits, "--state-file", stateFile, "--pid-file", pidFile];
    const before = await samplesOf(VM);
    await run(RUNNER, args);
    expect(await samplesOf(VM)).toBe(before + 1);
    await run(RUNNER, args);
    expect(await samplesOf(VM)).toBe(before + 1);
});

test("the background runner runs the collector on the timer's schedule and survives failing and hanging jobs", async () => {
    const args = ["--start", "--unit-dir", units, "--state-dir", stateDir, "--pid-file", pidFile, "--log-file", logFile];
    const started = await run(RUNNER, args);
    expect(started).toMatch(/running in the background \(pid \d+\)/);
    const first = pidOf(pidFile);
    expect(alive(first)).toBe(true);

    const before = await samplesOf(VM);
    await waitFor(async () => (await samplesOf(VM)) >= before + 3, { timeoutMs: 60_000, message: "three samples from the runner's collector" });
    const log = () => readFileSync(logFile, "utf8");
    await waitFor(() => /kvm-manager-hangs\.service: failed \(.*\): stopped, still running at TimeoutStartSec=1\.0 s/.test(log()),
        { timeoutMs: 20_000, message: () => `the hanging job's timeout in the log:\n${log()}` });
    expect(log()).toMatch(/kvm-manager-fails\.service: failed \(.*\): exit status 1/);
    expect(log()).toMatch(/kvm-manager-collect\.service: finished in /);
    expect(log()).toMatch(/kvm-manager-broken\.timer: OnCalendar: .*this timer is left out/);
    expect(alive(first)).toBe(true);

    const status = JSON.parse(await run(RUNNER, ["--status", "--json", "--unit-dir", units, "--state-dir", stateDir, "--pid-file", pidFile])) as TimersStatus;
    expect(status.runner?.pid).toBe(first);
    expect(status.nowMs - (status.lastCollectMs ?? 0)).toBeLessThan(60_000);
    expect(status.timers.find(t => t.timer === "kvm-manager-collect.timer")?.nextMs).toBeGreaterThan(status.nowMs - 1);

    // A second start (the next `make run`) replaces the runner.
    const again = await run(RUNNER, args);
    expect(again).toContain(`stopped the previous runner (pid ${first})`);
    const second = pidOf(pidFile);
    expect(second).not.toBe(first);
    expect(alive(first)).toBe(false);
    const afterRestart = await samplesOf(VM);
    await waitFor(async () => (await samplesOf(VM)) > afterRestart, { timeoutMs: 30_000, message: "a sample from the new runner" });

    // make stop ends it, with the job it was running.
    const stopped = await run("make", ["-s", "-C", REPO, "stop", `TIMERS_PID_FILE=${pidFile}`]);
    expect(stopped).toContain(`stopped the runner (pid ${second})`);
    expect(existsSync(pidFile)).toBe(false);
    expect(alive(second)).toBe(false);
    expect(await sleepersOfThisTest()).toBe("");
    expect(log()).toMatch(/SIGTERM: stopping/);
});

test("make run starts the runner on the installed units and serves the page; make stop ends both", async () => {
    const out = await run("make", ["-s", "-C", REPO, "run", `TIMERS_PID_FILE=${runPid}`], { timeoutMs: 600_000 });
    if (existsSync("/run/systemd/system")) {
        expect(out).toContain("systemd runs here");
        return;
    }
    expect(out).toMatch(/kvm-manager-timers: running in the background \(pid \d+\)/);
    expect(out).toMatch(/Open http:\/\/127\.0\.0\.1:9090\/kvm-manager/);
    const pid = pidOf(runPid);
    expect(alive(pid)).toBe(true);
    const status = JSON.parse(await run(RUNNER, ["--status", "--json", "--pid-file", runPid])) as TimersStatus;
    expect(status.runner?.pid).toBe(pid);
    expect(status.timers.map(t => t.timer)).toEqual(expect.arrayContaining(["kvm-manager-collect.timer", "kvm-manager-retention.timer"]));
    expect(status.timers.every(t => t.nextMs !== null)).toBe(true);
    // The page's cockpit-ws and what runs below it: its bridge starts a session bus of its own.
    const wsPid = Number(readFileSync(SERVE_PID_FILE, "utf8"));
    await waitFor(async () => (await descendantPids(wsPid)).length > 0, { timeoutMs: 10_000, message: "cockpit-ws to start its bridge" });
    const served = [wsPid, ...await descendantPids(wsPid)];

    const stopped = await run("make", ["-s", "-C", REPO, "stop", `TIMERS_PID_FILE=${runPid}`]);
    expect(stopped).toContain(`stopped the runner (pid ${pid})`);
    expect(existsSync(runPid)).toBe(false);
    expect(alive(pid)).toBe(false);
    // Nothing of it outlives make stop (a session bus left behind holds an inotify instance for good).
    await waitFor(() => served.every(ended), { timeoutMs: 10_000, message: `cockpit-ws and its processes (${served.join(", ")}) to end` });
}, 600_000);
