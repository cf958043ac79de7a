// JSON files under /etc/kvm-manager/: read and validated with core's validators, written atomically.
// A file that does not validate is reported and left exactly as it is, never replaced by defaults.
import { readFileSync } from "node:fs";
import type { ValidationError, ValidationResult } from "../../src/core/metrics/validation";
import { writeFileAtomic } from "./durable-fs";

export type ConfigRead<T> =
    | { kind: "missing" }
    | { kind: "invalid"; message: string; errors: ValidationError[] }
    | { kind: "ok"; value: T; text: string };

export function readJsonConfig<T>(path: string, validate: (input: unknown) => ValidationResult<T>): ConfigRead<T> {
    let text: string;
    try {
        text = readFileSync(path, "utf8");
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
        throw err;
    }
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (err) {
        return { kind: "invalid", message: `${path} is not valid JSON: ${(err as Error).message}`, errors: [] };
    }
    const result = validate(parsed);
    if (!result.ok) {
        return { kind: "invalid", message: `${path} is not valid: ${result.errors.map(e => e.message).join(" ")}`, errors: result.errors };
    }
    return { kind: "ok", value: result.value, text };
}

export function writeJsonConfig(path: string, value: unknown): void {
    writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n", 0o644);
}
