// JSON configuration under /etc/kvm-manager, read and written through cockpit.file. Writes are atomic
// (cockpit replaces the file by rename) and carry the tag of what was read, so a change made meanwhile
// elsewhere is a conflict, not silently lost. A damaged file is reported, never replaced by defaults.
//
// The path is checked before cockpit.file touches it: the bridge opens a file to read it with a plain
// blocking open(), so a FIFO there would hang the whole bridge, and with it every other channel of the
// session (the VM list too). And a parse error never quotes the text: the path may be a symlink to a
// file of secrets.
import cockpit, { type SpawnError, _ } from "../lib/cockpit";
import { parseJsonText, type JsonSyntaxProblem } from "../core/json-text";
import type { ValidationError, ValidationResult } from "../core/metrics/validation";

export const CONFIG_DIR = "/etc/kvm-manager";

// The helpers read these files with the same limit (helpers/lib/json-config.ts).
export const CONFIG_MAX_BYTES = 64 * 1024;

export type ConfigRead<T> =
    | { kind: "missing"; tag: string }
    | { kind: "ok"; value: T; tag: string }
    | { kind: "invalid"; message: string; errors: ValidationError[]; tag: string };

// The path is there but is not something to read or replace as a configuration file (a FIFO, a
// directory, a device, far too large) or could not be checked. It is left exactly as it is.
export class ConfigFileError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigFileError";
    }
}

type PathKind = { kind: "missing" } | { kind: "regular"; size: number } | { kind: "other"; description: string };

// st_mode's file type bits (S_IFMT) as `stat --printf=%f` prints them, in hex.
const S_IFMT = 0o170000;
const FILE_TYPES: Record<number, () => string> = {
    0o010000: () => _("a named pipe (FIFO)"),
    0o020000: () => _("a character device"),
    0o040000: () => _("a directory"),
    0o060000: () => _("a block device"),
    0o140000: () => _("a socket"),
};

async function checkPath(path: string): Promise<PathKind> {
    let output: string;
    try {
        // -L: a symlink to a regular file is fine to read; what it points to is what counts.
        output = await cockpit.spawn(["stat", "-L", "--printf=%f %s", "--", path],
            { superuser: "try", err: "message", environ: ["LC_ALL=C"] });
    } catch (error) {
        const spawnError = error as SpawnError;
        if (spawnError.exit_status === 1 && spawnError.message.includes("No such file or directory")) return { kind: "missing" };
        throw new ConfigFileError(cockpit.format(_("$0 could not be checked: $1"), path, spawnError.message));
    }
    const [modeHex, sizeText] = output.trim().split(" ");
    const type = parseInt(modeHex, 16) & S_IFMT;
    if (type === 0o100000) return { kind: "regular", size: Number(sizeText) };
    return { kind: "other", description: (FILE_TYPES[type] ?? (() => _("not a regular file")))() };
}

// The page's own words for core's JSON syntax problems (core's are English, for logs).
export function jsonProblemText(problem: JsonSyntaxProblem): string {
    switch (problem) {
    case "empty": return _("the file is empty");
    case "unexpected-character": return _("unexpected character");
    case "unexpected-end": return _("the text ends before the JSON is complete");
    case "unterminated-string": return _("a string is not closed on its line");
    case "control-character-in-string": return _("a control character inside a string");
    case "invalid-escape": return _("an invalid escape sequence in a string");
    case "invalid-number": return _("an invalid number");
    case "trailing-content": return _("more text after the end of the JSON value");
    }
}

// Throws ConfigFileError for a path that is not a regular file of a sensible size.
async function requireRegularFile(path: string): Promise<void> {
    const found = await checkPath(path);
    if (found.kind === "other") {
        throw new ConfigFileError(cockpit.format(
            _("$0 is $1, not a regular file. It was not read, and is left as it is."), path, found.description));
    }
    if (found.kind === "regular" && found.size > CONFIG_MAX_BYTES) {
        throw new ConfigFileError(cockpit.format(
            _("$0 is larger than $1 KiB, far too large for this file. It was not read, and is left as it is."),
            path, CONFIG_MAX_BYTES / 1024));
    }
}

// Rejects with a ConfigFileError when the path is no regular file (see requireRegularFile).
export async function readJsonConfig<T>(path: string, validate: (input: unknown) => ValidationResult<T>): Promise<ConfigRead<T>> {
    await requireRegularFile(path);
    const file = cockpit.file(path, { superuser: "try", max_read_size: CONFIG_MAX_BYTES });
    try {
        const { text, tag } = await new Promise<{ text: string | null; tag: string }>((resolve, reject) => {
            file.read().then((content, fileTag) => resolve({ text: content, tag: fileTag }), reject);
        });
        if (text === null) return { kind: "missing", tag };
        const parsed = parseJsonText(text);
        if (!parsed.ok) {
            return {
                kind: "invalid", tag, errors: [],
                message: cockpit.format(_("$0 is not valid JSON: $1 at line $2, column $3"),
                    path, jsonProblemText(parsed.error.problem), parsed.error.line, parsed.error.column),
            };
        }
        const result = validate(parsed.value);
        if (!result.ok) {
            return {
                kind: "invalid", tag, errors: result.errors,
                message: cockpit.format(_("$0 has settings that are not valid"), path),
            };
        }
        return { kind: "ok", value: result.value, tag };
    } finally {
        file.close();
    }
}

// Something that is not a regular file at the path (a FIFO an admin put there) is never replaced:
// rejects with a ConfigFileError and leaves it.
export async function writeJsonConfig(path: string, value: unknown, expectedTag: string): Promise<string> {
    await cockpit.spawn(["mkdir", "-p", CONFIG_DIR], { superuser: "require", err: "message" });
    const found = await checkPath(path);
    if (found.kind === "other") {
        throw new ConfigFileError(cockpit.format(
            _("$0 is $1, not a regular file, and is not replaced. Remove it first if a policy file should be there."),
            path, found.description));
    }
    const file = cockpit.file(path, { superuser: "require" });
    try {
        return await file.replace(JSON.stringify(value, null, 2) + "\n", expectedTag);
    } finally {
        file.close();
    }
}

// The slice of cockpit's channel API a file watch needs; src/lib/cockpit.ts types only the higher-level
// calls, and cockpit.file().watch() cannot be used here: it reads the file at once, and a blocking read
// of a FIFO hangs the bridge.
interface WatchChannel {
    addEventListener(event: "message", listener: (event: Event, data: string) => void): void;
    close(problem?: string): void;
}

interface ChannelOpener {
    channel(options: { payload: "fswatch1"; path: string; superuser: "try" }): WatchChannel;
}

// Calls onChange whenever the file changes on disk (written by a helper, by hand, or by another browser).
// Only the bridge's inotify watch (fswatch1) is used: it never opens the file.
export function watchConfigFile(path: string, onChange: () => void): () => void {
    const channel = (cockpit as unknown as ChannelOpener).channel({ payload: "fswatch1", path, superuser: "try" });
    let lastTag: string | null = null;
    channel.addEventListener("message", (_event, data) => {
        let message: { path?: string; tag?: string } | null;
        try {
            message = JSON.parse(data) as { path?: string; tag?: string };
        } catch {
            message = null;
        }
        // One write shows as several events (changed, changed, done-hint) with one tag: one call.
        if (message?.path !== path || !message.tag || message.tag === lastTag) return;
        lastTag = message.tag;
        onChange();
    });
    return () => channel.close();
}
