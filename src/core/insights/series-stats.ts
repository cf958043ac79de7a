// Statistics over one metric of a VM's history. Only buckets that hold samples count: a null is a gap
// (the VM was off, nothing was collected, or a rate was lost to a counter reset) and is never read
// as zero.
import type { MetricName } from "../metrics/rollup";
import { COLLECT_INTERVAL_MS, HOUR_MS } from "../metrics/tiers";
import type { Coverage, Suggestion, VmHistory } from "./types";

export interface Point {
    tsMs: number;
    value: number;
    // Collector samples behind the bucket: its weight in means.
    weight: number;
}

export function points(history: VmHistory, metric: MetricName, kind: "avg" | "max" = "avg"): Point[] {
    const values = history.series[metric][kind];
    const out: Point[] = [];
    for (let i = 0; i < values.length; i++) {
        const value = values[i];
        if (value === null || !Number.isFinite(value) || history.samples[i] <= 0) continue;
        out.push({ tsMs: history.timestamps[i], value, weight: history.samples[i] });
    }
    return out;
}

// Nearest-rank percentile of the bucket values (each bucket one value, whatever its weight: a bucket is
// a stretch of time, and p95 says how much of the time was spent below a level).
export function percentile(values: readonly number[], p: number): number | null {
    if (values.length === 0) return null;
    const sorted = [...values].sort((a, b) => a - b);
    const rank = Math.ceil(p / 100 * sorted.length);
    return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function weightedMean(pts: readonly Point[]): number | null {
    let sum = 0;
    let weight = 0;
    for (const p of pts) {
        sum += p.value * p.weight;
        weight += p.weight;
    }
    return weight > 0 ? sum / weight : null;
}

export function maxOf(pts: readonly Point[]): number | null {
    let max: number | null = null;
    for (const p of pts) if (max === null || p.value > max) max = p.value;
    return max;
}

// Hours of history behind the range: each collector sample stands for one collection interval, so a
// bucket half filled (the VM started mid-bucket) counts half.
export function dataHours(history: VmHistory): number {
    let samples = 0;
    for (const n of history.samples) samples += n;
    const capped = Math.min(samples * COLLECT_INTERVAL_MS, history.endMs - history.startMs);
    return capped / HOUR_MS;
}

// Half the range, at most three days: less than that would be a guess from a short, possibly
// unusual stretch.
export function requiredHours(rangeMs: number): number {
    return Math.min(rangeMs / 2, 72 * HOUR_MS) / HOUR_MS;
}

export function coverage(history: VmHistory): Coverage {
    const have = dataHours(history);
    const need = requiredHours(history.endMs - history.startMs);
    return { dataHours: have, requiredHours: need, enough: have >= need };
}

export interface LinearFit {
    // Value per millisecond.
    slope: number;
    intercept: number;
    // Coefficient of determination: how much of the variation the line explains (0..1).
    r2: number;
}

// Least squares over the points (weighted by samples), x in ms; null with fewer than two distinct times.
export function linearFit(pts: readonly Point[]): LinearFit | null {
    if (pts.length < 2) return null;
    // Centre x on the first point: epoch milliseconds squared lose precision in doubles.
    const x0 = pts[0].tsMs;
    let sw = 0, sx = 0, sy = 0;
    for (const p of pts) {
        sw += p.weight;
        sx += p.weight * (p.tsMs - x0);
        sy += p.weight * p.value;
    }
    const mx = sx / sw;
    const my = sy / sw;
    let sxx = 0, sxy = 0, syy = 0;
    for (const p of pts) {
        const dx = p.tsMs - x0 - mx;
        const dy = p.value - my;
        sxx += p.weight * dx * dx;
        sxy += p.weight * dx * dy;
        syy += p.weight * dy * dy;
    }
    if (sxx === 0) return null;
    const slope = sxy / sxx;
    const r2 = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
    return { slope, intercept: my - slope * (mx + x0), r2 };
}

export function makeSuggestion(history: VmHistory, have: number, fields: Omit<Suggestion, "id" | "vm" | "evidence"> & {
    values: Record<string, number>;
}): Suggestion {
    const { values, ...rest } = fields;
    return {
        id: `${history.vm}\u0000${fields.kind}`, vm: history.vm, ...rest,
        evidence: { startMs: history.startMs, endMs: history.endMs, dataHours: round(have, 2), values },
    };
}

export function round(value: number, digits = 1): number {
    const f = 10 ** digits;
    return Math.round(value * f) / f;
}
