import { buildHistoryResponse, historyChartSeries, historyWindowForRange, joinedBuckets } from "../../src/core/metrics/history";
import { rawRow } from "../../src/core/metrics/rollup";
import { NO_USAGE, type Usage } from "../../src/core/usage";

const END = Date.parse("2026-11-26T14:00:00Z");
const window = historyWindowForRange("1h", END);
const VM = "web 'ü'";

const running: Usage = { ...NO_USAGE, cpuPercent: 12, memoryUsedKiB: 524288, memoryPercent: 50, diskReadBps: 0, diskWriteBps: 10, netRxBps: 1, netTxBps: 2 };
// The first sample after a VM started: memory, but no rates yet.
const firstAfterStart: Usage = { ...NO_USAGE, memoryUsedKiB: 400000, memoryPercent: 40 };

function responseOf(samples: { atMs: number; usage?: Usage }[]) {
    return buildHistoryResponse(VM, "1h", window, samples.map(s => rawRow(VM, s.atMs, s.usage ?? running)));
}

// Sample times 0.2 s into each of the given buckets, counted back from the end of the window.
function inBuckets(buckets: number[]): { atMs: number }[] {
    return buckets.map(b => ({ atMs: window.endMs - (b + 1) * window.stepMs + 200 }));
}

function nullsBetweenFirstAndLastValue(values: (number | null)[]): number {
    const first = values.findIndex(v => v !== null);
    const last = values.length - 1 - [...values].reverse().findIndex(v => v !== null);
    return values.slice(first, last + 1).filter(v => v === null).length;
}

describe("gaps in the history charts", () => {
    test("a collector loop of 33 s instead of 30 s leaves one bucket of ten empty; the line still joins", () => {
        const start = window.endMs - 10 * window.stepMs;
        const ticks = Array.from({ length: 10 }, (_, k) => ({ atMs: start + 20_000 + k * 33_000 })).filter(t => t.atMs < window.endMs);
        const response = responseOf(ticks);
        const filled = response.samples.slice(-10);
        expect(filled.filter(n => n === 0)).toHaveLength(1);
        // The answer itself still says which bucket had nothing...
        expect(nullsBetweenFirstAndLastValue(response.series.cpuPercent.avg)).toBe(1);
        // ...but the chart draws no gap for it.
        const chart = historyChartSeries(response);
        expect(nullsBetweenFirstAndLastValue(chart.avg.cpuPercent)).toBe(0);
        expect(nullsBetweenFirstAndLastValue(chart.avg.memoryUsedKiB)).toBe(0);
        expect(chart.timestamps).toHaveLength(response.timestamps.length - 1);
        expect(chart.max?.cpuPercent).toHaveLength(chart.timestamps.length);
    });

    test("one missing bucket joins", () => {
        const response = responseOf(inBuckets([5, 4, 2, 1]));
        const joined = joinedBuckets(response);
        expect(joined.filter(Boolean)).toHaveLength(1);
        expect(joined[response.samples.length - 4]).toBe(true);
        expect(nullsBetweenFirstAndLastValue(historyChartSeries(response).avg.cpuPercent)).toBe(0);
    });

    test("two missing buckets (90 s without a sample) are a gap", () => {
        const response = responseOf(inBuckets([5, 4, 1, 0]));
        expect(joinedBuckets(response).some(Boolean)).toBe(false);
        expect(nullsBetweenFirstAndLastValue(historyChartSeries(response).avg.cpuPercent)).toBe(2);
    });

    test("three missing buckets are a gap", () => {
        const response = responseOf(inBuckets([6, 5, 1, 0]));
        expect(joinedBuckets(response).some(Boolean)).toBe(false);
        expect(nullsBetweenFirstAndLastValue(historyChartSeries(response).avg.memoryUsedKiB)).toBe(3);
    });

    test("the VM off for one tick is a gap: the sample after it is the first of a new run", () => {
        const [a, b, c, d] = inBuckets([5, 4, 2, 1]);
        const response = responseOf([a, b, { atMs: c.atMs, usage: firstAfterStart }, d]);
        expect(joinedBuckets(response).some(Boolean)).toBe(false);
        expect(nullsBetweenFirstAndLastValue(historyChartSeries(response).avg.memoryUsedKiB)).toBe(1);
    });

    test("empty buckets at the edges of the range are never joined to anything", () => {
        const response = responseOf(inBuckets([3, 2]));
        expect(joinedBuckets(response).some(Boolean)).toBe(false);
        expect(historyChartSeries(response).timestamps).toEqual(response.timestamps);
    });

    test("coarser tiers: an empty 1-minute bucket is already more than two collector intervals", () => {
        const day = historyWindowForRange("24h", END);
        expect(day.stepMs).toBe(60_000);
        const at = (b: number) => rawRow(VM, day.endMs - (b + 1) * day.stepMs + 200, running);
        const response = buildHistoryResponse(VM, "24h", day, [at(4), at(2)]);
        expect(joinedBuckets(response).some(Boolean)).toBe(false);
    });

    test("nothing collected at all: nothing to join", () => {
        const response = responseOf([]);
        expect(joinedBuckets(response).some(Boolean)).toBe(false);
        expect(historyChartSeries(response).avg.cpuPercent.every(v => v === null)).toBe(true);
    });
});
