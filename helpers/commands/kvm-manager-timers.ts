// kvm-manager-timers: runs this project's timer jobs where systemd does not run (containers, test
// machines). It reads the same kvm-manager-*.timer and .service files that `make install` puts into
// $(PREFIX)/lib/systemd/system, so a new timer needs no second list, and runs each service's ExecStart
// argv (no shell) on the timer's schedule: never two runs of one job at once, each run's outcome
// logged, a failing or hanging job (TimeoutStartSec) stopped and the others carried on.
// Where systemd runs, the timers themselves do this and --start declines.
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, realpathSync, unlinkSync, writeFileSync } from "node:fs";
import { setPriority, uptime } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { TIMERS_STATUS_VERSION, type TimersStatus } from "../../src/core/collection-status";
import {
    nextElapse, parseServiceUnit, parseTimerUnit, type ServiceUnit, type TimerHistory, type TimerUnit,
} from "../../src/core/timer-schedule";
import { EXIT_FAILURE, EXIT_OK, UsageError, parseCommandLine, printJson, runCommand } from "../lib/cli";
import { writeFileAtomic } from "../lib/durable-fs";
import { MetricsStore } from "../lib/metrics-store";
import { silentLogger } from "../lib/log";
import { metricsDir, resolveStateDir } from "../lib/paths";

const PROGRAM = "kvm-manager-timers";
const DEFAULT_PID_FILE = "/run/kvm-manager-timers.pid";
const DEFAULT_LOG_FILE = "/var/log/kvm-manager-timers.log";
const UNIT_PREFIX = "kvm-manager-";
// systemd waits TimeoutStopSec (90 s) before SIGKILL; a job that ignores SIGTERM gets less here.
const KILL_AFTER_MS = 10_000;
// Wakes at least this often, so a changed wall clock (NTP, a suspended VM) is noticed.
const MAX_SLEEP_MS = 60_000;

const USAGE = `Usage: ${PROGRAM} [--once | --start | --stop | --status] [options]

Runs KVM Manager's timer jobs (collector, retention, ...) on the schedules of its .timer files, for
hosts without systemd. Where systemd runs, the timers do this: systemctl list-timers '${UNIT_PREFIX}*'.
  (no mode)         run in the foreground until SIGTERM or Ctrl-C; logs each run on stderr
  --once            run whatever is due now, wait for it, and exit (1 if a job failed)
  --start           start the runner in the background (replacing one already running) and exit
  --stop            stop the background runner and the jobs it runs
  --status          the runner, each timer's next run, and when the collector last took a sample
options:
  --unit-dir DIR    where the ${UNIT_PREFIX}*.timer and .service files are (default: the units
                    installed beside this command, $PREFIX/lib/systemd/system)
  --state-file FILE when each timer last ran (default: STATE_DIR/timers.json)
  --state-dir DIR   (default: $KVM_MANAGER_STATE_DIR or /var/lib/kvm-manager)
  --pid-file FILE   the background runner's pid (default: ${DEFAULT_PID_FILE})
  --log-file FILE   the background runner's log (default: ${DEFAULT_LOG_FILE})
  --json            --status as JSON
Exit status: 0 done; 1 a job failed (--once) or the runner could not start; 2 usage.
`;

// ---- logging ----------------------------------------------------------------------------------------

// The runner's log is a file, not the journal: each line carries its own time.
function log(message: string): void {
    process.stderr.write(`${new Date().toISOString()} ${PROGRAM}: ${message}\n`);
}

function formatMs(ms: number): string {
    return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

// ---- units ----------------------------------------------------------------------------------------

interface Job {
    timer: TimerUnit;
    service: ServiceUnit;
}

function defaultUnitDir(): string {
    // Installed as $PREFIX/lib/kvm-manager/kvm-manager-timers (and linked from $PREFIX/bin): the units
    // are in $PREFIX/lib/systemd/system.
    const self = realpathSync(process.argv[1]);
    return resolve(dirname(self), "..", "systemd", "system");
}

function loadJobs(unitDir: string): { jobs: Job[]; errors: string[] } {
    const jobs: Job[] = [];
    const errors: string[] = [];
    let names: string[];
    try {
        names = readdirSync(unitDir);
    } catch (err) {
        return { jobs, errors: [`cannot read the unit directory ${unitDir}: ${(err as Error).message}`] };
    }
    for (const name of names.filter(n => n.startsWith(UNIT_PREFIX) && n.endsWith(".timer")).sort()) {
        try {
            const timer = parseTimerUnit(name, readFileSync(join(unitDir, name), "utf8"));
            let text: string;
            try {
                text = readFileSync(join(unitDir, timer.service), "utf8");
            } catch (err) {
                throw new Error(`${name}: its service ${timer.service} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
            }
            jobs.push({ timer, service: parseServiceUnit(timer.service, text) });
        } catch (err) {
            errors.push(`${(err as Error).message}; this timer is left out`);
        }
    }
    if (jobs.length === 0 && errors.length === 0) errors.push(`no ${UNIT_PREFIX}*.timer in ${unitDir}`);
    return { jobs, errors };
}

// ---- state ----------------------------------------------------------------------------------------

interface TimerRecord extends TimerHistory {
    lastOutcome: string | null;
}

interface RunnerState {
    version: 1;
    // When the runner started (or the first --once): systemd's "timer activated".
    activatedMs: number;
    timers: Record<string, TimerRecord>;
}

function readState(path: string): RunnerState | null {
    let text: string;
    try {
        text = readFileSync(path, "utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
    }
    try {
        const state = JSON.parse(text) as RunnerState;
        if (state.version !== 1 || typeof state.activatedMs !== "number" || typeof state.timers !== "object" || state.timers === null) {
            throw new Error("not a state file of this version");
        }
        return state;
    } catch (err) {
        // Only times of past runs: starting afresh loses no more than one catch-up run.
        log(`warning: ${path} cannot be read (${(err as Error).message}); starting with no record of past runs`);
        return null;
    }
}

function writeState(path: string, state: RunnerState): void {
    try {
        // On a fresh host nothing has created the state directory yet (systemd's StateDirectory= would).
        mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
        writeFileAtomic(path, JSON.stringify(state) + "\n");
    } catch (err) {
        log(`warning: cannot write ${path}: ${(err as Error).message}`);
    }
}

function recordOf(state: RunnerState, timer: string): TimerRecord {
    state.timers[timer] ??= { lastTriggerMs: null, lastStartMs: null, lastEndMs: null, lastOutcome: null };
    return state.timers[timer];
}

function bootMs(): number {
    return Date.now() - uptime() * 1000;
}

// ---- running one job ----------------------------------------------------------------------------------

interface RunOutcome {
    ok: boolean;
    summary: string;
}

const running = new Map<string, { pid: number | undefined; stop: () => void }>();

function forwardLines(stream: NodeJS.ReadableStream, prefix: string): void {
    createInterface({ input: stream }).on("line", line => log(`${prefix}: ${line}`));
}

function runArgv(service: ServiceUnit, argv: string[]): Promise<{ code: number | null; signal: string | null; timedOut: boolean; error: string | null }> {
    return new Promise(done => {
        // Its own process group, so a timeout stops the job's children (virsh) too.
        const child = spawn(argv[0], argv.slice(1), {
            stdio: ["ignore", "pipe", "pipe"], detached: true, env: { ...process.env, ...service.environment },
        });
        let timedOut = false;
        let killTimer: ReturnType<typeof setTimeout> | null = null;
        const signalGroup = (signal: NodeJS.Signals) => {
            if (child.pid === undefined) return;
            try { process.kill(-child.pid, signal); } catch { /* already gone */ }
        };
        const stop = () => {
            signalGroup("SIGTERM");
            killTimer ??= setTimeout(() => signalGroup("SIGKILL"), KILL_AFTER_MS);
        };
        running.set(service.name, { pid: child.pid, stop });
        if (child.pid !== undefined && service.nice !== null) {
            try { setPriority(child.pid, service.nice); } catch { /* not allowed: runs at normal priority */ }
        }
        const timeout = service.timeoutStartMs === null ? null : setTimeout(() => {
            timedOut = true;
            log(`${service.name}: still running after TimeoutStartSec=${formatMs(service.timeoutStartMs as number)}; stopping it`);
            stop();
        }, service.timeoutStartMs);
        forwardLines(child.stdout, service.name);
        forwardLines(child.stderr, service.name);
        let settled = false;
        const finish = (code: number | null, signal: string | null, error: string | null) => {
            if (settled) return;
            settled = true;
            if (timeout) clearTimeout(timeout);
            if (killTimer) clearTimeout(killTimer);
            // The job's leftovers (a hung virsh) go with it.
            if (timedOut) signalGroup("SIGKILL");
            running.delete(service.name);
            done({ code, signal, timedOut, error });
        };
        child.on("error", err => finish(null, null, err.message));
        child.on("close", (code, signal) => finish(code, signal, null));
    });
}

async function runService(service: ServiceUnit): Promise<RunOutcome> {
    const started = Date.now();
    for (const exec of service.exec) {
        const result = await runArgv(service, exec.argv);
        const took = formatMs(Date.now() - started);
        let failure: string | null = null;
        if (result.error) failure = `cannot run ${exec.argv[0]}: ${result.error}`;
        else if (result.timedOut) failure = `stopped, still running at TimeoutStartSec=${formatMs(service.timeoutStartMs as number)}`;
        else if (result.signal) failure = `killed by ${result.signal}`;
        else if (result.code !== 0 && !service.successExitStatus.includes(result.code as number)) failure = `exit status ${result.code}`;
        if (failure && !exec.ignoreFailure) return { ok: false, summary: `failed (${took}): ${failure}` };
        if (exec === service.exec[service.exec.length - 1]) {
            const note = result.code !== 0 && result.code !== null ? ` (exit status ${result.code}, counted as success)` : "";
            return { ok: true, summary: `finished in ${took}${note}` };
        }
    }
    return { ok: true, summary: "finished" };
}

// Starts the job unless it is still running; resolves when the run has ended (at once if skipped).
function trigger(job: Job, state: RunnerState, saveState: () => void): Promise<RunOutcome | null> {
    const record = recordOf(state, job.timer.name);
    const now = Date.now();
    record.lastTriggerMs = now;
    if (running.has(job.service.name)) {
        log(`${job.timer.name}: ${job.service.name} is still running from the previous time; not started again`);
        saveState();
        return Promise.resolve(null);
    }
    record.lastStartMs = now;
    saveState();
    return runService(job.service).then(outcome => {
        record.lastEndMs = Date.now();
        record.lastOutcome = outcome.summary;
        log(`${job.service.name}: ${outcome.summary}`);
        saveState();
        return outcome;
    });
}

// ---- pid file --------------------------------------------------------------------------------------------

function commandLineOf(pid: number): string | null {
    try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
    } catch {
        return null;
    }
}

// The pid in the file, if that process is a runner (not a pid reused by something else).
function runnerPid(pidFile: string): number | null {
    let text: string;
    try {
        text = readFileSync(pidFile, "utf8").trim();
    } catch {
        return null;
    }
    const pid = Number(text);
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const cmdline = commandLineOf(pid);
    return cmdline !== null && cmdline.includes(PROGRAM) ? pid : null;
}

const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));

async function stopRunner(pidFile: string): Promise<number | null> {
    const pid = runnerPid(pidFile);
    if (pid === null) {
        try { unlinkSync(pidFile); } catch { /* none */ }
        return null;
    }
    process.kill(pid, "SIGTERM");
    // The runner gives its jobs KILL_AFTER_MS to stop; a little more for itself.
    const deadline = Date.now() + KILL_AFTER_MS + 5000;
    while (existsSync(`/proc/${pid}`) && commandLineOf(pid) !== null && Date.now() < deadline) await sleep(100);
    if (commandLineOf(pid) !== null) {
        log(`the runner (pid ${pid}) did not stop on SIGTERM; killing it`);
        try { process.kill(pid, "SIGKILL"); } catch { /* gone meanwhile */ }
        while (commandLineOf(pid) !== null) await sleep(50);
    }
    try { unlinkSync(pidFile); } catch { /* the runner removed it */ }
    return pid;
}

// ---- modes ------------------------------------------------------------------------------------------------

interface Settings {
    unitDir: string;
    stateFile: string;
    stateDir: string;
    pidFile: string;
    logFile: string;
}

function systemdRuns(): boolean {
    return existsSync("/run/systemd/system");
}

async function runForeground(settings: Settings, pidFile: string | null): Promise<number> {
    let { jobs, errors } = loadJobs(settings.unitDir);
    for (const e of errors) log(`error: ${e}`);
    const state: RunnerState = { version: 1, activatedMs: Date.now(), timers: readState(settings.stateFile)?.timers ?? {} };
    const save = () => writeState(settings.stateFile, state);
    save();
    if (pidFile) writeFileSync(pidFile, `${process.pid}\n`);
    log(`running ${jobs.map(j => j.timer.name).join(", ") || "no timers"} from ${settings.unitDir} (pid ${process.pid})`);

    let stopping = false;
    let wake: (() => void) | null = null;
    const inFlight = new Set<Promise<unknown>>();
    const shutdown = (signal: string) => {
        if (stopping) return;
        stopping = true;
        log(`${signal}: stopping${running.size ? ` and ending ${[...running.keys()].join(", ")}` : ""}`);
        for (const job of running.values()) job.stop();
        wake?.();
    };
    process.on("SIGTERM", () => shutdown("SIGTERM"));
    process.on("SIGINT", () => shutdown("SIGINT"));
    process.on("SIGHUP", () => {
        ({ jobs, errors } = loadJobs(settings.unitDir));
        for (const e of errors) log(`error: ${e}`);
        log(`SIGHUP: reloaded ${jobs.map(j => j.timer.name).join(", ") || "no timers"}`);
        wake?.();
    });

    while (!stopping) {
        const now = Date.now();
        const context = { bootMs: bootMs(), activatedMs: state.activatedMs };
        let nextWake = now + MAX_SLEEP_MS;
        for (const job of jobs) {
            // One job's trouble must not end the runner, which the other jobs depend on.
            try {
                let due = nextElapse(job.timer, recordOf(state, job.timer.name), context);
                if (due !== null && due <= now) {
                    const run: Promise<unknown> = trigger(job, state, save)
                        .catch(err => log(`error: ${job.service.name}: ${(err as Error).message}`))
                        .finally(() => {
                            inFlight.delete(run);
                            wake?.();
                        });
                    inFlight.add(run);
                    due = nextElapse(job.timer, recordOf(state, job.timer.name), context);
                }
                if (due !== null) nextWake = Math.min(nextWake, due);
            } catch (err) {
                log(`error: ${job.timer.name}: ${(err as Error).message}`);
            }
        }
        await new Promise<void>(r => {
            const t = setTimeout(r, Math.max(0, nextWake - Date.now()));
            wake = () => {
                clearTimeout(t);
                r();
            };
        });
        wake = null;
    }
    await Promise.allSettled([...inFlight]);
    save();
    if (pidFile && runnerPid(pidFile) === process.pid) unlinkSync(pidFile);
    log("stopped");
    return EXIT_OK;
}

async function runOnce(settings: Settings): Promise<number> {
    const other = runnerPid(settings.pidFile);
    if (other !== null) {
        log(`error: a runner is already running (pid ${other}, ${settings.pidFile}); --once would run its jobs a second time`);
        return EXIT_FAILURE;
    }
    const { jobs, errors } = loadJobs(settings.unitDir);
    for (const e of errors) log(`error: ${e}`);
    const now = Date.now();
    const state: RunnerState = readState(settings.stateFile) ?? { version: 1, activatedMs: now, timers: {} };
    const save = () => writeState(settings.stateFile, state);
    const context = { bootMs: bootMs(), activatedMs: state.activatedMs };
    const runs: Promise<RunOutcome | null>[] = [];
    for (const job of jobs) {
        const due = nextElapse(job.timer, recordOf(state, job.timer.name), context);
        if (due !== null && due <= now) {
            runs.push(trigger(job, state, save));
        } else {
            log(`${job.timer.name}: not due${due === null ? "" : ` (next at ${new Date(due).toISOString()})`}`);
        }
    }
    save();
    const outcomes = await Promise.all(runs);
    return errors.length === 0 && outcomes.every(o => o === null || o.ok) ? EXIT_OK : EXIT_FAILURE;
}

async function start(settings: Settings, forwarded: string[]): Promise<number> {
    if (systemdRuns()) {
        process.stdout.write(`systemd runs here: its timers run the jobs (systemctl list-timers '${UNIT_PREFIX}*'); no runner started.\n`);
        return EXIT_OK;
    }
    const old = await stopRunner(settings.pidFile);
    if (old !== null) process.stdout.write(`stopped the previous runner (pid ${old})\n`);
    const logFd = openSync(settings.logFile, "a", 0o640);
    const child = spawn(process.execPath, [process.argv[1], ...forwarded, "--pid-file", settings.pidFile], {
        detached: true, stdio: ["ignore", logFd, logFd],
    });
    closeSync(logFd);
    child.unref();
    let exited: number | null = null;
    child.on("exit", code => { exited = code ?? 1; });
    const deadline = Date.now() + 10_000;
    while (runnerPid(settings.pidFile) !== child.pid && exited === null && Date.now() < deadline) await sleep(50);
    if (runnerPid(settings.pidFile) !== child.pid) {
        const tail = existsSync(settings.logFile) ? readFileSync(settings.logFile, "utf8").split("\n").slice(-10).join("\n") : "";
        process.stderr.write(`${PROGRAM}: the runner did not start; the end of ${settings.logFile}:\n${tail}\n`);
        return EXIT_FAILURE;
    }
    process.stdout.write(`${PROGRAM}: running in the background (pid ${child.pid}); log ${settings.logFile}; stop it with ${PROGRAM} --stop or make stop\n`);
    return EXIT_OK;
}

function status(settings: Settings): TimersStatus {
    const { jobs, errors } = loadJobs(settings.unitDir);
    const state = readState(settings.stateFile);
    const pid = runnerPid(settings.pidFile);
    let lastCollectMs: number | null = null;
    try {
        lastCollectMs = new MetricsStore(metricsDir(settings.stateDir), silentLogger).lastTick()?.t ?? null;
    } catch (err) {
        errors.push(`cannot read the metrics journal: ${(err as Error).message}`);
    }
    const context = { bootMs: bootMs(), activatedMs: state?.activatedMs ?? Date.now() };
    return {
        version: TIMERS_STATUS_VERSION,
        nowMs: Date.now(),
        systemd: systemdRuns(),
        runner: pid === null ? null : { pid, pidFile: settings.pidFile },
        lastCollectMs,
        timers: jobs.map(job => {
            const record = state?.timers[job.timer.name] ?? { lastTriggerMs: null, lastStartMs: null, lastEndMs: null, lastOutcome: null };
            return {
                timer: job.timer.name, service: job.service.name,
                // Without a runner (or with systemd) nothing here will run them.
                nextMs: pid === null ? null : nextElapse(job.timer, record, context),
                lastTriggerMs: record.lastTriggerMs, lastOutcome: record.lastOutcome,
            };
        }),
        errors,
    };
}

function printStatus(s: TimersStatus): void {
    const time = (ms: number | null) => ms === null ? "-" : new Date(ms).toISOString();
    const lines = [
        s.systemd ? "systemd runs on this host: its timers run the jobs (systemctl list-timers 'kvm-manager-*')."
            : s.runner ? `runner: running, pid ${s.runner.pid} (${s.runner.pidFile})` : `runner: not running (start it with ${PROGRAM} --start)`,
        `last collector sample: ${time(s.lastCollectMs)}`,
        ...s.timers.map(t => `${t.timer}: next ${time(t.nextMs)}, last ${time(t.lastTriggerMs)}${t.lastOutcome ? ` (${t.lastOutcome})` : ""}`),
        ...s.errors.map(e => `error: ${e}`),
    ];
    process.stdout.write(lines.join("\n") + "\n");
}

runCommand(PROGRAM, USAGE, async () => {
    const argv = process.argv.slice(2);
    const { values } = parseCommandLine(argv, {
        once: { type: "boolean" },
        start: { type: "boolean" },
        stop: { type: "boolean" },
        status: { type: "boolean" },
        json: { type: "boolean" },
        "unit-dir": { type: "string" },
        "state-file": { type: "string" },
        "state-dir": { type: "string" },
        "pid-file": { type: "string" },
        "log-file": { type: "string" },
    }, USAGE);
    const modes = (["once", "start", "stop", "status"] as const).filter(m => values[m]);
    if (modes.length > 1) throw new UsageError(`--${modes[0]} and --${modes[1]} do not go together`);
    const stateDir = resolveStateDir(values["state-dir"]);
    const settings: Settings = {
        unitDir: resolve(values["unit-dir"] ?? defaultUnitDir()),
        stateDir,
        stateFile: resolve(values["state-file"] ?? join(stateDir, "timers.json")),
        pidFile: resolve(values["pid-file"] ?? DEFAULT_PID_FILE),
        logFile: resolve(values["log-file"] ?? DEFAULT_LOG_FILE),
    };
    switch (modes[0]) {
    case "once":
        return runOnce(settings);
    case "stop": {
        const pid = await stopRunner(settings.pidFile);
        process.stdout.write(pid === null ? `${PROGRAM}: no runner was running\n` : `${PROGRAM}: stopped the runner (pid ${pid})\n`);
        return EXIT_OK;
    }
    case "status": {
        const s = status(settings);
        if (values.json) printJson(s);
        else printStatus(s);
        return EXIT_OK;
    }
    case "start":
        return start(settings, ["--unit-dir", settings.unitDir, "--state-file", settings.stateFile, "--state-dir", settings.stateDir]);
    default: {
        // The background runner started by --start writes its pid file; one run by hand in a terminal
        // writes it too when --pid-file is given, so --stop and --once see it.
        const other = runnerPid(settings.pidFile);
        if (other !== null && other !== process.pid) {
            log(`error: a runner is already running (pid ${other}, ${settings.pidFile})`);
            return EXIT_FAILURE;
        }
        return runForeground(settings, values["pid-file"] !== undefined ? settings.pidFile : null);
    }
    }
});
