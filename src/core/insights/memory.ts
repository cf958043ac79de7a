// Memory sizing. memoryPercent is the used memory as a share of the VM's current allocation. With the
// guest's balloon statistics it is what the guest really uses, so both too little and too much can be
// told; with only the host's RSS of the QEMU process, memory the guest touched once stays counted, so
// only "too much" is sure (even the RSS stayed low), never "too little".
import { maxOf, makeSuggestion, percentile, points, round } from "./series-stats";
import type { Suggestion, VmConfig, VmHistory } from "./types";

export const MEMORY_UNDER_P95 = 90;
export const MEMORY_CRITICAL_MAX = 98;
export const MEMORY_OVER_P95 = 40;
// A suggested size leaves the peak at about 70 % of the allocation, rounded up to 256 MiB.
const TARGET_SHARE = 0.7;
const STEP_KIB = 256 * 1024;
const MIN_KIB = 512 * 1024;
// Smaller savings than a fifth are not worth a restart.
const MIN_SAVING = 0.2;

export function memorySizeFor(usedKiB: number): number {
    return Math.max(MIN_KIB, Math.ceil(usedKiB / TARGET_SHARE / STEP_KIB) * STEP_KIB);
}

// hostMemoryKiB: never suggest more than the host has.
export function memorySuggestions(history: VmHistory, config: VmConfig, dataHours: number, hostMemoryKiB: number | null): Suggestion[] {
    const allocated = config.memoryKiB;
    const percents = points(history, "memoryPercent", "avg");
    const used = points(history, "memoryUsedKiB", "max");
    if (allocated === null || allocated <= 0 || percents.length === 0 || used.length === 0) return [];
    const p95 = percentile(percents.map(p => p.value), 95) ?? 0;
    const maxPercent = maxOf(points(history, "memoryPercent", "max")) ?? p95;
    const maxUsed = maxOf(used) ?? 0;
    const source = config.memorySource ?? "rss";
    const values = { p95Percent: round(p95), maxPercent: round(maxPercent), maxUsedKiB: Math.round(maxUsed), allocatedKiB: allocated };
    if (source === "guest" && p95 > MEMORY_UNDER_P95) {
        const p95Used = percentile(used.map(p => p.value), 95) ?? maxUsed;
        const to = Math.min(memorySizeFor(Math.max(p95Used, allocated * p95 / 100)), hostMemoryKiB ?? Number.MAX_SAFE_INTEGER);
        if (to <= allocated) return [];
        return [makeSuggestion(history, dataHours, {
            kind: "memory-under", category: "memory", severity: maxPercent >= MEMORY_CRITICAL_MAX ? "critical" : "warning",
            values, change: { kind: "memory", fromKiB: allocated, toKiB: to },
        })];
    }
    if (p95 < MEMORY_OVER_P95) {
        const to = memorySizeFor(maxUsed);
        if (to > allocated * (1 - MIN_SAVING)) return [];
        return [makeSuggestion(history, dataHours, {
            kind: "memory-over", category: "memory", severity: "info", values: { ...values, guestFigures: source === "guest" ? 1 : 0 },
            change: { kind: "memory", fromKiB: allocated, toKiB: to },
        })];
    }
    return [];
}
