// The answer of `kvm-manager-history --json`, which the VM details page reads through cockpit.spawn:
// one value per bucket of the chosen tier, null where nothing was collected (the VM was off, the
// collector or libvirtd was down). A chart draws nulls as gaps; nothing is ever interpolated. Only a
// single late collector tick is not shown as a gap (historyChartSeries).
import type { ChartSeries } from "./live-series";
import { METRIC_NAMES, rollUp, type BucketRow, type MetricName } from "./rollup";
import { COLLECT_INTERVAL_MS, HISTORY_RANGES, historyWindow, type HistoryRange, type HistoryWindow, type TierId } from "./tiers";

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

// A gap in the chart means the VM was off or nothing was collected for a while: more than two collector
// intervals between samples, like Grafana's "connect null values" threshold. A collector tick that
// came a little late leaves one 30-second bucket empty between two samples 60 s apart; that is no gap.
export const JOIN_GAP_MS = 2 * COLLECT_INTERVAL_MS;

const RATE_METRICS: readonly MetricName[] = ["cpuPercent", "diskReadBps", "diskWriteBps", "netRxBps", "netTxBps"];

// The collector records a VM's first sample after a start without rates: it has no earlier counters of
// that run. Such a bucket right after empty ones says the VM was off, not that a tick was lost.
function startsARun(response: Pick<HistoryResponse, "samples" | "series">, i: number): boolean {
    return response.samples[i] > 0 && RATE_METRICS.every(m => response.series[m].avg[i] === null);
}

// For each bucket: true where the chart should leave the bucket out, so the lines join across it. Only
// empty buckets between two filled ones qualify, when the filled ones are at most JOIN_GAP_MS apart
// and the later one is not a VM's first sample after a start.
export function joinedBuckets(response: Pick<HistoryResponse, "stepMs" | "samples" | "series">): boolean[] {
    const count = response.samples.length;
    const joined = new Array<boolean>(count).fill(false);
    let previousFilled = -1;
    for (let i = 0; i < count; i++) {
        if (response.samples[i] === 0) continue;
        const emptyRun = i - previousFilled - 1;
        if (previousFilled >= 0 && emptyRun > 0 && (i - previousFilled) * response.stepMs <= JOIN_GAP_MS && !startsARun(response, i)) {
            for (let j = previousFilled + 1; j < i; j++) joined[j] = true;
        }
        previousFilled = i;
    }
    return joined;
}

// What the details page's charts draw from a history answer: every bucket, except the empty ones that
// are only a late tick (joinedBuckets).
export function historyChartSeries(response: HistoryResponse): ChartSeries {
    const joined = joinedBuckets(response);
    const keep = <T>(values: readonly T[]) => values.filter((_, i) => !joined[i]);
    const pick = (kind: "avg" | "max") =>
        Object.fromEntries(METRIC_NAMES.map(m => [m, keep(response.series[m][kind])])) as Record<MetricName, (number | null)[]>;
    return { timestamps: keep(response.timestamps), avg: pick("avg"), max: pick("max") };
}
