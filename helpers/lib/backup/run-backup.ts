// One VM's backup, start to end, and a job's run over its VMs.
//
// Under the VM's lock: clean up the VM's incomplete backups (a run killed earlier), check the free
// space against the disks' allocation, copy (running: libvirt push backup, with the guest's file
// systems frozen while it begins when the agent answers; shut off: qemu-img convert), sync, check
// each image with qemu-img check and take its SHA-256, write the status (verified) and, last, the
// manifest. Only then does retention prune, and never the newest verified backup (prune.ts). Any
// failure removes the new directory and nothing else.
import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { version as kvmManagerVersion } from "../../../package.json";
import { DEFAULT_BACKUP_TARGET, BACKUP_JOB_KIND, type BackupJob } from "../../../src/core/backup/backup-job";
import { DOMAIN_XML_FILE, serialiseManifest } from "../../../src/core/backup/manifest";
import { selectBackupsToPrune } from "../../../src/core/backup/prune";
import { describeDocumentError } from "../../../src/core/config/documents";
import { formatBytes } from "../../../src/core/format";
import { isValidDocument, readDocument } from "../config-documents";
import { writeFileAtomic } from "../durable-fs";
import type { Logger } from "../log";
import { BACKUP_DIR_MODE, createBackupDir, listVmDir, removeBackup, vmBackupsDir, writeManifestLast, writeStatus } from "./catalog";
import { copyDisks, SkipError } from "./copy-disks";
import { definitionXml, findVm, libvirtVersion, vmState } from "./domain";
import { recordRun } from "./history";
import { qemuImgVersion, sha256Text } from "./images";
import { lockVm } from "./vm-lock";

export interface BackupContext {
    configDir: string;
    stateDir: string;
    uri: string;
    timeZone: string;
    log: Logger;
    // Progress of the VM being backed up, in percent of its disks' copy.
    onProgress?: (vm: string, percent: number) => void;
}

export interface VmResult {
    vm: string;
    result: "ok" | "failed" | "skipped";
    message: string;
    backup?: string;
    // A backup of this VM was already running (the command then exits 75).
    busy?: boolean;
}

export interface JobRun {
    ok: boolean;
    results: VmResult[];
}

export class JobNotFoundError extends Error {}

function errorText(err: unknown): string {
    const message = (err as Error | null)?.message ?? String(err);
    return /No space left on device|ENOSPC/.test(message) && !message.startsWith("not enough space")
        ? `the target is full (No space left on device): ${message}`
        : message;
}

// Only the default target is created: a missing mount point of an NFS share or USB disk must not turn
// into backups on the root file system.
function ensureTarget(target: string): void {
    if (target === DEFAULT_BACKUP_TARGET) mkdirSync(target, { recursive: true, mode: BACKUP_DIR_MODE });
    let isDir: boolean;
    try {
        isDir = statSync(target).isDirectory();
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") throw new Error(`the target ${target} does not exist (is the disk or share mounted?)`);
        throw err;
    }
    if (!isDir) throw new Error(`the target ${target} is not a directory`);
}

// Removes this VM's backups that have no complete manifest: only called under the VM's lock, so none
// of them is being written.
function removeIncomplete(vmDir: string, log: Logger): number {
    const incomplete = listVmDir(vmDir).filter(b => !b.complete);
    for (const b of incomplete) {
        log.info(`removing the incomplete backup ${b.path} (${b.problem ?? "no manifest"})`);
        removeBackup(b.path);
    }
    return incomplete.length;
}

function prune(ctx: BackupContext, job: BackupJob, vmDir: string, vm: string): string[] {
    const backups = listVmDir(vmDir).filter(b => b.complete && b.vm === vm).map(b => ({
        id: b.path, time: b.time, protected: b.status.protected, verified: b.status.verification?.ok === true,
    }));
    const removed: string[] = [];
    for (const d of selectBackupsToPrune(backups, job.prune, ctx.timeZone)) {
        if (d.keep) continue;
        ctx.log.info(`retention removes ${d.id}`);
        removeBackup(d.id);
        removed.push(d.id);
    }
    return removed;
}

export async function backupVm(ctx: BackupContext, jobName: string, job: BackupJob, vmName: string): Promise<VmResult> {
    const started = Date.now();
    const vm = await findVm(ctx.uri, vmName);
    if (!vm) return { vm: vmName, result: "failed", message: "there is no VM of that name" };
    const lock = lockVm(ctx.stateDir, { vm: vmName, uuid: vm.uuid, job: jobName, activity: "backup", started: new Date(started).toISOString() });
    if (!lock) return { vm: vmName, result: "skipped", message: "a backup of this VM is already running", busy: true };
    let dir: string | null = null;
    try {
        ensureTarget(job.target);
        const vmDir = vmBackupsDir(job.target, vmName);
        removeIncomplete(vmDir, ctx.log);
        const state = await vmState(ctx.uri, vm);
        const running = state !== "shut off" && state !== "crashed";
        const xml = await definitionXml(ctx.uri, vm);
        dir = createBackupDir(vmDir, started);
        writeFileAtomic(join(dir, DOMAIN_XML_FILE), xml, { mode: 0o600 });
        const { disks, frozen } = await copyDisks(ctx, vm, running, xml, dir, job.compression);
        const manifest = serialiseManifest({
            format: "kvm-manager-backup", version: 1, vm: { name: vmName, uuid: vm.uuid }, job: jobName,
            mode: running ? "push" : "copy", started: new Date(started).toISOString(), finished: new Date().toISOString(),
            compressed: job.compression, frozen, domainXml: { file: DOMAIN_XML_FILE, sha256: sha256Text(xml) }, disks,
            tools: { qemuImg: await qemuImgVersion(), libvirt: await libvirtVersion(ctx.uri), kvmManager: kvmManagerVersion },
        });
        writeStatus(dir, { version: 1, protected: false, verification: { time: new Date().toISOString(), ok: true, message: "" } });
        writeManifestLast(dir, manifest);
        const backup = dir;
        dir = null;
        const removed = prune(ctx, job, vmDir, vmName);
        const size = disks.reduce((sum, d) => sum + d.bytes, 0);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        const pruned = removed.length > 0 ? `; retention removed ${removed.length}` : "";
        return { vm: vmName, result: "ok", message: `${running ? "running VM" : "shut-off VM"}: ${formatBytes(size)} in ${seconds} s, verified${pruned}`, backup };
    } catch (err) {
        if (dir) removeBackup(dir);
        if (err instanceof SkipError) return { vm: vmName, result: "skipped", message: err.message };
        return { vm: vmName, result: "failed", message: errorText(err) };
    } finally {
        lock.release();
    }
}

export function readJob(configDir: string, name: string): BackupJob {
    const entry = readDocument(configDir, BACKUP_JOB_KIND, name);
    if (entry === null) throw new JobNotFoundError(`there is no backup job ${JSON.stringify(name)}`);
    if (!isValidDocument(entry)) throw new JobNotFoundError(`the backup job ${JSON.stringify(name)} is not valid: ${describeDocumentError(entry.error)}`);
    return entry.value;
}

export async function runJob(ctx: BackupContext, jobName: string, onlyVm?: string): Promise<JobRun> {
    const job = readJob(ctx.configDir, jobName);
    const vms = onlyVm === undefined ? job.vms : [onlyVm];
    const results: VmResult[] = [];
    for (const vm of vms) {
        const start = new Date().toISOString();
        let result: VmResult;
        if (!job.vms.includes(vm)) result = { vm, result: "failed", message: `the job ${JSON.stringify(jobName)} does not back up this VM` };
        else if (!job.enabled) result = { vm, result: "skipped", message: "the job is disabled" };
        else result = await backupVm(ctx, jobName, job, vm);
        ctx.log[result.result === "failed" ? "error" : "info"](`${vm}: ${result.result}: ${result.message}`);
        if (!result.busy) recordRun(ctx.stateDir, { job: jobName, vm, start, end: new Date().toISOString(), result: result.result, message: result.message, backup: result.backup ?? null });
        results.push(result);
    }
    // A VM skipped for a reason that will not change by retrying (a disabled job, no disks) is no failure.
    return { ok: results.every(r => r.result === "ok" || (r.result === "skipped" && !r.busy)), results };
}
