// One writer at a time for a state directory. A lock file created with O_EXCL holds the owner's pid and
// process start time. Node has no flock(), and a native addon for it would need a compiler at install
// time; the price of a plain file is stale locks, handled here: a lock whose process is gone (or whose
// pid now belongs to another process) is removed, under a short-lived second lock so two waiters never
// both remove it and then both think they own a fresh one.
import { closeSync, lstatSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { readFileNoFollow, STATE_FILE_MODE } from "./durable-fs";

export class LockBusyError extends Error {
    constructor(readonly lockPath: string, readonly holder: string) {
        super(`another kvm-manager helper is writing (${holder}, lock ${lockPath})`);
        this.name = "LockBusyError";
    }
}

export interface HeldLock {
    path: string;
    release(): void;
}

// Field 22 of /proc/PID/stat: start time in clock ticks since boot. It tells a reused pid apart.
function processStartTime(pid: number): string | null {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        // The command name (field 2) is in parentheses and may contain spaces; count after it.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return fields[19] ?? null;
    } catch {
        return null;
    }
}

function ownerToken(): string {
    return `${process.pid} ${processStartTime(process.pid) ?? "?"}`;
}

// Also used to tell whether a lock someone else holds is still held (a backup still running).
export function isOwnerAlive(token: string): boolean {
    const [pidText, start] = token.trim().split(" ");
    const pid = Number(pidText);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    try {
        process.kill(pid, 0);
    } catch (err) {
        // EPERM: it exists but belongs to someone else, so it is alive.
        return (err as NodeJS.ErrnoException).code === "EPERM";
    }
    const now = processStartTime(pid);
    return start === undefined || start === "?" || now === null || now === start;
}

function tryCreate(path: string, content: string): boolean {
    let fd: number;
    try {
        // O_EXCL also refuses a symbolic link planted under the lock's name.
        fd = openSync(path, "wx", STATE_FILE_MODE);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
        throw err;
    }
    try {
        writeSync(fd, content);
    } finally {
        closeSync(fd);
    }
    return true;
}

function readOrNull(path: string): string | null {
    try {
        return readFileNoFollow(path).toString("utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
    }
}

function unlinkQuiet(path: string): void {
    try { unlinkSync(path); } catch { /* someone else removed it */ }
}

// The guard is held for microseconds; one left behind by a process killed in that window is old.
const GUARD_STALE_MS = 10_000;

function removeIfStale(path: string, seen: string): void {
    const guard = `${path}.steal`;
    if (!tryCreate(guard, ownerToken())) {
        try {
            if (Date.now() - lstatSync(guard).mtimeMs > GUARD_STALE_MS) unlinkQuiet(guard);
        } catch { /* gone meanwhile */ }
        return;
    }
    try {
        // Still the same dead owner? Another waiter may have replaced it with a live one meanwhile.
        if (readOrNull(path) === seen) unlinkQuiet(path);
    } finally {
        unlinkQuiet(guard);
    }
}

const sleepBuffer = new Int32Array(new SharedArrayBuffer(4));
function sleepMs(ms: number): void {
    Atomics.wait(sleepBuffer, 0, 0, ms);
}

export function acquireLock(path: string, options: { timeoutMs?: number; pollMs?: number } = {}): HeldLock {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const pollMs = options.pollMs ?? 100;
    const token = ownerToken();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        if (tryCreate(path, token)) {
            let released = false;
            return {
                path,
                release: () => {
                    if (released) return;
                    released = true;
                    if (readOrNull(path) === token) unlinkQuiet(path);
                },
            };
        }
        const holder = readOrNull(path);
        if (holder === null) continue;
        // An empty file: the owner was killed between create and write; older than a moment, it is stale.
        const emptyAndOld = holder === "" && (() => {
            try { return Date.now() - lstatSync(path).mtimeMs > 1000; } catch { return false; }
        })();
        if ((holder !== "" && !isOwnerAlive(holder)) || emptyAndOld) {
            removeIfStale(path, holder);
            if (Date.now() >= deadline) throw new LockBusyError(path, "a stale lock that could not be removed");
            sleepMs(5);
            continue;
        }
        if (Date.now() >= deadline) throw new LockBusyError(path, holder ? `pid ${holder.split(" ")[0]}` : "unknown");
        sleepMs(pollMs);
    }
}
