import { NO_USAGE } from "../../src/core/usage";
import { appendLivePoint, liveSeries } from "../../src/core/metrics/live-series";

const at = (atMs: number, cpuPercent: number | null) => ({ atMs, usage: { ...NO_USAGE, cpuPercent } });

describe("liveSeries", () => {
    test("regular samples become points in order", () => {
        const series = liveSeries([at(0, 1), at(5000, 2), at(10000, 3)], 12_500);
        expect(series.timestamps).toEqual([0, 5000, 10000]);
        expect(series.avg.cpuPercent).toEqual([1, 2, 3]);
        expect(series.max).toBeNull();
    });

    test("a pause longer than the allowed gap becomes a null point, never a bridging line", () => {
        const series = liveSeries([at(0, 1), at(5000, 2), at(65000, 4)], 12_500);
        expect(series.timestamps).toEqual([0, 5000, 35000, 65000]);
        expect(series.avg.cpuPercent).toEqual([1, 2, null, 4]);
        expect(series.avg.netRxBps).toEqual([null, null, null, null]);
    });

    test("samples without a value (VM off) stay null", () => {
        expect(liveSeries([at(0, null), at(5000, 3)], 12_500).avg.cpuPercent).toEqual([null, 3]);
    });

    test("empty", () => {
        expect(liveSeries([], 1000).timestamps).toEqual([]);
    });
});

describe("appendLivePoint", () => {
    test("keeps only the window", () => {
        let points = [at(0, 1), at(5000, 2)];
        points = appendLivePoint(points, at(12000, 3), 10_000);
        expect(points.map(p => p.atMs)).toEqual([5000, 12000]);
    });
});
