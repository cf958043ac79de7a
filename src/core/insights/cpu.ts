// vCPU sizing from the CPU history. cpuPercent is a share of the VM's own vCPUs (100 % = all of them
// busy), so the vCPUs a VM needs are vcpus * p95 / TARGET_PERCENT: enough that its busy times run at
// about 60 %, which leaves room for peaks without paying for idle vCPUs.
import { maxOf, makeSuggestion, percentile, points, round, weightedMean } from "./series-stats";
import type { Suggestion, VmConfig, VmHistory } from "./types";

export const CPU_LOW_P95 = 20;
export const CPU_HIGH_P95 = 80;
export const CPU_CRITICAL_P95 = 95;
export const CPU_SPIKE_MAX = 90;
export const CPU_SPIKE_MEAN = 30;
const TARGET_PERCENT = 60;

export function vcpusNeeded(vcpus: number, p95: number): number {
    return Math.max(1, Math.ceil(vcpus * p95 / TARGET_PERCENT - 1e-9));
}

// hostCpus: a VM is never told to take more vCPUs than the host has.
export function cpuSuggestions(history: VmHistory, config: VmConfig, dataHours: number, hostCpus: number | null): Suggestion[] {
    const vcpus = config.vcpus;
    const avg = points(history, "cpuPercent", "avg");
    if (vcpus === null || vcpus < 1 || avg.length === 0) return [];
    const p95 = percentile(avg.map(p => p.value), 95) ?? 0;
    const mean = weightedMean(avg) ?? 0;
    const values = { p95Percent: round(p95), meanPercent: round(mean), vcpus };
    if (p95 > CPU_HIGH_P95) {
        const to = Math.min(vcpusNeeded(vcpus, p95), hostCpus ?? Number.MAX_SAFE_INTEGER);
        // A VM with as many vCPUs as the host has CPUs cannot be given more: it is still reported,
        // without a change, so the advice is to move work (or the VM) elsewhere.
        return [makeSuggestion(history, dataHours, {
            kind: "cpu-high", category: "cpu", severity: p95 >= CPU_CRITICAL_P95 ? "critical" : "warning",
            values: hostCpus === null ? values : { ...values, hostCpus },
            change: to > vcpus ? { kind: "vcpus", from: vcpus, to } : null,
        })];
    }
    const out: Suggestion[] = [];
    const to = vcpusNeeded(vcpus, p95);
    if (p95 < CPU_LOW_P95 && to < vcpus) {
        out.push(makeSuggestion(history, dataHours, {
            kind: "cpu-low", category: "cpu", severity: "info", values, change: { kind: "vcpus", from: vcpus, to },
        }));
    }
    // Short bursts on an otherwise quiet VM: shown beside a "fewer vCPUs" suggestion, because fewer
    // vCPUs make each burst last longer.
    const peaks = points(history, "cpuPercent", "max");
    const max = maxOf(peaks) ?? 0;
    if (max > CPU_SPIKE_MAX && mean < CPU_SPIKE_MEAN) {
        const spikes = peaks.filter(p => p.value > CPU_SPIKE_MAX);
        out.push(makeSuggestion(history, dataHours, {
            kind: "cpu-spikes", category: "cpu", severity: "info",
            values: { ...values, maxPercent: round(max), spikeBuckets: spikes.length, lastSpikeMs: spikes[spikes.length - 1].tsMs },
            change: null,
        }));
    }
    return out;
}
