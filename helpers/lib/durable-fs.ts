// File writes that survive kill -9 and power loss: whole files are replaced by writing a temporary
// file in the same directory, fsyncing it, renaming it over the old one and fsyncing the directory, so
// a reader sees the old file or the new one, never a part. Appends are fsynced before they count.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

// Bytes this process has handed to the kernel through the functions below; the collector reports it
// and the benchmark checks it against the per-tick budget.
export const writeCounter = { bytes: 0 };

// false only for the benchmark's fast-forwarded history, where fsync would measure the disk, not us.
export const durability = { fsync: true };

export const TEMP_MARKER = ".tmp-";

export function fsyncDir(dir: string): void {
    if (!durability.fsync) return;
    const fd = openSync(dir, "r");
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

export function writeFileAtomic(path: string, data: Uint8Array | string, mode = 0o644): void {
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    const dir = dirname(path);
    mkdirSync(dir, { recursive: true });
    const temp = join(dir, `${basename(path)}${TEMP_MARKER}${process.pid}-${Date.now()}`);
    const fd = openSync(temp, "w", mode);
    try {
        writeAll(fd, bytes);
        if (durability.fsync) fsyncSync(fd);
    } catch (err) {
        closeSync(fd);
        try { unlinkSync(temp); } catch { /* already gone */ }
        throw err;
    }
    closeSync(fd);
    renameSync(temp, path);
    fsyncDir(dir);
}

// Appends in one write() and fsyncs; a crash mid-way leaves at most a torn tail, which readers skip.
export function appendDurable(path: string, data: string): void {
    const fd = openSync(path, "a", 0o644);
    try {
        writeAll(fd, Buffer.from(data, "utf8"));
        if (durability.fsync) fsyncSync(fd);
    } finally {
        closeSync(fd);
    }
}
