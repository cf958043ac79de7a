import { valueAxis } from "../../src/core/chart-axis";
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
