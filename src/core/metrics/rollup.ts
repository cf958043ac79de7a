// Buckets of samples: each keeps, per metric, the average and the maximum of what fell into it, and how
// many collector samples it stands for, so coarser buckets made from finer ones average correctly.
import type { Usage } from "../usage";
import { bucketStart } from "./tiers";

export const METRIC_NAMES = [
    "cpuPercent", "memoryUsedKiB", "memoryPercent", "diskReadBps", "diskWriteBps", "netRxBps", "netTxBps",
] as const satisfies readonly (keyof Usage)[];

export type MetricName = typeof METRIC_NAMES[number];
export type MetricValues = Record<MetricName, number | null>;

export interface BucketRow {
    vm: string;
    // Bucket start (for a raw sample: the sample's time), UTC milliseconds.
    tsMs: number;
    // Collector samples behind this row; 1 for a raw sample.
    n: number;
    avg: MetricValues;
    max: MetricValues;
}

export function emptyMetricValues(): MetricValues {
    return {
        cpuPercent: null, memoryUsedKiB: null, memoryPercent: null,
        diskReadBps: null, diskWriteBps: null, netRxBps: null, netTxBps: null,
    };
}

export function hasAnyMetric(values: MetricValues): boolean {
    return METRIC_NAMES.some(m => values[m] !== null);
}

// A sample is its own average and maximum. Rows are never modified once made, so both can be the
// same object (an hour of 100 VMs is 12,000 rows: half the objects is less garbage to collect).
export function rawRow(vm: string, tsMs: number, usage: Usage): BucketRow {
    const values = emptyMetricValues();
    for (const m of METRIC_NAMES) values[m] = usage[m];
    return { vm, tsMs, n: 1, avg: values, max: values };
}

interface Accumulator {
    vm: string;
    tsMs: number;
    n: number;
    // Per metric: sum of avg * weight, sum of weights, max. A metric missing from some rows (a rate
    // has no value on the first sample after a start) is averaged over the rows that have it.
    sum: number[];
    weight: number[];
    max: (number | null)[];
}

function newAccumulator(vm: string, tsMs: number): Accumulator {
    const k = METRIC_NAMES.length;
    return { vm, tsMs, n: 0, sum: new Array<number>(k).fill(0), weight: new Array<number>(k).fill(0), max: new Array<number | null>(k).fill(null) };
}

function addRow(acc: Accumulator, row: BucketRow): void {
    acc.n += row.n;
    METRIC_NAMES.forEach((m, i) => {
        const avg = row.avg[m];
        if (avg === null) return;
        acc.sum[i] += avg * row.n;
        acc.weight[i] += row.n;
        const rowMax = row.max[m] ?? avg;
        const prev = acc.max[i];
        acc.max[i] = prev === null ? rowMax : Math.max(prev, rowMax);
    });
}

function finish(acc: Accumulator): BucketRow {
    const avg = emptyMetricValues();
    const max = emptyMetricValues();
    METRIC_NAMES.forEach((m, i) => {
        if (acc.weight[i] > 0) {
            avg[m] = acc.sum[i] / acc.weight[i];
            max[m] = acc.max[i];
        }
    });
    return { vm: acc.vm, tsMs: acc.tsMs, n: acc.n, avg, max };
}

// Merges rows (raw samples or finer buckets, any order, any VMs) into buckets of stepMs, sorted by VM
// then time. Rows that land in the same bucket twice (the same sample read from two places) only
// shift the weights, never invent a value.
export function rollUp(rows: Iterable<BucketRow>, stepMs: number): BucketRow[] {
    const buckets = new Map<string, Accumulator>();
    for (const row of rows) {
        const ts = bucketStart(row.tsMs, stepMs);
        const key = `${ts}\u0000${row.vm}`;
        let acc = buckets.get(key);
        if (!acc) {
            acc = newAccumulator(row.vm, ts);
            buckets.set(key, acc);
        }
        addRow(acc, row);
    }
    return [...buckets.values()].map(finish).sort(compareRows);
}

export function compareRows(a: BucketRow, b: BucketRow): number {
    if (a.vm !== b.vm) return a.vm < b.vm ? -1 : 1;
    return a.tsMs - b.tsMs;
}
