// File writes that survive kill -9 and power loss: whole files are replaced by writing a temporary
// file in the same directory, fsyncing it, renaming it over the old one and fsyncing the directory, so
// a reader sees the old file or the new one, never a part. Appends are fsynced before they count.
//
// Every open here refuses a symbolic link as the last path component (O_NOFOLLOW): the helpers run
// as root, and a link planted in a state directory (journal.ndjson -> /etc/shadow) would otherwise
// make root append to, or read, whatever it points at. The directories themselves are checked by
// paths.ts (ensureStateDir).
import { closeSync, constants, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

// Bytes this process has handed to the kernel through the functions below; the collector reports it
// and the benchmark checks it against the per-tick budget.
export const writeCounter = { bytes: 0 };

export const TEMP_MARKER = ".tmp-";

// Modes of what the helpers keep under /var/lib/kvm-manager: the metrics name every VM and its
// usage, which libvirt shows to administrators only.
export const STATE_DIR_MODE = 0o700;
export const STATE_FILE_MODE = 0o600;

export interface DurabilityOptions {
    // false only where fsync would measure the disk, not the code: the benchmark's fast-forwarded
    // history and the unit tests. Passed down by whoever opens the store, never a global switch.
    fsync?: boolean;
}

export interface WriteOptions extends DurabilityOptions {
    // Mode of a file this call creates (default 0644 for writeFileAtomic, 0600 for appendDurable).
    mode?: number;
}

export class SymlinkRefusedError extends Error {
    // The helpers' --json answers carry it as their error code.
    readonly code = "symlink-refused";

    constructor(readonly path: string) {
        super(`${path} is a symbolic link; kvm-manager's helpers do not follow links in their state directories ` +
            "(remove it and run again)");
        this.name = "SymlinkRefusedError";
    }
}

// open(2) with O_NOFOLLOW; a link in the last component is an error that says so (ELOOP alone would
// read "too many symbolic links").
export function openNoFollow(path: string, flags: number, mode?: number): number {
    try {
        return openSync(path, flags | constants.O_NOFOLLOW, mode);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ELOOP") throw new SymlinkRefusedError(path);
        throw err;
    }
}

export function readFileNoFollow(path: string): Buffer {
    const fd = openNoFollow(path, constants.O_RDONLY);
    try {
        return readFileSync(fd);
    } finally {
        closeSync(fd);
    }
}

// The file's text, or null when there is no file.
export function readTextNoFollowOrNull(path: string): string | null {
    try {
        return readFileNoFollow(path).toString("utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
    }
}

// Reads exactly `length` bytes at `position`, fewer only at the end of the file.
export function readAt(fd: number, position: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
        const n = readSync(fd, buf, got, length - got, position + got);
        if (n === 0) break;
        got += n;
    }
    return buf.subarray(0, got);
}

export function fsyncDir(dir: string, options: DurabilityOptions = {}): void {
    if (options.fsync === false) return;
    const fd = openNoFollow(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    try {
        fsyncSync(fd);
    } finally {
        closeSync(fd);
    }
}

function writeAll(fd: number, data: Uint8Array): void {
    let offset = 0;
    while (offset < data.length) offset += writeSync(fd, data, offset, data.length - offset);
    writeCounter.bytes += data.length;
}

// modeOrOptions: a bare number is the mode (the older signature, still used by json-config.ts).
export function writeFileAtomic(path: string, data: Uint8Array | string, modeOrOptions: number | WriteOptions = {}): void {
    const options: WriteOptions = typeof modeOrOptions === "number" ? { mode: modeOrOptions } : modeOrOptions;
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true });
    const temp = join(dir, `${basename(path)}${TEMP_MARKER}${process.pid}-${Date.now()}`);
    // O_EXCL: never write through something already there under the temporary name. The rename then
    // replaces a link at `path` itself, never what it points to.
    const fd = openNoFollow(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, options.mode ?? 0o644);
    try {
        writeAll(fd, bytes);
        if (options.fsync !== false) fsyncSync(fd);
    } catch (err) {
        closeSync(fd);
        try { unlinkSync(temp); } catch { /* already gone */ }
        throw err;
    }
    closeSync(fd);
    renameSync(temp, path);
    fsyncDir(dir, options);
}

// A file of a helper's own state (0600), written as writeFileAtomic does.
export function writeStateFile(path: string, data: Uint8Array | string, options: DurabilityOptions = {}): void {
    writeFileAtomic(path, data, { ...options, mode: STATE_FILE_MODE });
}

// Appends in one write() and fsyncs; a crash mid-way leaves at most a torn tail, which readers skip.
export function appendDurable(path: string, data: string, options: WriteOptions = {}): void {
    const fd = openNoFollow(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, options.mode ?? STATE_FILE_MODE);
    try {
        writeAll(fd, Buffer.from(data, "utf8"));
        if (options.fsync !== false) fsyncSync(fd);
    } finally {
        closeSync(fd);
    }
}
