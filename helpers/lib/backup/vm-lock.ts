// "A backup of this VM is running": a lock file per VM under STATE_DIR/locks, held by the helper that
// backs the VM up (or restores it) from start to end. A second backup of the same VM, a scheduled one
// or one from the page, sees it and does not start; the page and the scheduler ask isBackupRunning
// before a lifecycle action. Beside each lock, a small file names the VM and the job, so the running
// backups can be listed; it counts only while the lock's owner is alive (a kill -9 leaves a stale pair,
// which the next lock of that VM replaces).
import { createHash } from "node:crypto";
import { readdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { readFileNoFollow, writeStateFile } from "../durable-fs";
import { acquireLock, isOwnerAlive, LockBusyError, type HeldLock } from "../lock";
import { ensureStateDir } from "../paths";

export interface RunningBackup {
    vm: string;
    // null for a restore as a new VM, which has none yet.
    uuid: string | null;
    job: string | null;
    // "backup" or "restore".
    activity: string;
    started: string;
}

export function locksDir(stateDir: string): string {
    return join(stateDir, "locks");
}

// VM names are arbitrary Unicode: the file names are a hash of it.
function lockStem(vm: string): string {
    return `backup-${createHash("sha256").update(vm).digest("hex").slice(0, 40)}`;
}

export function lockVm(stateDir: string, info: RunningBackup): HeldLock | null {
    ensureStateDir(stateDir);
    const dir = locksDir(stateDir);
    ensureStateDir(dir);
    const stem = lockStem(info.vm);
    let lock: HeldLock;
    try {
        // Long enough to remove a stale lock left by a killed run and take it; a live holder means busy.
        lock = acquireLock(join(dir, `${stem}.lock`), { timeoutMs: 500, pollMs: 100 });
    } catch (err) {
        if (err instanceof LockBusyError) return null;
        throw err;
    }
    const infoPath = join(dir, `${stem}.json`);
    writeStateFile(infoPath, JSON.stringify(info) + "\n", { fsync: false });
    return {
        path: lock.path,
        release: () => {
            try { unlinkSync(infoPath); } catch { /* already gone */ }
            lock.release();
        },
    };
}

function readText(path: string): string | null {
    try {
        return readFileNoFollow(path).toString("utf8");
    } catch {
        return null;
    }
}

export function runningBackups(stateDir: string): RunningBackup[] {
    let entries: string[];
    try {
        entries = readdirSync(locksDir(stateDir));
    } catch {
        return [];
    }
    const running: RunningBackup[] = [];
    for (const entry of entries) {
        if (!entry.startsWith("backup-") || !entry.endsWith(".json")) continue;
        const stem = entry.slice(0, -".json".length);
        const owner = readText(join(locksDir(stateDir), `${stem}.lock`));
        if (owner === null || owner === "" || !isOwnerAlive(owner)) continue;
        try {
            const info = JSON.parse(readText(join(locksDir(stateDir), entry)) ?? "") as RunningBackup;
            if (typeof info.vm === "string" && lockStem(info.vm) === stem) running.push(info);
        } catch { /* written as the lock was taken; the next look finds it whole */ }
    }
    return running.sort((a, b) => a.vm.localeCompare(b.vm));
}

export function isBackupRunning(stateDir: string, vm: string): boolean {
    const owner = readText(join(locksDir(stateDir), `${lockStem(vm)}.lock`));
    return owner !== null && owner !== "" && isOwnerAlive(owner);
}
