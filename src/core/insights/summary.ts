// The whole host's insights over one range: every VM's suggestions (or why there are none yet), the
// counts, the host's capacity against what the VMs are given, and the busiest VMs with small series.
// kvm-manager-insights builds this from one read of the history; the Insights page and the VM details
// page only draw it.
import { isActive } from "../domain-state";
import { parseDomainStats, type RawStatsRecord } from "../domain-stats";
import { METRIC_NAMES, type MetricName } from "../metrics/rollup";
import { HISTORY_RANGES, bucketStart, tierById, type HistoryRange, type HistoryWindow, type TierId } from "../metrics/tiers";
import { cpuSuggestions } from "./cpu";
import { bytesMoved, ioHotspots } from "./io-hotspots";
import { memorySuggestions } from "./memory";
import { coverage } from "./series-stats";
import { trendSuggestions } from "./trends";
import type { Coverage, Severity, Suggestion, VmConfig, VmHistory } from "./types";

export const INSIGHTS_RESPONSE_VERSION = 1;
export const INSIGHTS_RANGES = ["1h", "6h", "24h", "7d", "30d"] as const satisfies readonly HistoryRange[];
export type InsightsRange = typeof INSIGHTS_RANGES[number];

export function isInsightsRange(value: string): value is InsightsRange {
    return (INSIGHTS_RANGES as readonly string[]).includes(value);
}

// The tier each range reads. Coarser than the charts' for a day (30-minute buckets, not 1-minute):
// a p95 of half-hour averages is what "sustained" means, the maxima keep every spike, and a hundred
// VMs' day is then 5,000 rows instead of 130,000. A month stays at 30 minutes too: 6-hour averages
// would hide the busy part of every day.
const INSIGHTS_TIERS: Record<InsightsRange, TierId> = { "1h": "raw", "6h": "1m", "24h": "30m", "7d": "30m", "30d": "30m" };

export function insightsWindow(range: InsightsRange, endAtMs: number): HistoryWindow {
    const tier = tierById(INSIGHTS_TIERS[range]);
    const endMs = bucketStart(endAtMs, tier.stepMs) + tier.stepMs;
    return { tier, stepMs: tier.stepMs, startMs: endMs - Math.ceil(HISTORY_RANGES[range] / tier.stepMs) * tier.stepMs, endMs };
}

export interface HostResources {
    cpus: number | null;
    memoryKiB: number | null;
}

export interface VmInsights {
    vm: string;
    config: VmConfig | null;
    coverage: Coverage;
    suggestions: Suggestion[];
}

export type TopMetric = "cpu" | "memory" | "disk" | "network";
export const TOP_METRICS: readonly TopMetric[] = ["cpu", "memory", "disk", "network"];

export interface TopEntry {
    vm: string;
    // Mean over the range (see meanOf): vCPUs busy for cpu (share times vCPUs, so VMs of any size
    // compare), KiB for memory, bytes per second for disk and network.
    mean: number;
    series: (number | null)[];
}

export interface HostCapacity {
    cpus: number | null;
    memoryKiB: number | null;
    vcpusAllocated: number;
    vcpusRunning: number;
    memoryAllocatedKiB: number;
    memoryRunningKiB: number;
    // Allocated (all defined VMs) over the host's; null without the host's figure.
    cpuOvercommit: number | null;
    memoryOvercommit: number | null;
}

export interface InsightsResponse {
    version: typeof INSIGHTS_RESPONSE_VERSION;
    range: InsightsRange;
    startMs: number;
    endMs: number;
    stepMs: number;
    counts: { vms: number; running: number; notEnoughData: number } & Record<Severity, number>;
    // Every VM with a configuration or history, by name.
    vms: VmInsights[];
    // All suggestions, most severe first.
    suggestions: Suggestion[];
    host: HostCapacity;
    top: { timestamps: number[] } & Record<TopMetric, TopEntry[]>;
    warnings: string[];
}

// One `virsh domstats --raw --state --balloon --vcpu` record per VM gives all of them at once.
export function vmConfigFromStats(name: string, record: RawStatsRecord): VmConfig {
    const sample = parseDomainStats(name, record);
    return {
        name, active: isActive(sample.state), vcpus: sample.vcpus, maxVcpus: sample.maxVcpus,
        memoryKiB: sample.memoryCurrentKiB ?? sample.memoryMaxKiB, maxMemoryKiB: sample.memoryMaxKiB,
        memorySource: sample.memoryUsedSource,
    };
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function compareSuggestions(a: Suggestion, b: Suggestion): number {
    return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (a.vm < b.vm ? -1 : a.vm > b.vm ? 1 : 0) ||
        (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0);
}

export const TOP_COUNT = 5;
// Points of a top VM's small chart.
export const TOP_POINTS = 60;

const TOP_SERIES: Record<TopMetric, { metrics: readonly MetricName[]; scale: (config: VmConfig | null) => number }> = {
    cpu: { metrics: ["cpuPercent"], scale: config => (config?.vcpus ?? 1) / 100 },
    memory: { metrics: ["memoryUsedKiB"], scale: () => 1 },
    disk: { metrics: ["diskReadBps", "diskWriteBps"], scale: () => 1 },
    network: { metrics: ["netRxBps", "netTxBps"], scale: () => 1 },
};

// Sums the metrics per bucket (null where none has a value) and averages groups of buckets down to
// at most TOP_POINTS.
function smallSeries(history: VmHistory, metrics: readonly MetricName[], scale: number): (number | null)[] {
    const count = history.samples.length;
    const group = Math.max(1, Math.ceil(count / TOP_POINTS));
    const out: (number | null)[] = [];
    for (let start = 0; start < count; start += group) {
        let sum = 0;
        let n = 0;
        for (let i = start; i < Math.min(count, start + group); i++) {
            if (history.samples[i] <= 0) continue;
            let any = false;
            let v = 0;
            for (const m of metrics) {
                const x = history.series[m].avg[i];
                if (x === null) continue;
                v += x;
                any = true;
            }
            if (any) {
                sum += v;
                n++;
            }
        }
        out.push(n > 0 ? sum / n * scale : null);
    }
    return out;
}

// The start of each group smallSeries averages.
function topTimestamps(window: InsightsInput["window"]): number[] {
    const count = Math.round((window.endMs - window.startMs) / window.stepMs);
    const group = Math.max(1, Math.ceil(count / TOP_POINTS));
    const out: number[] = [];
    for (let start = 0; start < count; start += group) out.push(window.startMs + start * window.stepMs);
    return out;
}

// Averaged over the whole range, time without samples counting as nothing used: a VM that ran for an
// hour does not outrank one that was busy all day.
function meanOf(history: VmHistory, metric: TopMetric, config: VmConfig | null): number | null {
    const { metrics, scale } = TOP_SERIES[metric];
    const moved = bytesMoved(history, metrics);
    if (moved.seconds === 0) return null;
    return moved.bytes / ((history.endMs - history.startMs) / 1000) * scale(config);
}

export interface InsightsInput {
    range: InsightsRange;
    window: { startMs: number; endMs: number; stepMs: number };
    // One per VM that has history in the range (same window for all).
    histories: readonly VmHistory[];
    configs: readonly VmConfig[];
    host: HostResources;
    // When the answer is for (--end, or now): the last bucket runs past it, and evidence says "up to
    // now", never a time still to come.
    asOfMs: number;
    warnings?: readonly string[];
}

export function emptyHistory(vm: string, window: InsightsInput["window"]): VmHistory {
    const count = Math.round((window.endMs - window.startMs) / window.stepMs);
    const nulls = () => new Array<number | null>(count).fill(null);
    const series = Object.fromEntries(METRIC_NAMES.map(m => [m, { avg: nulls(), max: nulls() }])) as VmHistory["series"];
    return {
        vm, ...window, timestamps: Array.from({ length: count }, (_, i) => window.startMs + i * window.stepMs),
        series, samples: new Array<number>(count).fill(0),
    };
}

export function buildInsights(input: InsightsInput): InsightsResponse {
    const { window, host } = input;
    const configs = new Map(input.configs.map(c => [c.name, c]));
    const histories = new Map(input.histories.map(h => [h.vm, h]));
    const names = [...new Set([...configs.keys(), ...histories.keys()])].sort();
    const vms: VmInsights[] = [];
    const hours = new Map<string, number>();
    for (const vm of names) {
        const history = histories.get(vm) ?? emptyHistory(vm, window);
        const config = configs.get(vm) ?? null;
        const cov = coverage(history);
        hours.set(vm, cov.dataHours);
        const suggestions = !cov.enough || !config ? [] : [
            ...cpuSuggestions(history, config, cov.dataHours, host.cpus),
            ...memorySuggestions(history, config, cov.dataHours, host.memoryKiB),
            ...trendSuggestions(history, config, cov.dataHours),
        ];
        vms.push({ vm, config, coverage: cov, suggestions });
    }
    // I/O shares compare VMs with each other: only those libvirt still has (a removed VM's history
    // stays until retention drops it) with enough history take part.
    const enough = input.histories.filter(h => {
        const v = vms.find(x => x.vm === h.vm);
        return v !== undefined && v.config !== null && v.coverage.enough;
    });
    for (const s of ioHotspots(enough, hours)) vms.find(v => v.vm === s.vm)?.suggestions.push(s);
    for (const v of vms) {
        v.suggestions.sort(compareSuggestions);
        for (const s of v.suggestions) s.evidence.endMs = Math.min(s.evidence.endMs, input.asOfMs);
    }
    const suggestions = vms.flatMap(v => v.suggestions).sort(compareSuggestions);

    const counts = {
        vms: vms.filter(v => v.config !== null).length,
        running: vms.filter(v => v.config?.active).length,
        notEnoughData: vms.filter(v => v.config?.active && !v.coverage.enough).length,
        critical: 0, warning: 0, info: 0,
    };
    for (const s of suggestions) counts[s.severity]++;

    const defined = input.configs;
    const running = defined.filter(c => c.active);
    const sum = (list: readonly VmConfig[], pick: (c: VmConfig) => number | null) => list.reduce((t, c) => t + (pick(c) ?? 0), 0);
    const vcpusAllocated = sum(defined, c => c.vcpus);
    const memoryAllocatedKiB = sum(defined, c => c.memoryKiB);
    const capacity: HostCapacity = {
        cpus: host.cpus, memoryKiB: host.memoryKiB,
        vcpusAllocated, vcpusRunning: sum(running, c => c.vcpus),
        memoryAllocatedKiB, memoryRunningKiB: sum(running, c => c.memoryKiB),
        cpuOvercommit: host.cpus ? vcpusAllocated / host.cpus : null,
        memoryOvercommit: host.memoryKiB ? memoryAllocatedKiB / host.memoryKiB : null,
    };

    const top = { timestamps: topTimestamps(window) } as InsightsResponse["top"];
    for (const metric of TOP_METRICS) {
        const ranked: { history: VmHistory; mean: number }[] = [];
        for (const history of input.histories) {
            const mean = meanOf(history, metric, configs.get(history.vm) ?? null);
            if (mean !== null && mean > 0) ranked.push({ history, mean });
        }
        ranked.sort((a, b) => b.mean - a.mean || (a.history.vm < b.history.vm ? -1 : 1));
        top[metric] = ranked.slice(0, TOP_COUNT).map(({ history, mean }) => ({
            vm: history.vm, mean,
            series: smallSeries(history, TOP_SERIES[metric].metrics, TOP_SERIES[metric].scale(configs.get(history.vm) ?? null)),
        }));
    }

    return {
        version: INSIGHTS_RESPONSE_VERSION, range: input.range, ...window, counts, vms, suggestions, host: capacity, top,
        warnings: [...(input.warnings ?? [])],
    };
}

// The helper's answer narrowed to one VM, for the details page (I/O shares were still computed
// against every VM).
export function insightsForVm(response: InsightsResponse, vm: string): InsightsResponse {
    const vms = response.vms.filter(v => v.vm === vm);
    return { ...response, vms, suggestions: response.suggestions.filter(s => s.vm === vm) };
}

export function groupBy<K extends string>(suggestions: readonly Suggestion[], key: (s: Suggestion) => K): Map<K, Suggestion[]> {
    const groups = new Map<K, Suggestion[]>();
    for (const s of suggestions) {
        const k = key(s);
        const list = groups.get(k);
        if (list) list.push(s);
        else groups.set(k, [s]);
    }
    return groups;
}
