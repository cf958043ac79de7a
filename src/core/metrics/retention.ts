// The retention policy (/etc/kvm-manager/retention.json), the clean-up's run state and what a clean-up
// removes. Pure: the page's Settings form validates with the same function the retention helper uses
// before it acts.
//
// Hand-written validation rather than a schema library: three settings, and the Settings form wants one
// message per field in words a person understands; a library would add weight to the page bundle for
// no gain here.
import { DAY_MS, tierById, type TierId } from "./tiers";
import type { ValidationError, ValidationResult } from "./validation";

export type { ValidationError, ValidationResult } from "./validation";

export interface RetentionPolicy {
    // false: the daily clean-up does nothing ("Clean up now" still works). Every tier still keeps at
    // most its own length (see tiers.ts), so history never grows without bound.
    enabled: boolean;
    // Metrics older than this many days are removed by the clean-up, whatever the tier.
    retentionDays: number;
    // Hour of the day, host local time, from which the clean-up is due.
    cleanupHour: number;
    // Legacy: releases before the state file wrote the last clean-up time here. It is read only to move
    // it into RETENTION_STATE_FILE, is never written, and a malformed value is ignored (null).
    lastCleanup: string | null;
}

export const RETENTION_DAYS_MIN = 1;
export const RETENTION_DAYS_MAX = 365;

export const DEFAULT_RETENTION_POLICY: RetentionPolicy = {
    enabled: true,
    // As long as the coarsest tier goes: by default the clean-up removes nothing the tiers keep.
    retentionDays: 365,
    cleanupHour: 3,
    lastCleanup: null,
};

export const RETENTION_POLICY_FILE = "retention.json";

// Run state of the clean-up, under the helpers' state directory (/var/lib/kvm-manager): configuration
// stays in /etc and is written only when the administrator saves it.
export const RETENTION_STATE_FILE = "retention-state.json";

export type RetentionField = keyof RetentionPolicy;

// What the policy file holds when KVM Manager writes it.
export type RetentionPolicyDocument = Pick<RetentionPolicy, "enabled" | "retentionDays" | "cleanupHour">;

const SETTINGS: readonly (keyof RetentionPolicyDocument)[] = ["enabled", "retentionDays", "cleanupHour"];

export function retentionPolicyDocument(policy: RetentionPolicy): RetentionPolicyDocument {
    return { enabled: policy.enabled, retentionDays: policy.retentionDays, cleanupHour: policy.cleanupHour };
}

export function isIsoTime(value: unknown): value is string {
    return typeof value === "string" &&
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value) && !Number.isNaN(Date.parse(value));
}

function editDistance(a: string, b: string): number {
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
        previous = current;
    }
    return previous[b.length];
}

// A key is file content, and a policy path may point anywhere (a symlink to a file of secrets): it is
// named only when it is a near miss of a known setting, where naming it is the whole help.
function unknownKeyMessages(keys: string[]): string[] {
    const known = SETTINGS.join(", ");
    const messages: string[] = [];
    let unnamed = 0;
    for (const key of keys) {
        const near = SETTINGS.find(s => key.toLowerCase() === s.toLowerCase() || (key.length >= 4 && editDistance(key, s) <= 2));
        if (near) messages.push(`Unknown setting "${key}": did you mean "${near}"?`);
        else unnamed++;
    }
    if (unnamed === 1) messages.push(`The file has a setting that is not one of ${known}.`);
    if (unnamed > 1) messages.push(`The file has ${unnamed} settings that are not among ${known}.`);
    return messages;
}

// Missing fields take their defaults, so a hand-written {"retentionDays": 30} is a valid policy. Unknown
// keys are refused: a misspelt "retentiondays" silently ignored would keep a year of data. No message
// quotes a value from the file.
export function validateRetentionPolicy(input: unknown): ValidationResult<RetentionPolicy> {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
        return { ok: false, errors: [{ field: null, message: "The retention policy must be a JSON object." }] };
    }
    const obj = input as Record<string, unknown>;
    const errors: ValidationError[] = unknownKeyMessages(
        Object.keys(obj).filter(key => key !== "lastCleanup" && !(SETTINGS as readonly string[]).includes(key)),
    ).map(message => ({ field: null, message }));
    const policy: RetentionPolicy = { ...DEFAULT_RETENTION_POLICY };
    if ("enabled" in obj) {
        if (typeof obj.enabled === "boolean") policy.enabled = obj.enabled;
        else errors.push({ field: "enabled", message: "\"enabled\" must be true or false." });
    }
    if ("retentionDays" in obj) {
        const d = obj.retentionDays;
        if (typeof d === "number" && Number.isInteger(d) && d >= RETENTION_DAYS_MIN && d <= RETENTION_DAYS_MAX) {
            policy.retentionDays = d;
        } else {
            errors.push({
                field: "retentionDays",
                message: `Retention must be a whole number of days from ${RETENTION_DAYS_MIN} to ${RETENTION_DAYS_MAX}.`,
            });
        }
    }
    if ("cleanupHour" in obj) {
        const h = obj.cleanupHour;
        if (typeof h === "number" && Number.isInteger(h) && h >= 0 && h <= 23) policy.cleanupHour = h;
        else errors.push({ field: "cleanupHour", message: "The clean-up hour must be a whole number from 0 to 23." });
    }
    if (isIsoTime(obj.lastCleanup)) policy.lastCleanup = obj.lastCleanup;
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value: policy };
}

export interface RetentionState {
    // When the last clean-up ran (ISO 8601); null: never.
    lastCleanup: string | null;
}

export function validateRetentionState(input: unknown): ValidationResult<RetentionState> {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
        return { ok: false, errors: [{ field: null, message: "The retention state must be a JSON object." }] };
    }
    const t = (input as Record<string, unknown>).lastCleanup;
    if (t === null || t === undefined) return { ok: true, value: { lastCleanup: null } };
    if (isIsoTime(t)) return { ok: true, value: { lastCleanup: t } };
    return { ok: false, errors: [{ field: "lastCleanup", message: "The last clean-up time must be an ISO 8601 time or null." }] };
}

// The most recent cleanupHour:00 (host local time) at or before now.
export function lastScheduledCleanup(policy: RetentionPolicy, now: Date): Date {
    const at = new Date(now.getTime());
    at.setHours(policy.cleanupHour, 0, 0, 0);
    if (at.getTime() > now.getTime()) at.setDate(at.getDate() - 1);
    return at;
}

// The retention timer fires hourly; the clean-up runs once the policy's hour has come and no clean-up
// has run since (lastCleanup, from the state file). A host that was off at that hour catches up at its
// next hourly run.
export function isCleanupDue(policy: RetentionPolicy, lastCleanup: string | null, now: Date): boolean {
    if (!policy.enabled) return false;
    if (lastCleanup === null) return true;
    const last = Date.parse(lastCleanup);
    return Number.isNaN(last) || last < lastScheduledCleanup(policy, now).getTime();
}

export function retentionCutoffMs(policy: Pick<RetentionPolicy, "retentionDays">, nowMs: number): number {
    return nowMs - policy.retentionDays * DAY_MS;
}

// A file of one tier covering [startMs, endMs).
export interface SegmentRef {
    tier: TierId;
    startMs: number;
    endMs: number;
}

export interface PruneSelection<S extends SegmentRef> {
    // Wholly older than the cutoff: the file goes.
    remove: S[];
    // Straddling the cutoff: the rows whose buckets ended by the cutoff go, the file stays.
    trim: S[];
}

// What the clean-up removes for the policy's cutoff.
export function selectSegmentsToPrune<S extends SegmentRef>(segments: readonly S[], cutoffMs: number): PruneSelection<S> {
    const remove: S[] = [];
    const trim: S[] = [];
    for (const s of segments) {
        if (s.endMs <= cutoffMs) remove.push(s);
        else if (s.startMs < cutoffMs) trim.push(s);
    }
    return { remove, trim };
}

// Files past their own tier's length; the collector drops them as it goes, whatever the policy says.
export function selectExpiredSegments<S extends SegmentRef>(segments: readonly S[], nowMs: number): S[] {
    return segments.filter(s => s.endMs <= nowMs - tierById(s.tier).keepMs);
}

// Whether a row of a trimmed file goes: its bucket ended at or before the cutoff.
export function isRowExpired(tier: TierId, tsMs: number, cutoffMs: number): boolean {
    return tsMs + tierById(tier).stepMs <= cutoffMs;
}
