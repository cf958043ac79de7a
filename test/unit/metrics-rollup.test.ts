// Buckets (average and maximum), tier choice for a chart range, and the history answer with its gaps.
import { buildHistoryResponse, historyWindowForRange } from "../../src/core/metrics/history";
import { emptyMetricValues, rawRow, rollUp, type BucketRow } from "../../src/core/metrics/rollup";
import {
    DAY_MS, HISTORY_RANGES, HOUR_MS, MINUTE_MS, TIERS, chooseTier, historyWindow, periodEnd, periodStart, periodsOverlapping,
    type HistoryRange,
} from "../../src/core/metrics/tiers";
import { NO_USAGE, type Usage } from "../../src/core/usage";

const T0 = Date.UTC(2025, 0, 31, 12, 0, 0);

function usage(values: Partial<Usage>): Usage {
    return { ...NO_USAGE, ...values };
}

describe("rollUp", () => {
    test("keeps the average and the maximum of each bucket, per VM", () => {
        const rows = [
            rawRow("a", T0, usage({ cpuPercent: 10, diskReadBps: 100 })),
            rawRow("a", T0 + 30_000, usage({ cpuPercent: 30, diskReadBps: 300 })),
            rawRow("a", T0 + 60_000, usage({ cpuPercent: 50 })),
            rawRow("b", T0 + 10_000, usage({ cpuPercent: 90 })),
        ];
        const minute = rollUp(rows, MINUTE_MS);
        expect(minute.map(r => [r.vm, r.tsMs, r.n])).toEqual([["a", T0, 2], ["a", T0 + 60_000, 1], ["b", T0, 1]]);
        expect(minute[0].avg.cpuPercent).toBe(20);
        expect(minute[0].max.cpuPercent).toBe(30);
        expect(minute[0].avg.diskReadBps).toBe(200);
        expect(minute[1].avg.diskReadBps).toBeNull();
    });

    test("coarser buckets from finer ones weigh each by its sample count and keep the true maximum", () => {
        const fine: BucketRow[] = [
            { vm: "a", tsMs: T0, n: 3, avg: { ...emptyMetricValues(), cpuPercent: 10 }, max: { ...emptyMetricValues(), cpuPercent: 80 } },
            { vm: "a", tsMs: T0 + MINUTE_MS, n: 1, avg: { ...emptyMetricValues(), cpuPercent: 50 }, max: { ...emptyMetricValues(), cpuPercent: 50 } },
        ];
        const [coarse] = rollUp(fine, 30 * MINUTE_MS);
        expect(coarse.n).toBe(4);
        expect(coarse.avg.cpuPercent).toBe(20); // (3 * 10 + 1 * 50) / 4
        expect(coarse.max.cpuPercent).toBe(80);
    });

    test("a metric missing from some samples is averaged over those that have it", () => {
        const [bucket] = rollUp([
            rawRow("a", T0, usage({ cpuPercent: null, memoryUsedKiB: 100 })),
            rawRow("a", T0 + 30_000, usage({ cpuPercent: 40, memoryUsedKiB: 300 })),
        ], MINUTE_MS);
        expect(bucket.avg.cpuPercent).toBe(40);
        expect(bucket.avg.memoryUsedKiB).toBe(200);
    });

    test("rolling up twice is the same as rolling up once (no drift between tiers)", () => {
        const rows: BucketRow[] = [];
        for (let i = 0; i < 240; i++) rows.push(rawRow("a", T0 + i * 30_000, usage({ cpuPercent: (i * 37) % 100 })));
        const direct = rollUp(rows, 30 * MINUTE_MS);
        const viaMinute = rollUp(rollUp(rows, MINUTE_MS), 30 * MINUTE_MS);
        expect(viaMinute.map(r => [r.tsMs, r.n, r.max.cpuPercent])).toEqual(direct.map(r => [r.tsMs, r.n, r.max.cpuPercent]));
        viaMinute.forEach((r, i) => expect(r.avg.cpuPercent).toBeCloseTo(direct[i].avg.cpuPercent ?? NaN, 9));
    });
});

describe("tiers", () => {
    test("each chart range reads the finest tier that holds it in at most 1500 points", () => {
        const chosen = Object.fromEntries(Object.entries(HISTORY_RANGES).map(([r, ms]) => [r, chooseTier(ms).id]));
        expect(chosen).toEqual({ "1h": "raw", "6h": "raw", "24h": "1m", "7d": "30m", "30d": "30m", "1y": "6h" });
    });

    test("match or beat Proxmox: 1 min for a day, 30 min for a month, 6 h for a year", () => {
        const byId = Object.fromEntries(TIERS.map(t => [t.id, t]));
        expect(byId["1m"].stepMs).toBeLessThanOrEqual(MINUTE_MS);
        expect(byId["1m"].keepMs).toBeGreaterThanOrEqual(DAY_MS);
        expect(byId["30m"].keepMs).toBeGreaterThanOrEqual(30 * DAY_MS);
        expect(byId["6h"].keepMs).toBeGreaterThanOrEqual(365 * DAY_MS);
        // Each coarser tier is made from the one before it, and its buckets never straddle the
        // source's files (so a file can be rolled up on its own).
        for (let i = 1; i < TIERS.length; i++) {
            expect(TIERS[i].source).toBe(TIERS[i - 1].id);
            expect(TIERS[i].stepMs % TIERS[i - 1].stepMs).toBe(0);
        }
    });

    test("windows end with the bucket that holds 'now' and have one bucket per step", () => {
        const now = T0 + 7 * MINUTE_MS + 12_345;
        const w = historyWindow(HOUR_MS, now);
        expect(w.tier.id).toBe("raw");
        expect(w.endMs).toBe(T0 + 7 * MINUTE_MS + 30_000);
        expect((w.endMs - w.startMs) / w.stepMs).toBe(120);
        expect(w.startMs % w.stepMs).toBe(0);
    });

    test("UTC calendar periods, months included", () => {
        const feb = Date.UTC(2024, 1, 10, 5);
        expect(periodStart("month", feb)).toBe(Date.UTC(2024, 1, 1));
        expect(periodEnd("month", Date.UTC(2024, 1, 1))).toBe(Date.UTC(2024, 2, 1));
        expect(periodEnd("month", Date.UTC(2024, 11, 1))).toBe(Date.UTC(2025, 0, 1));
        expect(periodStart("hour", T0 + 59 * MINUTE_MS)).toBe(T0);
        expect(periodsOverlapping("day", T0, T0 + 2 * DAY_MS)).toEqual([periodStart("day", T0), periodStart("day", T0) + DAY_MS, periodStart("day", T0) + 2 * DAY_MS]);
    });
});

describe("buildHistoryResponse", () => {
    const range: HistoryRange = "1h";
    const window = historyWindowForRange(range, T0 + HOUR_MS - 1);

    test("a bucket per step, null where nothing was collected: gaps are never bridged", () => {
        const rows = [
            rawRow("vm", T0, usage({ cpuPercent: 10, memoryUsedKiB: 1 })),
            rawRow("vm", T0 + 30_000, usage({ cpuPercent: 20, memoryUsedKiB: 1 })),
            // the VM was off for 10 minutes
            rawRow("vm", T0 + 11 * MINUTE_MS, usage({ cpuPercent: 30, memoryUsedKiB: 1 })),
            rawRow("other", T0 + 60_000, usage({ cpuPercent: 99 })),
        ];
        const r = buildHistoryResponse("vm", range, window, rows);
        expect(r.timestamps).toHaveLength(120);
        expect(r.timestamps[0]).toBe(T0);
        expect(r.timestamps[1] - r.timestamps[0]).toBe(30_000);
        const cpu = r.series.cpuPercent.avg;
        expect(cpu.slice(0, 3)).toEqual([10, 20, null]);
        expect(cpu.slice(2, 22).every(v => v === null)).toBe(true);
        expect(cpu[22]).toBe(30);
        expect(cpu.filter(v => v !== null)).toHaveLength(3);
        expect(r.samples[0]).toBe(1);
        expect(r.samples[2]).toBe(0);
        expect(r.series.netRxBps.avg.every(v => v === null)).toBe(true);
    });

    test("rows finer than the tier are rolled up into its buckets; rows outside the window are left out", () => {
        const w = historyWindowForRange("24h", T0);
        expect(w.stepMs).toBe(MINUTE_MS);
        const rows = [
            rawRow("vm", T0 - 5 * MINUTE_MS, usage({ cpuPercent: 10 })),
            rawRow("vm", T0 - 5 * MINUTE_MS + 30_000, usage({ cpuPercent: 30 })),
            rawRow("vm", w.startMs - 1, usage({ cpuPercent: 99 })),
        ];
        const r = buildHistoryResponse("vm", "24h", w, rows);
        const i = r.timestamps.indexOf(T0 - 5 * MINUTE_MS);
        expect(r.series.cpuPercent.avg[i]).toBe(20);
        expect(r.series.cpuPercent.max[i]).toBe(30);
        expect(r.samples[i]).toBe(2);
        expect(r.samples.reduce((a, b) => a + b, 0)).toBe(2);
    });
});
