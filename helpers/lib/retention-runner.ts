// The clean-up behind kvm-manager-retention: reads the policy, decides whether it is due, prunes the
// metrics history under the writers' lock and records when it ran.
import { join } from "node:path";
import {
    DEFAULT_RETENTION_POLICY, RETENTION_POLICY_FILE, isCleanupDue, lastScheduledCleanup, retentionCutoffMs,
    validateRetentionPolicy, type RetentionPolicy,
} from "../../src/core/metrics/retention";
import { readJsonConfig, writeJsonConfig } from "./json-config";
import type { Logger } from "./log";
import type { MetricsStore, PruneReport } from "./metrics-store";

export class PolicyInvalidError extends Error {}

export interface RetentionOutcome {
    ran: boolean;
    // Why it did not run, or what it did, in words.
    reason: string;
    policy: RetentionPolicy;
    policySource: "file" | "defaults";
    report: PruneReport | null;
    // When this clean-up ran (and was recorded as the policy's lastCleanup); null when it did not.
    cleanedAt: string | null;
}

export function readRetentionPolicy(configDir: string): { policy: RetentionPolicy; source: "file" | "defaults" } {
    const read = readJsonConfig(join(configDir, RETENTION_POLICY_FILE), validateRetentionPolicy);
    if (read.kind === "invalid") throw new PolicyInvalidError(`${read.message} It was left as it is; no clean-up was done.`);
    if (read.kind === "missing") return { policy: { ...DEFAULT_RETENTION_POLICY }, source: "defaults" };
    return { policy: read.value, source: "file" };
}

// Writes lastCleanup into the policy file, keeping every other field as it is on disk now: the page
// may have saved new settings while the clean-up ran. A file that became invalid meanwhile is left alone.
function recordLastCleanup(configDir: string, at: Date, log: Logger): void {
    const path = join(configDir, RETENTION_POLICY_FILE);
    const read = readJsonConfig(path, validateRetentionPolicy);
    if (read.kind === "invalid") {
        log.warn(`${read.message} Not recording the clean-up time in it.`);
        return;
    }
    const base = read.kind === "ok" ? read.value : { ...DEFAULT_RETENTION_POLICY };
    writeJsonConfig(path, { ...base, lastCleanup: at.toISOString() });
}

export interface RetentionRunOptions {
    store: MetricsStore;
    configDir: string;
    log: Logger;
    // Run whatever the hour and the enabled flag say ("Clean up now").
    force: boolean;
    dryRun: boolean;
    now?: Date;
}

export async function runRetention(options: RetentionRunOptions): Promise<RetentionOutcome> {
    const now = options.now ?? new Date();
    const { policy, source } = readRetentionPolicy(options.configDir);
    if (!options.force && !options.dryRun) {
        if (!policy.enabled) {
            return { ran: false, reason: "clean-up is disabled in the retention policy", policy, policySource: source, report: null, cleanedAt: null };
        }
        if (!isCleanupDue(policy, now)) {
            return {
                ran: false, policy, policySource: source, report: null, cleanedAt: null,
                reason: `not due: last clean-up ${policy.lastCleanup}, scheduled daily at ${policy.cleanupHour}:00 ` +
                    `(last slot ${lastScheduledCleanup(policy, now).toISOString()})`,
            };
        }
    }
    const cutoffMs = retentionCutoffMs(policy, now.getTime());
    const lock = options.dryRun ? null : options.store.lock(60_000);
    let report: PruneReport;
    try {
        report = await options.store.prune(cutoffMs, options.dryRun);
    } finally {
        lock?.release();
    }
    if (!options.dryRun) recordLastCleanup(options.configDir, now, options.log);
    const verb = options.dryRun ? "would remove" : "removed";
    const reason = `${verb} ${report.totals.rows} samples older than ${policy.retentionDays} days ` +
        `(${new Date(cutoffMs).toISOString()}): ${report.totals.files} files deleted, ` +
        `${report.files.filter(f => f.action === "trimmed").length} trimmed, ${report.totals.bytesFreed} bytes freed`;
    return { ran: true, reason, policy, policySource: source, report, cleanedAt: options.dryRun ? null : now.toISOString() };
}
