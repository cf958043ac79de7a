// "Clean up now": runs kvm-manager-retention --now and reads its --json answer.
import { runHelperJson } from "./helper-commands";

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
}

export async function cleanUpNow(): Promise<RetentionAnswer> {
    return runHelperJson<RetentionAnswer>(["kvm-manager-retention", "--now", "--json"]);
}
