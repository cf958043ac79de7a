// The scheduler's work: read the schedules (/etc/kvm-manager/schedules/*.json), decide each one with
// core's decideTick, run what is due on its VMs through virsh, and keep the state and the run history
// under /var/lib/kvm-manager/scheduler/.
//
// One schedule never runs twice at once: a run holds the schedule's own lock file (run-HASH.lock) from
// the decision to its last VM, so the next minute's tick, or a "run now", sees it running and leaves
// it (decideTick then owes the occurrences that pass meanwhile one run). state.json (last run per
// schedule) is read and replaced under state.lock, held only for that moment. runs.ndjson gets one line
// per VM and run, appended in one write under runs.lock; the tick prunes it under the same lock (about
// once an hour): entries older than the metrics retention period go, and at most RUN_HISTORY_MAX_ENTRIES
// stay, the file replaced by rename so a reader sees the old or the new one whole.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describeDocumentError } from "../../src/core/config/documents";
import { DEFAULT_RETENTION_POLICY, retentionCutoffMs } from "../../src/core/metrics/retention";
import { parseSnapshotXml } from "../../src/core/snapshots";
import { SCHEDULE_KIND, toSchedule, type ScheduleDocument, type ScheduleOperation } from "../../src/core/schedule/schedule-document";
import { scheduledSnapshotName, scheduleSnapshotMark, snapshotsBeyondKeep, type SnapshotSummary } from "../../src/core/schedule/scheduled-snapshots";
import { decideTick } from "../../src/core/schedule/tick";
import { HOUR_MS } from "../../src/core/schedule/zoned-time";
import { isValidDocument, listDocuments, readDocument, type DamagedDocument, type ValidDocument } from "./config-documents";
import { isBackupRunning } from "./backup/vm-lock";
import { appendDurable, readFileNoFollow, writeStateFile } from "./durable-fs";
import { acquireLock, LockBusyError, type HeldLock } from "./lock";
import type { Logger } from "./log";
import { ensureStateDir } from "./paths";
import { PolicyInvalidError, readRetentionPolicy } from "./retention-runner";
import { runVirsh, VirshError } from "./virsh";

// skipped: the backup job left the VM out (kvm-manager-backup's answer says why), or a shutdown or
// reboot was not done because a backup of the VM was running.
export type RunResult = "ok" | "failed" | "skipped";
export const RUN_RESULTS: readonly RunResult[] = ["ok", "failed", "skipped"];

// The run history's cap whatever the retention period: about 10 MB of runs.ndjson.
export const RUN_HISTORY_MAX_ENTRIES = 50_000;
const RUN_HISTORY_PRUNE_INTERVAL_MS = HOUR_MS;

export interface RunRecord {
    schedule: string;
    // "" for a backup job's run that failed before it reached any VM.
    vm: string;
    operation: ScheduleOperation["type"];
    // The occurrence this run stands for (ISO), or null for "run now".
    occurrence: string | null;
    start: string;
    end: string;
    result: RunResult;
    // libvirt's message for a failure, or what happened ("was already running", "forced off after 60 s").
    message: string;
}

export interface LastRun {
    start: string;
    end: string | null;
    result: RunResult | null;
}

interface ScheduleState {
    // Start of the last run on the scheduler's clock (epoch ms), as decideTick counts it.
    lastRunStart: number;
    lastRun: LastRun;
}

interface StateFile {
    version: 1;
    schedules: Record<string, ScheduleState>;
    // When the run history was last pruned, on the scheduler's clock (epoch ms).
    historyPrunedAt?: number;
}

export interface SchedulerContext {
    configDir: string;
    stateDir: string;
    uri: string;
    timeZone: string;
    // The scheduler's clock (--now in tests); waiting for a shutdown uses real time.
    now: number;
    log: Logger;
    fsync?: boolean;
}

export function schedulerDir(stateDir: string): string {
    return join(stateDir, "scheduler");
}

function statePath(ctx: SchedulerContext): string {
    return join(schedulerDir(ctx.stateDir), "state.json");
}

export function runsPath(stateDir: string): string {
    return join(schedulerDir(stateDir), "runs.ndjson");
}

function runsLockPath(stateDir: string): string {
    return join(schedulerDir(stateDir), "runs.lock");
}

// Schedule names are arbitrary Unicode up to 200 bytes: the lock's file name is a hash of it.
function runLockPath(ctx: SchedulerContext, name: string): string {
    return join(schedulerDir(ctx.stateDir), `run-${createHash("sha256").update(name).digest("hex").slice(0, 40)}.lock`);
}

function readState(ctx: SchedulerContext): StateFile {
    const empty: StateFile = { version: 1, schedules: {} };
    let text: string;
    try {
        text = readFileNoFollow(statePath(ctx)).toString("utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return empty;
        throw err;
    }
    try {
        const parsed = JSON.parse(text) as StateFile;
        if (parsed?.version === 1 && typeof parsed.schedules === "object" && parsed.schedules !== null) return parsed;
    } catch { /* reported below */ }
    // Only the last-run times are lost; activeSince still keeps old occurrences from being run.
    ctx.log.warn(`${statePath(ctx)} is damaged; the schedules' last runs are forgotten and it is written anew`);
    return empty;
}

function updateState(ctx: SchedulerContext, change: (state: StateFile) => void): void {
    const lock = acquireLock(join(schedulerDir(ctx.stateDir), "state.lock"));
    try {
        const state = readState(ctx);
        change(state);
        writeStateFile(statePath(ctx), JSON.stringify(state) + "\n", { fsync: ctx.fsync });
    } finally {
        lock.release();
    }
}

function activeSince(doc: ValidDocument<ScheduleDocument>): number {
    return doc.value.activeSince ? Date.parse(doc.value.activeSince) : doc.modified;
}

function tryRunLock(ctx: SchedulerContext, name: string): HeldLock | null {
    try {
        // Long enough for a dead run's stale lock to be removed; a live one answers busy after it.
        return acquireLock(runLockPath(ctx, name), { timeoutMs: 300, pollMs: 50 });
    } catch (err) {
        if (err instanceof LockBusyError) return null;
        throw err;
    }
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function libvirtMessage(err: unknown): string {
    if (err instanceof VirshError) {
        const lines = err.stderr.split("\n").map(l => l.trim()).filter(Boolean);
        return lines.length > 0 ? lines.join(" ") : err.message;
    }
    return err instanceof Error ? err.message : String(err);
}

// Names resolve to UUIDs from one listing, so a VM called "5" or named like another VM's UUID is never
// taken for the VM with that ID or UUID (virsh looks a bare argument up by ID and UUID first).
async function uuidsByName(uri: string): Promise<Map<string, string>> {
    const out = await runVirsh(uri, ["list", "--all", "--uuid", "--name"]);
    const map = new Map<string, string>();
    for (const line of out.split("\n")) {
        const match = /^([0-9a-f-]{36}) (.+)$/.exec(line);
        if (match) map.set(match[2], match[1]);
    }
    return map;
}

async function domState(uri: string, uuid: string): Promise<string> {
    return (await runVirsh(uri, ["domstate", "--", uuid])).trim();
}

async function runOperation(ctx: SchedulerContext, schedule: string, uuid: string, vm: string,
    op: Exclude<ScheduleOperation, { type: "backup" }>): Promise<{ result: RunResult; message: string }> {
    const uri = ctx.uri;
    const state = await domState(uri, uuid);
    switch (op.type) {
    case "start":
        if (state === "running" || state === "paused") return { result: "ok", message: `it was already ${state}` };
        await runVirsh(uri, ["start", "--", uuid]);
        return { result: "ok", message: "started" };
    case "reboot":
        if (state !== "running") return { result: "failed", message: `it is ${state}, not running, so it was not rebooted` };
        await runVirsh(uri, ["reboot", "--", uuid]);
        return { result: "ok", message: "reboot requested" };
    case "shutdown": {
        if (state === "shut off") return { result: "ok", message: "it was already shut off" };
        await runVirsh(uri, ["shutdown", "--", uuid]);
        const deadline = Date.now() + op.timeoutSeconds * 1000;
        while (Date.now() < deadline) {
            await sleep(1000);
            if (await domState(uri, uuid) === "shut off") return { result: "ok", message: "shut down" };
        }
        if (op.then === "give-up") {
            return { result: "failed", message: `it did not shut down within ${op.timeoutSeconds} s and was left running` };
        }
        await runVirsh(uri, ["destroy", "--", uuid]);
        return { result: "ok", message: `it did not shut down within ${op.timeoutSeconds} s and was forced off` };
    }
    case "snapshot":
        return takeScheduledSnapshot(ctx, schedule, uuid, vm, op);
    }
}

// Taking or deleting a snapshot of a running VM saves or drops its memory: slow on a busy host.
const SNAPSHOT_TIMEOUT_MS = 10 * 60_000;

// The VM's snapshots with their descriptions. A snapshot whose XML cannot be read (removed meanwhile)
// is left out: it is never taken for one of the schedule's own.
async function vmSnapshots(uri: string, uuid: string): Promise<SnapshotSummary[]> {
    const names = (await runVirsh(uri, ["snapshot-list", "--domain", uuid, "--name"])).split("\n").filter(n => n !== "");
    const snapshots: SnapshotSummary[] = [];
    for (const name of names) {
        try {
            const record = parseSnapshotXml(await runVirsh(uri, ["snapshot-dumpxml", "--domain", uuid, "--snapshotname", name]));
            snapshots.push({ name: record.name, description: record.description, creationTime: record.creationTime });
        } catch { /* see above */ }
    }
    return snapshots;
}

// A snapshot named by the schedule's pattern and marked with its description; then the schedule's own
// snapshots of this VM beyond `keep`, oldest first, are deleted. The user's snapshots are never touched.
async function takeScheduledSnapshot(ctx: SchedulerContext, schedule: string, uuid: string, vm: string,
    op: Extract<ScheduleOperation, { type: "snapshot" }>): Promise<{ result: RunResult; message: string }> {
    const before = await vmSnapshots(ctx.uri, uuid);
    const name = scheduledSnapshotName(op.namePattern, vm, ctx.now, ctx.timeZone, new Set(before.map(s => s.name)));
    await runVirsh(ctx.uri, ["snapshot-create-as", "--domain", uuid, "--name", name, "--description", scheduleSnapshotMark(schedule), "--atomic"],
        { timeoutMs: SNAPSHOT_TIMEOUT_MS });
    const taken = `snapshot ${JSON.stringify(name)} taken`;
    const removed: string[] = [];
    for (const old of snapshotsBeyondKeep(await vmSnapshots(ctx.uri, uuid), schedule, op.keep)) {
        try {
            await runVirsh(ctx.uri, ["snapshot-delete", "--domain", uuid, "--snapshotname", old.name], { timeoutMs: SNAPSHOT_TIMEOUT_MS });
        } catch (err) {
            return { result: "failed", message: `${taken}; removing the older ${JSON.stringify(old.name)} failed: ${libvirtMessage(err)}` };
        }
        removed.push(JSON.stringify(old.name));
    }
    return { result: "ok", message: removed.length > 0 ? `${taken}; removed ${removed.join(", ")} (keeping ${op.keep})` : taken };
}

// What `kvm-manager-backup run --job NAME --json` answers (the backup helper's contract).
interface BackupAnswer {
    ok: boolean;
    error?: string;
    results?: { vm: string; result: "ok" | "failed" | "skipped"; message: string }[];
}

export const BACKUP_COMMAND = "kvm-manager-backup";

function runBackupCommand(job: string): Promise<{ code: number | null; stdout: string; stderr: string; missing: boolean }> {
    return new Promise(resolve => {
        // No timeout: a backup takes as long as its disks take to copy. Found on PATH, like virsh.
        execFile(BACKUP_COMMAND, ["run", "--job", job, "--json"], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: process.env }, (error, stdout, stderr) => {
            const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
            resolve({ code, stdout, stderr, missing: (error as NodeJS.ErrnoException | null)?.code === "ENOENT" });
        });
    });
}

function lastLine(text: string): string {
    return text.trim().split("\n").filter(Boolean).pop() ?? "";
}

// One backup job run: a record per VM of the job's answer, or one for the job (vm "") when it failed
// before it reached any VM.
async function runBackupJob(job: string): Promise<{ vm: string; result: RunResult; message: string }[]> {
    const run = await runBackupCommand(job);
    if (run.missing) return [{ vm: "", result: "failed", message: `${BACKUP_COMMAND} is not installed` }];
    let answer: BackupAnswer | null = null;
    try {
        const parsed = JSON.parse(run.stdout) as BackupAnswer;
        if (typeof parsed === "object" && parsed !== null && typeof parsed.ok === "boolean") answer = parsed;
    } catch { /* not JSON: reported below */ }
    if (!answer) {
        return [{ vm: "", result: "failed", message: `${BACKUP_COMMAND} exited ${run.code ?? "on a signal"} without an answer: ${lastLine(run.stderr) || "no message"}` }];
    }
    const results = (Array.isArray(answer.results) ? answer.results : [])
        .filter(r => typeof r?.vm === "string" && RUN_RESULTS.includes(r.result))
        .map(r => ({ vm: r.vm, result: r.result, message: typeof r.message === "string" ? r.message : "" }));
    if (results.length > 0) {
        // A failed job whose VMs all say ok still failed (its clean-up, say): the job's error is added.
        if (!answer.ok && !results.some(r => r.result === "failed")) {
            results.push({ vm: "", result: "failed", message: answer.error ?? `${BACKUP_COMMAND} reported a failure` });
        }
        return results;
    }
    if (answer.ok) return [{ vm: "", result: "ok", message: "the backup job had no VM to back up" }];
    return [{ vm: "", result: "failed", message: answer.error ?? (lastLine(run.stderr) || `${BACKUP_COMMAND} reported a failure`) }];
}

// Shutdown covers "force off" too (its `then`).
const INTERRUPTS_BACKUP: ReadonlySet<ScheduleOperation["type"]> = new Set(["shutdown", "reboot"]);

async function runOnVm(ctx: SchedulerContext, doc: ValidDocument<ScheduleDocument>, vm: string, uuids: Map<string, string> | Error,
    occurrence: number | null): Promise<RunRecord> {
    const start = new Date().toISOString();
    let outcome: { result: RunResult; message: string };
    const uuid = uuids instanceof Error ? null : uuids.get(vm);
    const op = doc.value.operation;
    // Checked before virsh is asked anything: a backup copying the disks of a VM that is shut down or
    // rebooted under it would be inconsistent or fail. The next occurrence tries again.
    if (INTERRUPTS_BACKUP.has(op.type) && isBackupRunning(ctx.stateDir, vm)) outcome = { result: "skipped", message: "a backup of this VM is running" };
    else if (uuids instanceof Error) outcome = { result: "failed", message: libvirtMessage(uuids) };
    else if (!uuid) outcome = { result: "failed", message: "there is no VM of this name" };
    else if (op.type === "backup") throw new Error("a backup schedule runs its job, not each VM");
    else {
        try {
            outcome = await runOperation(ctx, doc.name, uuid, vm, op);
        } catch (err) {
            outcome = { result: "failed", message: libvirtMessage(err) };
        }
    }
    return recordRun(ctx, {
        schedule: doc.name, vm, operation: op.type,
        occurrence: occurrence === null ? null : new Date(occurrence).toISOString(),
        start, end: new Date().toISOString(), ...outcome,
    });
}

// Appends the record to the history and says it in the journal: failures with the error priority.
function recordRun(ctx: SchedulerContext, record: RunRecord): RunRecord {
    const lock = acquireLock(runsLockPath(ctx.stateDir));
    try {
        appendDurable(runsPath(ctx.stateDir), JSON.stringify(record) + "\n", { fsync: ctx.fsync });
    } finally {
        lock.release();
    }
    const target = record.vm === "" ? "" : ` ${JSON.stringify(record.vm)}`;
    const line = `schedule ${JSON.stringify(record.schedule)}: ${record.operation}${target}: ${record.result}: ${record.message}`;
    if (record.result === "ok") ctx.log.info(line);
    else if (record.result === "failed") ctx.log.error(line);
    else ctx.log.warn(line);
    return record;
}

async function runBackupSchedule(ctx: SchedulerContext, doc: ValidDocument<ScheduleDocument>, job: string, occurrence: number | null): Promise<RunRecord[]> {
    const start = new Date().toISOString();
    const results = await runBackupJob(job);
    const end = new Date().toISOString();
    return results.map(r => recordRun(ctx, {
        schedule: doc.name, vm: r.vm, operation: "backup",
        occurrence: occurrence === null ? null : new Date(occurrence).toISOString(),
        start, end, result: r.result, message: r.message,
    }));
}

// Runs one schedule on all its VMs at once (a slow shutdown does not hold up the others); the caller
// holds the run lock.
async function runSchedule(ctx: SchedulerContext, doc: ValidDocument<ScheduleDocument>, occurrence: number | null): Promise<RunRecord[]> {
    const start = new Date().toISOString();
    updateState(ctx, state => {
        state.schedules[doc.name] = { lastRunStart: ctx.now, lastRun: { start, end: null, result: null } };
    });
    let records: RunRecord[];
    const op = doc.value.operation;
    if (op.type === "backup") records = await runBackupSchedule(ctx, doc, op.job, occurrence);
    else {
        let uuids: Map<string, string> | Error;
        try {
            uuids = await uuidsByName(ctx.uri);
        } catch (err) {
            uuids = err instanceof Error ? err : new Error(String(err));
        }
        records = await Promise.all(doc.value.vms.map(vm => runOnVm(ctx, doc, vm, uuids, occurrence)));
    }
    const result: RunResult = records.some(r => r.result === "failed") ? "failed" : "ok";
    updateState(ctx, state => {
        state.schedules[doc.name] = { lastRunStart: ctx.now, lastRun: { start, end: new Date().toISOString(), result } };
    });
    return records;
}

// Drops history entries that started before `cutoff` (epoch ms), and the oldest beyond `maxEntries`,
// and lines that are not records (a torn tail after a crash). Appends wait on runs.lock meanwhile, so
// none is lost to the rename. Returns how many entries were dropped; the file is only rewritten then.
export function pruneRunHistory(stateDir: string, cutoff: number, maxEntries: number, options: { fsync?: boolean } = {}): number {
    const lock = acquireLock(runsLockPath(stateDir));
    try {
        let text: string;
        try {
            text = readFileNoFollow(runsPath(stateDir)).toString("utf8");
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") return 0;
            throw err;
        }
        const lines = text.split("\n").filter(line => line !== "");
        const kept = lines.filter(line => {
            try {
                const start = Date.parse((JSON.parse(line) as RunRecord).start);
                return start >= cutoff;
            } catch {
                return false;
            }
        }).slice(-maxEntries);
        if (kept.length === lines.length) return 0;
        writeStateFile(runsPath(stateDir), kept.map(line => line + "\n").join(""), options);
        return lines.length - kept.length;
    } finally {
        lock.release();
    }
}

// The history is kept as long as the metrics (the retention policy's days), pruned about once an hour.
function pruneRunHistoryIfDue(ctx: SchedulerContext): void {
    const last = readState(ctx).historyPrunedAt;
    if (last !== undefined && last <= ctx.now && ctx.now - last < RUN_HISTORY_PRUNE_INTERVAL_MS) return;
    let days: number;
    try {
        days = readRetentionPolicy(ctx.configDir).policy.retentionDays;
    } catch (err) {
        if (!(err instanceof PolicyInvalidError)) throw err;
        ctx.log.warn(`the run history is kept for the default period: ${err.problem}`);
        days = DEFAULT_RETENTION_POLICY.retentionDays;
    }
    const dropped = pruneRunHistory(ctx.stateDir, retentionCutoffMs({ retentionDays: days }, ctx.now), RUN_HISTORY_MAX_ENTRIES, { fsync: ctx.fsync });
    if (dropped > 0) ctx.log.info(`removed ${dropped} run history entries older than ${days} days or beyond the newest ${RUN_HISTORY_MAX_ENTRIES}`);
    updateState(ctx, state => {
        state.historyPrunedAt = ctx.now;
    });
}

export interface TickOutcome {
    ran: { schedule: string; occurrence: string; records: RunRecord[] }[];
    damaged: DamagedDocument[];
}

// What the timer runs every minute.
export async function schedulerTick(ctx: SchedulerContext): Promise<TickOutcome> {
    ensureStateDir(schedulerDir(ctx.stateDir));
    pruneRunHistoryIfDue(ctx);
    const listing = listDocuments(ctx.configDir, SCHEDULE_KIND);
    for (const bad of listing.damaged) {
        ctx.log.warn(`${bad.path} is not used: ${describeDocumentError(bad.error)} (the file is left as it is)`);
    }
    const due: { doc: ValidDocument<ScheduleDocument>; occurrence: number; lock: HeldLock }[] = [];
    for (const doc of listing.documents) {
        if (!doc.value.enabled) continue;
        const lock = tryRunLock(ctx, doc.name);
        // Read after the lock: a run that just ended (a "run now") has recorded its start by then.
        const state = readState(ctx);
        const decision = decideTick(toSchedule(doc.value), {
            lastRunStart: state.schedules[doc.name]?.lastRunStart ?? null,
            activeSince: activeSince(doc),
            running: lock === null,
        }, ctx.now, ctx.timeZone);
        if (decision.run && lock) due.push({ doc, occurrence: decision.occurrence, lock });
        else lock?.release();
        if (!decision.run && decision.reason === "running") ctx.log.info(`schedule ${JSON.stringify(doc.name)} is still running; it runs again after that run ends`);
    }
    const ran = await Promise.all(due.map(async ({ doc, occurrence, lock }) => {
        try {
            return { schedule: doc.name, occurrence: new Date(occurrence).toISOString(), records: await runSchedule(ctx, doc, occurrence) };
        } finally {
            lock.release();
        }
    }));
    return { ran, damaged: listing.damaged };
}

export class ScheduleNotFoundError extends Error {}

// "Run now": the schedule as it is, enabled or not, unless it is running already (LockBusyError).
export async function runScheduleNow(ctx: SchedulerContext, name: string): Promise<RunRecord[]> {
    ensureStateDir(schedulerDir(ctx.stateDir));
    const doc = readDocument(ctx.configDir, SCHEDULE_KIND, name);
    if (doc === null) throw new ScheduleNotFoundError(`there is no schedule ${JSON.stringify(name)}`);
    if (!isValidDocument(doc)) throw new ScheduleNotFoundError(`${doc.path} is not used: ${describeDocumentError(doc.error)}`);
    const lock = tryRunLock(ctx, name);
    if (!lock) throw new LockBusyError(runLockPath(ctx, name), "a run of this schedule that is still going");
    try {
        return await runSchedule(ctx, doc, null);
    } finally {
        lock.release();
    }
}

// One entry of --list --json's "documents": the shape src/host/config-documents.ts reads for every
// kind (name, path, tag, value), with what the scheduler knows about it.
export interface ScheduleSummary {
    name: string;
    path: string;
    tag: string;
    value: ScheduleDocument;
    // The occurrence the next tick runs if it is already owed (due), else the next one; null if none.
    next: string | null;
    due: boolean;
    running: boolean;
    lastRun: LastRun | null;
}

export function listSchedules(ctx: SchedulerContext): { schedules: ScheduleSummary[]; damaged: DamagedDocument[] } {
    const listing = listDocuments(ctx.configDir, SCHEDULE_KIND);
    let state: StateFile = { version: 1, schedules: {} };
    try {
        if (existsSync(schedulerDir(ctx.stateDir))) state = readState(ctx);
    } catch (err) {
        // The state is root's (0700); a user without administrative access still sees the schedules.
        if ((err as NodeJS.ErrnoException).code !== "EACCES") throw err;
    }
    const schedules = listing.documents.map(doc => {
        const running = existsSync(runLockPath(ctx, doc.name));
        const decision = decideTick(toSchedule(doc.value), {
            lastRunStart: state.schedules[doc.name]?.lastRunStart ?? null,
            activeSince: activeSince(doc),
            running: false,
        }, ctx.now, ctx.timeZone);
        const next = decision.run ? decision.firstOwed : decision.next;
        return {
            name: doc.name, path: doc.path, tag: doc.tag, value: doc.value,
            next: next === null ? null : new Date(next).toISOString(), due: decision.run, running,
            lastRun: state.schedules[doc.name]?.lastRun ?? null,
        };
    });
    return { schedules, damaged: listing.damaged };
}

// The run history, oldest first; a torn last line (a crash mid-append) is skipped. `limit`: only the
// newest that many of the runs the filter lets through.
export function readRuns(stateDir: string, filter: { vm?: string; result?: RunResult; schedule?: string; limit?: number } = {}): RunRecord[] {
    let text: string;
    try {
        text = readFileNoFollow(runsPath(stateDir)).toString("utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw err;
    }
    const runs: RunRecord[] = [];
    for (const line of text.split("\n")) {
        if (!line) continue;
        let record: RunRecord;
        try {
            record = JSON.parse(line) as RunRecord;
        } catch {
            continue;
        }
        if (filter.vm !== undefined && record.vm !== filter.vm) continue;
        if (filter.result !== undefined && record.result !== filter.result) continue;
        if (filter.schedule !== undefined && record.schedule !== filter.schedule) continue;
        runs.push(record);
    }
    return filter.limit === undefined ? runs : runs.slice(-filter.limit);
}
