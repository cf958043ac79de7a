// JSON configuration under /etc/kvm-manager, read and written through cockpit.file. Writes are atomic
// (cockpit replaces the file by rename) and carry the tag of what was read, so a change made meanwhile
// elsewhere is a conflict, not silently lost. A damaged file is reported, never replaced by defaults.
import cockpit from "../lib/cockpit";
import type { ValidationError, ValidationResult } from "../core/metrics/validation";

export const CONFIG_DIR = "/etc/kvm-manager";

export type ConfigRead<T> =
    | { kind: "missing"; tag: string }
    | { kind: "ok"; value: T; tag: string }
    | { kind: "invalid"; message: string; errors: ValidationError[]; tag: string };

export async function readJsonConfig<T>(path: string, validate: (input: unknown) => ValidationResult<T>): Promise<ConfigRead<T>> {
    const file = cockpit.file(path, { superuser: "try" });
    try {
        const { text, tag } = await new Promise<{ text: string | null; tag: string }>((resolve, reject) => {
            file.read().then((content, fileTag) => resolve({ text: content, tag: fileTag }), reject);
        });
        if (text === null) return { kind: "missing", tag };
        let parsed: unknown;
        try {
            parsed = JSON.parse(text);
        } catch (error) {
            return {
                kind: "invalid", tag, errors: [],
                message: cockpit.format(cockpit.gettext("$0 is not valid JSON: $1"), path, (error as Error).message),
            };
        }
        const result = validate(parsed);
        if (!result.ok) {
            return {
                kind: "invalid", tag, errors: result.errors,
                message: cockpit.format(cockpit.gettext("$0 has settings that are not valid"), path),
            };
        }
        return { kind: "ok", value: result.value, tag };
    } finally {
        file.close();
    }
}

export async function writeJsonConfig(path: string, value: unknown, expectedTag: string): Promise<string> {
    await cockpit.spawn(["mkdir", "-p", CONFIG_DIR], { superuser: "require", err: "message" });
    const file = cockpit.file(path, { superuser: "require" });
    try {
        return await file.replace(JSON.stringify(value, null, 2) + "\n", expectedTag);
    } finally {
        file.close();
    }
}

// Calls onChange whenever the file changes on disk (written by a helper, by hand, or by another browser).
export function watchConfigFile(path: string, onChange: () => void): () => void {
    const file = cockpit.file(path, { superuser: "try" });
    let first = true;
    const watch = file.watch(() => {
        // watch() reports the current content once at the start; only later calls are changes.
        if (first) first = false;
        else onChange();
    });
    return () => {
        watch.remove();
        file.close();
    };
}
