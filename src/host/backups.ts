// The page's side of backups: everything goes through `kvm-manager-backup ... --json` (the helper reads
// the targets and runs qemu-img and virsh as root); jobs are written as documents
// (src/host/config-documents.ts) and their schedules are listed through the scheduler.
import { BACKUP_JOB_KIND, type BackupJob } from "../core/backup/backup-job";
import type { LifecycleAction } from "../core/domain-state";
import { uuidFromDomainPath } from "../core/virsh-lifecycle";
import cockpit, { _, type SpawnError } from "../lib/cockpit";
import { deleteDocument, writeDocument } from "./config-documents";
import { runHelperJson } from "./helper-commands";

const BACKUP = "kvm-manager-backup";

export interface BackupRow {
    path: string;
    vm: string | null;
    uuid: string | null;
    job: string | null;
    time: string | null;
    mode: "push" | "copy" | null;
    compressed: boolean | null;
    bytes: number;
    complete: boolean;
    problem: string | null;
    protected: boolean;
    verified: boolean;
    verification: { time: string; ok: boolean; message: string } | null;
}

export interface RunningBackup {
    vm: string;
    uuid: string | null;
    job: string | null;
    activity: "backup" | "restore";
    started: string;
}

export interface JobRow {
    name: string;
    path: string;
    tag: string;
    value: BackupJob;
    lastRun: { start: string; end: string; results: { vm: string; result: "ok" | "failed" | "skipped"; message: string }[] } | null;
}

export interface BackupListing {
    jobs: JobRow[];
    damaged: { name: string; path: string; message: string }[];
    running: RunningBackup[];
    targets: { path: string; used: number; free: number | null; total: number | null }[];
    backups: BackupRow[];
}

export interface RunAnswer {
    ok: boolean;
    results: { vm: string; result: "ok" | "failed" | "skipped"; message: string; backup?: string }[];
}

// `tag`: the job's file as listed (NEW_DOCUMENT_TAG for a new job); a stale one is a conflict.
export function saveBackupJob(name: string, value: BackupJob, tag: string): Promise<string> {
    return writeDocument(BACKUP_JOB_KIND, name, value, tag);
}

// The job's backups stay on the target; a schedule that runs it fails until it is changed.
export function deleteBackupJob(path: string, tag: string): Promise<void> {
    return deleteDocument(path, tag);
}

export function listBackups(): Promise<BackupListing> {
    return runHelperJson<BackupListing>([BACKUP, "list", "--json"]);
}

// Exit status 1 (a VM failed) and 75 (a VM's backup already runs) still answer with the per-VM results.
export function runJobNow(job: string): Promise<RunAnswer> {
    return runHelperJson<RunAnswer>([BACKUP, "run", "--job", job, "--json"], { answerOnExit: [1, 75] });
}

// Exit status 1 is a backup that does not verify: the answer says why.
export function verifyBackup(path: string): Promise<{ ok: boolean; message: string }> {
    return runHelperJson<{ ok: boolean; message: string }>([BACKUP, "verify", path, "--json"], { answerOnExit: [1] });
}

export async function protectBackup(path: string, on: boolean): Promise<void> {
    await runHelperJson([BACKUP, "protect", path, on ? "--on" : "--off", "--json"]);
}

export async function deleteBackup(path: string): Promise<void> {
    await runHelperJson([BACKUP, "delete", path, "--json"]);
}

export interface RestoreProgress {
    step: string;
    percent: number | null;
}

// Restores over the original VM (newName undefined) or as a new VM; progress lines come as they are
// printed. Resolves with the restored VM's name.
export function restoreBackup(path: string, target: { newName?: string; directory?: string }, onProgress: (p: RestoreProgress) => void): Promise<string> {
    const argv = [BACKUP, "restore", path, ...(target.newName === undefined ? ["--over"] : ["--as", target.newName]),
        ...(target.directory ? ["--directory", target.directory] : []), "--json"];
    let buffer = "";
    let last: { ok?: boolean; vm?: string; error?: string } | null = null;
    const onLine = (line: string) => {
        if (line.trim() === "") return;
        try {
            const parsed = JSON.parse(line) as { progress?: RestoreProgress; ok?: boolean; vm?: string; error?: string };
            if (parsed.progress) onProgress(parsed.progress);
            else last = parsed;
        } catch { /* not a line of ours */ }
    };
    return new Promise((resolve, reject) => {
        cockpit.spawn(argv, { superuser: "require", err: "message" })
            .stream(data => {
                buffer += data;
                const lines = buffer.split("\n");
                buffer = lines.pop() ?? "";
                lines.forEach(onLine);
            })
            .then(() => {
                onLine(buffer);
                const answer = last as { ok?: boolean; vm?: string; error?: string } | null;
                if (answer?.ok && answer.vm) resolve(answer.vm);
                else reject(new Error(answer?.error ?? _("The restore gave no answer")));
            }, (error: SpawnError) => {
                onLine(buffer);
                const answer = last as { error?: string } | null;
                reject(new Error(answer?.error ?? (error.problem === "not-found" ? cockpit.format(_("$0 is not installed on this host"), BACKUP) : error.message)));
            });
    });
}

export async function runningBackups(): Promise<RunningBackup[]> {
    return (await runHelperJson<{ running: RunningBackup[] }>([BACKUP, "running", "--json"])).running;
}

// Shutting down or forcing off a VM whose backup runs would cancel the backup (libvirt's push job ends
// with the VM, a copy would hold an image the VM wants): refused, with that reason, in the row's error.
// Where the helper cannot be asked (not installed, no access), the action goes ahead.
const STOPPING: ReadonlySet<LifecycleAction> = new Set(["shutdown", "forceOff"]);

export async function refuseWhileBackupRuns(domain: { path?: string; nameOrUuid?: string }, action: LifecycleAction): Promise<void> {
    if (!STOPPING.has(action)) return;
    let running: RunningBackup[];
    try {
        running = await runningBackups();
    } catch {
        return;
    }
    const uuid = domain.path === undefined ? null : uuidFromDomainPath(domain.path);
    const busy = running.find(r => (uuid !== null && r.uuid === uuid) || (domain.nameOrUuid !== undefined && (r.vm === domain.nameOrUuid || r.uuid === domain.nameOrUuid)));
    if (busy) {
        throw new Error(busy.activity === "restore"
            ? _("Restore running: the VM cannot be shut down or forced off until it ends.")
            : _("Backup running: the VM cannot be shut down or forced off until the backup ends."));
    }
}
