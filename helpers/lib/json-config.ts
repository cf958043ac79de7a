// Small JSON files the helpers read: the policy under /etc/kvm-manager (the administrator's, never
// written here) and the helpers' own state under /var/lib/kvm-manager. Read with care: the path may be
// a FIFO (a plain open would wait for a writer forever), a device, a directory, a huge file, or a symlink
// to a file of secrets; messages say what is wrong and where, never what the file says.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type BigIntStats, type Stats } from "node:fs";
import { describeJsonSyntaxError, parseJsonText } from "../../src/core/json-text";
import type { ValidationError, ValidationResult } from "../../src/core/metrics/validation";

// Far above any policy or state file; a path that points at something bigger is not one.
export const CONFIG_MAX_BYTES = 64 * 1024;

export type ConfigRead<T> =
    | { kind: "missing" }
    | { kind: "invalid"; message: string; errors: ValidationError[] }
    | { kind: "ok"; value: T; text: string };

export type ConfigText = { kind: "missing" } | { kind: "unusable"; message: string } | { kind: "text"; text: string };

export interface ReadConfigOptions {
    // false for the helpers' own state: a symlink there is refused, not followed.
    followSymlinks?: boolean;
}

// How a file that is not a regular file is named in messages (the page says the same).
export function fileKind(stats: Stats): string {
    if (stats.isFIFO()) return "a named pipe (FIFO)";
    if (stats.isDirectory()) return "a directory";
    if (stats.isCharacterDevice()) return "a character device";
    if (stats.isBlockDevice()) return "a block device";
    if (stats.isSocket()) return "a socket";
    return "not a regular file";
}

// What a careful read of a small file found. Other errors (EACCES on open, EIO) are thrown.
export type CarefulRead =
    | { kind: "missing" }
    | { kind: "not-regular"; stats: Stats }
    | { kind: "symlink-loop" }
    | { kind: "too-large"; stats: BigIntStats }
    | { kind: "not-utf8"; stats: BigIntStats }
    // stats: taken after the read, so an edit in place during it shows in a later mtime.
    | { kind: "text"; text: string; stats: BigIntStats };

/**
 * Reads a small regular file without ever blocking or following what it must not: stat first, so a
 * device is never even opened (opening some has side effects); then a non-blocking open and fstat,
 * which catches a file swapped in between; at most maxBytes are read, and the text must be UTF-8.
 */
export function readRegularFile(path: string, { followSymlinks, maxBytes }: { followSymlinks: boolean; maxBytes: number }):
    CarefulRead {
    try {
        const before = followSymlinks ? statSync(path) : lstatSync(path);
        if (!before.isFile()) return { kind: "not-regular", stats: before };
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return { kind: "missing" };
        if (code === "ELOOP") return { kind: "symlink-loop" };
        // Without search permission on the way the open below says what is wrong.
        if (code !== "EACCES") throw err;
    }
    let fd: number;
    try {
        fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY | (followSymlinks ? 0 : constants.O_NOFOLLOW));
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return { kind: "missing" };
        if (code === "ELOOP") return followSymlinks ? { kind: "symlink-loop" } : { kind: "not-regular", stats: lstatSync(path) };
        throw err;
    }
    try {
        const stats = fstatSync(fd, { bigint: true });
        if (!stats.isFile()) return { kind: "not-regular", stats: fstatSync(fd) };
        if (stats.size > BigInt(maxBytes)) return { kind: "too-large", stats };
        const buffer = Buffer.alloc(maxBytes + 1);
        let length = 0;
        for (;;) {
            const got = readSync(fd, buffer, length, buffer.length - length, null);
            if (got === 0) break;
            length += got;
            if (length > maxBytes) return { kind: "too-large", stats };
        }
        const after = fstatSync(fd, { bigint: true });
        try {
            return { kind: "text", text: new TextDecoder("utf-8", { fatal: true }).decode(buffer.subarray(0, length)), stats: after };
        } catch {
            return { kind: "not-utf8", stats: after };
        }
    } finally {
        closeSync(fd);
    }
}

export function readConfigText(path: string, { followSymlinks = true }: ReadConfigOptions = {}): ConfigText {
    const read = readRegularFile(path, { followSymlinks, maxBytes: CONFIG_MAX_BYTES });
    switch (read.kind) {
    case "missing": return read;
    case "text": return { kind: "text", text: read.text };
    case "symlink-loop": return { kind: "unusable", message: `${path} is a loop of symbolic links; it was not read.` };
    case "not-utf8": return { kind: "unusable", message: `${path} is not UTF-8 text; it was not read.` };
    case "too-large":
        return { kind: "unusable", message: `${path} is larger than ${CONFIG_MAX_BYTES / 1024} KiB, far too large for this file; it was not read.` };
    case "not-regular":
        return read.stats.isSymbolicLink()
            ? { kind: "unusable", message: `${path} is a symbolic link, which is not followed here; it was not read.` }
            : { kind: "unusable", message: `${path} is ${fileKind(read.stats)}, not a regular file; it was not read.` };
    }
}

export function readJsonConfig<T>(path: string, validate: (input: unknown) => ValidationResult<T>,
    options: ReadConfigOptions = {}): ConfigRead<T> {
    const read = readConfigText(path, options);
    if (read.kind === "missing") return read;
    if (read.kind === "unusable") return { kind: "invalid", message: read.message, errors: [] };
    const parsed = parseJsonText(read.text);
    if (!parsed.ok) {
        return { kind: "invalid", message: `${path} is not valid JSON: ${describeJsonSyntaxError(parsed.error)}.`, errors: [] };
    }
    const result = validate(parsed.value);
    if (!result.ok) {
        return { kind: "invalid", message: `${path} is not valid: ${result.errors.map(e => e.message).join(" ")}`, errors: result.errors };
    }
    return { kind: "ok", value: result.value, text: read.text };
}
