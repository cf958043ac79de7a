// Every VM's history over one window from the rows of one read of the store, in the format of
// kvm-manager-history (buildHistoryResponse). buildHistoryResponse rolls each VM's rows up through a
// map keyed by time; for a hundred VMs over a month (130,000 rows) that alone took most of a second,
// so the rows are placed straight into their bucket here. Rows for the same bucket (a sample read
// from two files while a fold ran) are merged as rollUp merges them: averages weighted by samples,
// the larger maximum.
import { METRIC_NAMES, type BucketRow } from "../metrics/rollup";
import { bucketStart } from "../metrics/tiers";
import type { VmHistory } from "./types";

interface Building {
    history: VmHistory;
    // Per metric and bucket: sum of avg * n over the rows that had the metric, and the sum of their n.
    sums: Float64Array[];
    weights: Float64Array[];
}

export function historiesFromRows(rows: Iterable<BucketRow>, window: { startMs: number; endMs: number; stepMs: number }): VmHistory[] {
    const { startMs, endMs, stepMs } = window;
    const count = Math.round((endMs - startMs) / stepMs);
    const timestamps = Array.from({ length: count }, (_, i) => startMs + i * stepMs);
    const vms = new Map<string, Building>();
    for (const row of rows) {
        if (row.tsMs < startMs || row.tsMs >= endMs) continue;
        let b = vms.get(row.vm);
        if (!b) {
            const series = Object.fromEntries(METRIC_NAMES.map(m => [m, {
                avg: new Array<number | null>(count).fill(null), max: new Array<number | null>(count).fill(null),
            }])) as VmHistory["series"];
            b = {
                history: { vm: row.vm, stepMs, startMs, endMs, timestamps, series, samples: new Array<number>(count).fill(0) },
                sums: METRIC_NAMES.map(() => new Float64Array(count)),
                weights: METRIC_NAMES.map(() => new Float64Array(count)),
            };
            vms.set(row.vm, b);
        }
        const i = Math.round((bucketStart(row.tsMs, stepMs) - startMs) / stepMs);
        b.history.samples[i] += row.n;
        for (let k = 0; k < METRIC_NAMES.length; k++) {
            const m = METRIC_NAMES[k];
            const avg = row.avg[m];
            if (avg === null) continue;
            b.sums[k][i] += avg * row.n;
            b.weights[k][i] += row.n;
            const series = b.history.series[m];
            series.avg[i] = b.sums[k][i] / b.weights[k][i];
            const rowMax = row.max[m] ?? avg;
            const prev = series.max[i];
            series.max[i] = prev === null ? rowMax : Math.max(prev, rowMax);
        }
    }
    return [...vms.values()].map(b => b.history);
}
