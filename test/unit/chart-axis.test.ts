import { timeTicks, valueAxis } from "../../src/core/chart-axis";
import { formatBytes } from "../../src/core/format";

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function ticks(axis: { max: number; stepSize: number }): string[] {
    const out: string[] = [];
    for (let v = 0; v <= axis.max + 1e-6; v += axis.stepSize) out.push(formatBytes(v, "en"));
    return out;
}

describe("value axis of a metric chart", () => {
    test("an empty memory chart reads 0 to 1 GiB, not 0 B, 1 B, 1 B", () => {
        const axis = valueAxis("bytes", [null, null], GiB);
        expect(ticks(axis)).toEqual(["0 B", "256 MiB", "512 MiB", "768 MiB", "1 GiB"]);
    });

    test("an idle I/O chart (all zero) reads 0 to 4 KiB/s", () => {
        expect(ticks(valueAxis("bytes", [0, 0, null], 4096))).toEqual(["0 B", "1 KiB", "2 KiB", "3 KiB", "4 KiB"]);
    });

    test("ticks are whole numbers in the unit of the largest value", () => {
        expect(ticks(valueAxis("bytes", [100 * MiB, 600 * MiB], GiB))).toEqual(["0 B", "200 MiB", "400 MiB", "600 MiB"]);
        expect(ticks(valueAxis("bytes", [1.6 * GiB], GiB))).toEqual(["0 B", "512 MiB", "1 GiB", "1.5 GiB", "2 GiB"]);
        expect(ticks(valueAxis("bytes", [3000], 4096))).toEqual(["0 B", "1 KiB", "2 KiB", "3 KiB"]);
        expect(ticks(valueAxis("bytes", [7], 4096))).toEqual(["0 B", "2 B", "4 B", "6 B", "8 B"]);
    });

    test("a small value still gets whole bytes, and the top is never below the largest value", () => {
        const axis = valueAxis("bytes", [0.3], 4096);
        expect(axis.stepSize).toBe(1);
        expect(axis.max).toBeGreaterThanOrEqual(0.3);
        for (const top of [1, 999, 1023, 1024, 1025, 5 * MiB + 1, 37 * GiB]) {
            const a = valueAxis("bytes", [top], 4096);
            expect(a.max).toBeGreaterThanOrEqual(top);
            expect(a.max / a.stepSize).toBeLessThanOrEqual(4 + 1e-9);
        }
    });

    test("percent: always 0 to 100 in quarters; garbage values are ignored", () => {
        expect(valueAxis("percent", [null], 100)).toEqual({ max: 100, stepSize: 25 });
        expect(valueAxis("bytes", [NaN, Infinity, -5, null], GiB).max).toBe(GiB);
    });
});

describe("time axis ticks", () => {
    const t = (iso: string) => Date.parse(iso);
    const hhmm = (ticks: number[], offsetMs = 0) => ticks.map(v => new Date(v + offsetMs).toISOString().slice(11, 16));

    test("six hours: ticks on whole hours, not at the range's odd start", () => {
        const ticks = timeTicks(t("2026-11-26T08:20:30Z"), t("2026-11-26T14:19:30Z"), 6, 0);
        expect(hhmm(ticks)).toEqual(["09:00", "10:00", "11:00", "12:00", "13:00", "14:00"]);
    });

    test("one hour: every 10 minutes", () => {
        expect(hhmm(timeTicks(t("2026-11-26T13:20:30Z"), t("2026-11-26T14:19:30Z"), 6, 0))).toEqual(["13:30", "13:40", "13:50", "14:00", "14:10"]);
    });

    test("whole hours of local time, half an hour off UTC", () => {
        const offset = 5.5 * 3600_000; // India
        const ticks = timeTicks(t("2026-11-26T08:20:30Z"), t("2026-11-26T14:19:30Z"), 6, offset);
        expect(hhmm(ticks, offset)).toEqual(["14:00", "15:00", "16:00", "17:00", "18:00", "19:00"]);
    });

    test("a minute of live samples, thirty days, and degenerate ranges", () => {
        const live = timeTicks(t("2026-11-26T14:18:40Z"), t("2026-11-26T14:19:40Z"), 6, 0);
        expect(live.map(v => new Date(v).toISOString().slice(14, 19))).toEqual(["18:45", "19:00", "19:15", "19:30"]);
        const month = timeTicks(t("2026-10-27T14:00:00Z"), t("2026-11-26T14:00:00Z"), 6, 0);
        expect(month.length).toBeLessThanOrEqual(6);
        expect(month.every(v => v % (24 * 3600_000) === 0)).toBe(true);
        expect(timeTicks(5, 5, 6, 0)).toEqual([5]);
        expect(timeTicks(10, 5, 6, 0)).toEqual([10]);
    });
});

describe("count axis", () => {
    test("decimal steps, no binary units", () => {
        expect(valueAxis("count", [1.9, 0.3], 1)).toEqual({ max: 2, stepSize: 0.5 });
        expect(valueAxis("count", [3100], 1)).toEqual({ max: 4000, stepSize: 1000 });
        expect(valueAxis("count", [null], 1)).toEqual({ max: 1, stepSize: 0.25 });
    });
});
