// The clean-up behind kvm-manager-retention: reads the policy, decides whether it is due, prunes the
// metrics history under the writers' lock and records when it ran in its state file. The policy file in
// /etc is the administrator's: it is only ever read here.
import { join } from "node:path";
import {
    DEFAULT_RETENTION_POLICY, RETENTION_POLICY_FILE, RETENTION_STATE_FILE, isCleanupDue, lastScheduledCleanup, retentionCutoffMs,
    validateRetentionPolicy, validateRetentionState, type RetentionPolicy,
} from "../../src/core/metrics/retention";
import { writeFileAtomic } from "./durable-fs";
import { readJsonConfig } from "./json-config";
import type { Logger } from "./log";
import type { MetricsStore, PruneReport } from "./metrics-store";

export class PolicyInvalidError extends Error {
    // What is wrong with the file, without what the clean-up made of it.
    readonly problem: string;

    constructor(problem: string) {
        super(`${problem} It was left as it is; no clean-up was done.`);
        this.problem = problem;
    }
}

export interface RetentionOutcome {
    ran: boolean;
    // Why it did not run, or what it did, in words.
    reason: string;
    policy: RetentionPolicy;
    policySource: "file" | "defaults";
    report: PruneReport | null;
    // When this clean-up ran (and was recorded in the state file); null when it did not.
    cleanedAt: string | null;
    // The last clean-up after this run: cleanedAt, or the one before.
    lastCleanup: string | null;
}

export function readRetentionPolicy(configDir: string): { policy: RetentionPolicy; source: "file" | "defaults" } {
    const read = readJsonConfig(join(configDir, RETENTION_POLICY_FILE), validateRetentionPolicy);
    if (read.kind === "invalid") throw new PolicyInvalidError(read.message);
    if (read.kind === "missing") return { policy: { ...DEFAULT_RETENTION_POLICY }, source: "defaults" };
    return { policy: read.value, source: "file" };
}

export interface LastCleanup {
    lastCleanup: string | null;
    // "policy": not yet moved from a policy file written by an older release.
    source: "state" | "policy" | "none";
}

// The state file's lastCleanup; before the first run of this release, the one older releases wrote into
// the policy (legacyFromPolicy). A damaged state file is the helpers' own: reported, then replaced at
// the next clean-up.
export function readLastCleanup(stateDir: string, legacyFromPolicy: string | null, log: Logger): LastCleanup {
    const read = readJsonConfig(join(stateDir, RETENTION_STATE_FILE), validateRetentionState, { followSymlinks: false });
    if (read.kind === "ok") return { lastCleanup: read.value.lastCleanup, source: read.value.lastCleanup ? "state" : "none" };
    if (read.kind === "invalid") {
        log.warn(`${read.message} The next clean-up replaces it.`);
        return { lastCleanup: null, source: "none" };
    }
    return legacyFromPolicy ? { lastCleanup: legacyFromPolicy, source: "policy" } : { lastCleanup: null, source: "none" };
}

function writeLastCleanup(stateDir: string, at: string): void {
    writeFileAtomic(join(stateDir, RETENTION_STATE_FILE), JSON.stringify({ lastCleanup: at }, null, 2) + "\n", 0o600);
}

export interface RetentionRunOptions {
    store: MetricsStore;
    configDir: string;
    // Where the state file lives (the store's parent: /var/lib/kvm-manager).
    stateDir: string;
    log: Logger;
    // Run whatever the hour and the enabled flag say ("Clean up now").
    force: boolean;
    dryRun: boolean;
    now?: Date;
}

export async function runRetention(options: RetentionRunOptions): Promise<RetentionOutcome> {
    const now = options.now ?? new Date();
    const { log, stateDir } = options;
    const { policy, source } = readRetentionPolicy(options.configDir);
    const last = readLastCleanup(stateDir, policy.lastCleanup, log);
    if (last.source === "policy" && last.lastCleanup && !options.dryRun) {
        // The move from /etc: the state file gets the time, the policy file stays byte for byte as it is
        // (its lastCleanup is ignored from now on).
        writeLastCleanup(stateDir, last.lastCleanup);
        log.info(`moved the last clean-up time from ${join(options.configDir, RETENTION_POLICY_FILE)} to ${join(stateDir, RETENTION_STATE_FILE)}`);
    }
    const notRun = (reason: string): RetentionOutcome =>
        ({ ran: false, reason, policy, policySource: source, report: null, cleanedAt: null, lastCleanup: last.lastCleanup });
    if (!options.force && !options.dryRun) {
        if (!policy.enabled) return notRun("clean-up is disabled in the retention policy");
        if (!isCleanupDue(policy, last.lastCleanup, now)) {
            return notRun(`not due: last clean-up ${last.lastCleanup}, scheduled daily at ${policy.cleanupHour}:00 ` +
                `(last slot ${lastScheduledCleanup(policy, now).toISOString()})`);
        }
    }
    const cutoffMs = retentionCutoffMs(policy, now.getTime());
    const lock = options.dryRun ? null : options.store.lock(60_000);
    let report: PruneReport;
    try {
        report = await options.store.prune(cutoffMs, options.dryRun);
        if (!options.dryRun) writeLastCleanup(stateDir, now.toISOString());
    } finally {
        lock?.release();
    }
    const verb = options.dryRun ? "would remove" : "removed";
    const reason = `${verb} ${report.totals.rows} samples older than ${policy.retentionDays} days ` +
        `(${new Date(cutoffMs).toISOString()}): ${report.totals.files} files deleted, ` +
        `${report.files.filter(f => f.action === "trimmed").length} trimmed, ${report.totals.bytesFreed} bytes freed`;
    const cleanedAt = options.dryRun ? null : now.toISOString();
    return { ran: true, reason, policy, policySource: source, report, cleanedAt, lastCleanup: cleanedAt ?? last.lastCleanup };
}
