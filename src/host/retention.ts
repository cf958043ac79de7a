// The retention policy file and kvm-manager-retention: "Clean up now" (--now) and when the last clean-up
// ran (--status). The last clean-up time is the helper's run state under /var/lib/kvm-manager: the page
// asks the helper rather than reading that file, so the state file's format, its move from the policy
// file of older releases, and its permissions (root only) stay the helper's business.
import { RETENTION_POLICY_FILE, retentionPolicyDocument, type RetentionPolicy } from "../core/metrics/retention";
import { CONFIG_DIR, writeJsonConfig } from "./config-files";
import { runHelperJson } from "./helper-commands";

export const RETENTION_POLICY_PATH = `${CONFIG_DIR}/${RETENTION_POLICY_FILE}`;

// The part of kvm-manager-retention's JSON answer the page shows.
export interface RetentionAnswer {
    ok: boolean;
    ran?: boolean;
    reason?: string;
    error?: string;
    report?: {
        cutoffMs: number;
        totals: { files: number; rows: number; bytesFreed: number };
    } | null;
    // When the last clean-up ran (this one when it ran), ISO 8601; null: never.
    lastCleanup?: string | null;
}

// kvm-manager-retention --status --json.
export interface RetentionStatus {
    ok: true;
    lastCleanup: string | null;
    // Why the policy file cannot be used (the daily clean-up skips it), or null.
    policyProblem: string | null;
}

export async function cleanUpNow(): Promise<RetentionAnswer> {
    return runHelperJson<RetentionAnswer>(["kvm-manager-retention", "--now", "--json"]);
}

export async function readRetentionStatus(): Promise<RetentionStatus> {
    return runHelperJson<RetentionStatus>(["kvm-manager-retention", "--status", "--json"]);
}

// Writes the settings only: no lastCleanup (older releases kept it in the policy file; it is run state).
export async function saveRetentionPolicy(policy: RetentionPolicy, expectedTag: string): Promise<string> {
    return writeJsonConfig(RETENTION_POLICY_PATH, retentionPolicyDocument(policy), expectedTag);
}
