// Backups on a target directory: TARGET/VM-DIR/TIME/, one directory per backup holding the disk
// images, domain.xml, status.json and, written last, manifest.json (src/core/backup/manifest.ts).
// VM-DIR is the VM's name made safe for a file name plus a hash of the whole name, so two names that
// read alike never share a directory; TIME is the start in UTC (20261126T030000Z), a form every file
// system takes (no ":" for a FAT-formatted USB disk).
import { createHash } from "node:crypto";
import { chmodSync, lstatSync, mkdirSync, readdirSync, rmSync, unlinkSync, type Stats } from "node:fs";
import { basename, dirname, join } from "node:path";
import {
    MANIFEST_FILE, parseManifest, parseStatus, STATUS_FILE, UNVERIFIED_STATUS, type BackupManifest, type BackupStatus,
} from "../../../src/core/backup/manifest";
import { fsyncDir, readFileNoFollow, writeFileAtomic } from "../durable-fs";

const BACKUP_DIR_NAME = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-\d+)?$/;
const BACKUP_MODE = 0o600;

export interface BackupEntry {
    path: string;
    // The VM, from the manifest; null for an incomplete backup (its directory says only whose hash).
    vm: string | null;
    // Start, epoch ms: the manifest's, or the directory name's for an incomplete backup.
    time: number;
    complete: boolean;
    // Why it is not complete, when it is not.
    problem: string | null;
    manifest: BackupManifest | null;
    status: BackupStatus;
    // Bytes of every file in the directory.
    bytes: number;
}

export function vmDirName(vm: string): string {
    const readable = vm.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^[._-]+/, "_").slice(0, 64);
    return `${readable}-${createHash("sha256").update(vm).digest("hex").slice(0, 12)}`;
}

export function vmBackupsDir(target: string, vm: string): string {
    return join(target, vmDirName(vm));
}

export function isBackupDirName(name: string): boolean {
    return BACKUP_DIR_NAME.test(name);
}

function timeOfDirName(name: string): number {
    const m = BACKUP_DIR_NAME.exec(name);
    if (!m) return NaN;
    const [, y, mo, d, h, mi, s] = m.map(Number);
    return Date.UTC(y, mo - 1, d, h, mi, s);
}

export function backupDirName(time: number): string {
    return new Date(time).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z");
}

// Directories are searchable but not listable by others: QEMU, running as libvirt-qemu, must reach
// the file it writes a running VM's backup into; the files themselves are root's (0600).
export const BACKUP_DIR_MODE = 0o711;

// A new, empty backup directory; a second backup within the same second gets "-2".
export function createBackupDir(vmDir: string, time: number): string {
    mkdirSync(vmDir, { recursive: true, mode: BACKUP_DIR_MODE });
    // Also for a VM directory an earlier version made 0700; the mode is set explicitly, whatever the umask.
    chmodSync(vmDir, BACKUP_DIR_MODE);
    const base = backupDirName(time);
    for (let n = 1; ; n++) {
        const path = join(vmDir, n === 1 ? base : `${base}-${n}`);
        try {
            mkdirSync(path, { mode: BACKUP_DIR_MODE });
            chmodSync(path, BACKUP_DIR_MODE);
            return path;
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        }
    }
}

function lstatOrNull(path: string): Stats | null {
    try {
        return lstatSync(path);
    } catch {
        return null;
    }
}

function directoryBytes(path: string): number {
    let total = 0;
    for (const name of readdirSync(path)) {
        const st = lstatOrNull(join(path, name));
        if (st?.isFile()) total += st.size;
    }
    return total;
}

function readStatus(path: string): BackupStatus {
    try {
        return parseStatus(readFileNoFollow(join(path, STATUS_FILE)).toString("utf8")) ?? UNVERIFIED_STATUS;
    } catch {
        return UNVERIFIED_STATUS;
    }
}

export class NotABackupError extends Error {}

// One backup directory. Throws NotABackupError for a path that is not one (a link, a file, a
// directory whose name is not a backup's).
export function readBackup(path: string): BackupEntry {
    const st = lstatOrNull(path);
    if (!st || !st.isDirectory() || !isBackupDirName(basename(path))) {
        throw new NotABackupError(`${path} is not a backup directory (TARGET/VM/${backupDirName(Date.UTC(2026, 10, 26, 3))})`);
    }
    let manifest: BackupManifest | null = null;
    let problem: string | null = null;
    try {
        const read = parseManifest(readFileNoFollow(join(path, MANIFEST_FILE)).toString("utf8"));
        if (read.ok) manifest = read.manifest;
        else problem = read.error;
    } catch (err) {
        problem = (err as NodeJS.ErrnoException).code === "ENOENT" ? "no manifest: the backup did not finish" : `the manifest cannot be read: ${(err as Error).message}`;
    }
    return {
        path,
        vm: manifest?.vm.name ?? null,
        time: manifest ? Date.parse(manifest.started) : timeOfDirName(basename(path)),
        complete: manifest !== null,
        problem,
        manifest,
        status: readStatus(path),
        bytes: directoryBytes(path),
    };
}

// Every backup of one VM directory, newest first.
// A missing or unreadable directory (a target not mounted) holds no backups.
function entriesOf(dir: string): string[] {
    try {
        return readdirSync(dir);
    } catch {
        return [];
    }
}

export function listVmDir(vmDir: string): BackupEntry[] {
    return entriesOf(vmDir).filter(isBackupDirName).map(name => {
        try {
            return readBackup(join(vmDir, name));
        } catch {
            return null;
        }
    }).filter((b): b is BackupEntry => b !== null).sort((a, b) => b.time - a.time);
}

// Every backup on a target, newest first.
export function listTarget(target: string): BackupEntry[] {
    return entriesOf(target).filter(name => lstatOrNull(join(target, name))?.isDirectory()).flatMap(name => listVmDir(join(target, name)))
        .sort((a, b) => b.time - a.time);
}

export function writeStatus(path: string, status: BackupStatus): void {
    writeFileAtomic(join(path, STATUS_FILE), JSON.stringify(status) + "\n", { mode: BACKUP_MODE });
}

// The manifest goes first (and that is synced), so a removal cut short leaves an incomplete backup,
// never one that looks good with files missing.
export function removeBackup(path: string): void {
    try {
        unlinkSync(join(path, MANIFEST_FILE));
        fsyncDir(path);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
    rmSync(path, { recursive: true, force: true });
    fsyncDir(dirname(path));
}

export function writeManifestLast(path: string, text: string): void {
    writeFileAtomic(join(path, MANIFEST_FILE), text, { mode: BACKUP_MODE });
}
