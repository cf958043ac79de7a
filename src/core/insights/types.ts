// What the insights rules read and answer. The rules are pure: they see one VM's history in the
// format kvm-manager-history answers (HistoryResponse: avg and max per bucket, nulls for gaps), the
// VM's configured size, and nothing else.
import type { HistoryResponse } from "../metrics/history";

export type Severity = "critical" | "warning" | "info";
export const SEVERITIES: readonly Severity[] = ["critical", "warning", "info"];

export type Category = "cpu" | "memory" | "trend" | "io";
export const CATEGORIES: readonly Category[] = ["cpu", "memory", "trend", "io"];

export type SuggestionKind =
    | "cpu-low" | "cpu-high" | "cpu-spikes"
    | "memory-over" | "memory-under"
    | "trend-cpu" | "trend-memory"
    | "io-disk" | "io-network";

// A VM's size as libvirt has it: for a running VM the live figures, else the persistent definition.
export interface VmConfig {
    name: string;
    active: boolean;
    vcpus: number | null;
    maxVcpus: number | null;
    // KiB.
    memoryKiB: number | null;
    maxMemoryKiB: number | null;
    // Where the used-memory figures come from now: the guest's balloon statistics, or only the
    // host's RSS of the QEMU process (which says little about what the guest needs).
    memorySource: "guest" | "rss" | null;
}

export type VmHistory = Pick<HistoryResponse, "vm" | "stepMs" | "startMs" | "endMs" | "timestamps" | "series" | "samples">;

// A change the page can apply with one click; everything else is advice.
export type SizeChange =
    | { kind: "vcpus"; from: number; to: number }
    | { kind: "memory"; fromKiB: number; toKiB: number };

export interface Suggestion {
    // Stable across refreshes: VM and kind.
    id: string;
    vm: string;
    kind: SuggestionKind;
    category: Category;
    severity: Severity;
    // The numbers behind the suggestion (units in their names: Percent, KiB, Bps, Ms) and the range
    // they come from.
    evidence: {
        startMs: number;
        endMs: number;
        dataHours: number;
        values: Record<string, number>;
    };
    change: SizeChange | null;
}

export interface Coverage {
    dataHours: number;
    requiredHours: number;
    enough: boolean;
}
