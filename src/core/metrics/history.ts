// The answer of `kvm-manager-history --json`, which the VM details page reads through cockpit.spawn:
// one value per bucket of the chosen tier, null where nothing was collected (the VM was off, the
// collector or libvirtd was down). A chart draws nulls as gaps; nothing is ever interpolated.
import { METRIC_NAMES, rollUp, type BucketRow, type MetricName } from "./rollup";
import { HISTORY_RANGES, historyWindow, type HistoryRange, type HistoryWindow, type TierId } from "./tiers";

export const HISTORY_RESPONSE_VERSION = 1;

export interface MetricSeries {
    avg: (number | null)[];
    max: (number | null)[];
}

export interface HistoryResponse {
    version: typeof HISTORY_RESPONSE_VERSION;
    vm: string;
    range: HistoryRange;
    tier: TierId;
    stepMs: number;
    // [startMs, endMs), UTC milliseconds; timestamps[i] = startMs + i * stepMs is the start of bucket i.
    startMs: number;
    endMs: number;
    timestamps: number[];
    // Units: cpuPercent and memoryPercent in %, memoryUsedKiB in KiB, the rest in bytes per second.
    series: Record<MetricName, MetricSeries>;
    // Collector samples behind each bucket; 0 where nothing was collected (every series is null there).
    samples: number[];
    // Damaged files that were skipped and the like; the data shown is still right, only less of it.
    warnings: string[];
}

export function historyWindowForRange(range: HistoryRange, endAtMs: number): HistoryWindow {
    return historyWindow(HISTORY_RANGES[range], endAtMs);
}

// rows: this VM's samples or buckets of the window's tier (or finer: they are rolled up here), any
// order, possibly with rows outside the window.
export function buildHistoryResponse(vm: string, range: HistoryRange, window: HistoryWindow,
    rows: readonly BucketRow[], warnings: readonly string[] = []): HistoryResponse {
    const count = Math.round((window.endMs - window.startMs) / window.stepMs);
    const timestamps = Array.from({ length: count }, (_, i) => window.startMs + i * window.stepMs);
    const series = {} as Record<MetricName, MetricSeries>;
    for (const m of METRIC_NAMES) {
        series[m] = { avg: new Array<number | null>(count).fill(null), max: new Array<number | null>(count).fill(null) };
    }
    const samples = new Array<number>(count).fill(0);
    const inWindow = rows.filter(r => r.vm === vm && r.tsMs >= window.startMs && r.tsMs < window.endMs);
    for (const bucket of rollUp(inWindow, window.stepMs)) {
        const i = Math.round((bucket.tsMs - window.startMs) / window.stepMs);
        samples[i] = bucket.n;
        for (const m of METRIC_NAMES) {
            series[m].avg[i] = bucket.avg[m];
            series[m].max[i] = bucket.max[m];
        }
    }
    return {
        version: HISTORY_RESPONSE_VERSION, vm, range, tier: window.tier.id, stepMs: window.stepMs,
        startMs: window.startMs, endMs: window.endMs, timestamps, series, samples, warnings: [...warnings],
    };
}
