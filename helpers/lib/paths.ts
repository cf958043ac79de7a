// Where helpers keep state and read configuration, and whether a state directory can be trusted.
// Overridable so tests and benchmarks run in a temporary directory: a --state-dir / --config-dir flag
// wins over the environment, which wins over the defaults.
import { chmodSync, lstatSync, mkdirSync, type Stats } from "node:fs";
import { join } from "node:path";
import { STATE_DIR_MODE } from "./durable-fs";

export const DEFAULT_STATE_DIR = "/var/lib/kvm-manager";
export const DEFAULT_CONFIG_DIR = "/etc/kvm-manager";
export const DEFAULT_LIBVIRT_URI = "qemu:///system";

export function resolveStateDir(flag?: string): string {
    return flag || process.env.KVM_MANAGER_STATE_DIR || DEFAULT_STATE_DIR;
}

export function resolveConfigDir(flag?: string): string {
    return flag || process.env.KVM_MANAGER_CONFIG_DIR || DEFAULT_CONFIG_DIR;
}

export function resolveLibvirtUri(flag?: string): string {
    return flag || process.env.KVM_MANAGER_LIBVIRT_URI || process.env.LIBVIRT_DEFAULT_URI || DEFAULT_LIBVIRT_URI;
}

export function metricsDir(stateDir: string): string {
    return join(stateDir, "metrics");
}

// A state directory the helper must not use: someone else could swap or plant files in it.
export class UnsafeStateDirError extends Error {
    // The helpers' --json answers carry it as their error code.
    readonly code = "unsafe-state-dir";

    constructor(readonly dir: string, reason: string, fix: string) {
        super(`refusing to use ${dir}: ${reason} (${fix})`);
        this.name = "UnsafeStateDirError";
    }
}

function lstatOrNull(dir: string): Stats | null {
    try {
        return lstatSync(dir);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
    }
}

function euid(): number {
    return process.geteuid?.() ?? 0;
}

function octal(mode: number): string {
    return `0${(mode & 0o7777).toString(8)}`;
}

// What a writer (owner: the user the helper runs as) or a reader (also: root's directory read by
// another user the directory's group lets in) accepts; throws UnsafeStateDirError otherwise.
function assertTrusted(dir: string, st: Stats, forWriter: boolean): void {
    if (st.isSymbolicLink()) throw new UnsafeStateDirError(dir, "it is a symbolic link", "replace it with a directory");
    if (!st.isDirectory()) throw new UnsafeStateDirError(dir, "it is not a directory", "move it away");
    const me = euid();
    if (st.uid !== me && (forWriter || st.uid !== 0)) {
        throw new UnsafeStateDirError(dir, `it belongs to uid ${st.uid}, not to uid ${me} that runs this helper`,
            `chown ${me} ${dir}, or remove it`);
    }
    if ((st.mode & 0o022) !== 0) {
        throw new UnsafeStateDirError(dir, `other users can write to it (mode ${octal(st.mode)})`, `chmod 700 ${dir}`);
    }
}

// For a helper that writes state: creates the directory (0700, parents too) when missing, refuses one
// that is a link, belongs to another user or that others can write, and takes read access away from
// others where an earlier version left it (0755 to 0700). Returns whether it changed the mode.
export function ensureStateDir(dir: string): { created: boolean; tightened: boolean } {
    let st = lstatOrNull(dir);
    let created = false;
    if (!st) {
        mkdirSync(dir, { recursive: true, mode: STATE_DIR_MODE });
        created = true;
        st = lstatSync(dir);
    }
    assertTrusted(dir, st, true);
    if ((st.mode & 0o077) !== 0) {
        chmodSync(dir, STATE_DIR_MODE);
        return { created, tightened: true };
    }
    return { created, tightened: false };
}

// For a reader: the same checks, nothing changed. false when the directory does not exist (yet).
export function checkStateDir(dir: string): boolean {
    const st = lstatOrNull(dir);
    if (!st) return false;
    assertTrusted(dir, st, false);
    return true;
}
