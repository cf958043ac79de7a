// The value axis of a metric chart: a top and a tick step that read well in the metric's unit. chart.js
// left to itself puts an empty chart on 0..1 and labels it "0 B, 1 B, 1 B" once the ticks are
// formatted as bytes; and byte ticks such as 314,572,800 read better as 0, 100, 200, 300 MiB.

export interface ValueAxis {
    max: number;
    stepSize: number;
}

export type AxisKind = "percent" | "bytes";

// Steps within one unit (B, KiB, MiB, ...): 1, 2, 2.5, 5 times a power of ten.
const STEP_MANTISSAS = [1, 2, 2.5, 5];
// A small chart reads well with up to four steps above zero.
const MAX_STEPS = 4;

function niceStep(top: number): number {
    let magnitude = 10 ** Math.floor(Math.log10(top / MAX_STEPS));
    for (;;) {
        for (const m of STEP_MANTISSAS) {
            if (top / (m * magnitude) <= MAX_STEPS) return m * magnitude;
        }
        magnitude *= 10;
    }
}

// values: everything the chart draws (nulls are gaps). emptyTop: the top when there is no value above
// zero, in the axis' unit (for bytes, e.g. 1 GiB for memory, 4 KiB/s for I/O rates).
export function valueAxis(kind: AxisKind, values: Iterable<number | null>, emptyTop: number): ValueAxis {
    if (kind === "percent") return { max: 100, stepSize: 25 };
    let top = 0;
    for (const v of values) if (v !== null && Number.isFinite(v) && v > top) top = v;
    if (top <= 0) top = emptyTop;
    // Steps in the unit the labels will use, so they come out as whole KiB, MiB, GiB.
    let unit = 1;
    while (top / unit >= 1024) unit *= 1024;
    // Below one unit of the top (0.6 GiB), steps are fractions of it (0.25 GiB is 256 MiB).
    const step = Math.max(niceStep(top / unit) * unit, 1);
    return { max: Math.ceil(top / step - 1e-9) * step, stepSize: step };
}
