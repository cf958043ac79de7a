// The "Live" range of the history graphs: the details page's own samples, kept in the browser. Where
// sampling paused (page hidden, libvirt away) a null point is inserted so the chart shows a gap instead
// of a line bridging the silence.
import type { Usage } from "../usage";
import { METRIC_NAMES, type MetricName } from "./rollup";

export interface LivePoint {
    atMs: number; // epoch milliseconds
    usage: Usage;
}

export interface ChartSeries {
    timestamps: number[];
    avg: Record<MetricName, (number | null)[]>;
    // Bucket maxima where the data has them (history tiers); live samples are their own maxima.
    max: Record<MetricName, (number | null)[]> | null;
}

function emptySeries(): Record<MetricName, (number | null)[]> {
    return Object.fromEntries(METRIC_NAMES.map(m => [m, []])) as unknown as Record<MetricName, (number | null)[]>;
}

export function liveSeries(points: readonly LivePoint[], maxGapMs: number): ChartSeries {
    const timestamps: number[] = [];
    const avg = emptySeries();
    let previous: number | null = null;
    for (const point of points) {
        if (previous !== null && point.atMs - previous > maxGapMs) {
            timestamps.push(previous + (point.atMs - previous) / 2);
            for (const m of METRIC_NAMES) avg[m].push(null);
        }
        timestamps.push(point.atMs);
        for (const m of METRIC_NAMES) avg[m].push(point.usage[m]);
        previous = point.atMs;
    }
    return { timestamps, avg, max: null };
}

export function appendLivePoint(points: readonly LivePoint[], point: LivePoint, keepMs: number): LivePoint[] {
    return [...points.filter(p => point.atMs - p.atMs <= keepMs), point];
}
