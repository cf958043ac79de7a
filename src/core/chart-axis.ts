// The value axis of a metric chart: a top and a tick step that read well in the metric's unit. chart.js
// left to itself puts an empty chart on 0..1 and labels it "0 B, 1 B, 1 B" once the ticks are
// formatted as bytes; and byte ticks such as 314,572,800 read better as 0, 100, 200, 300 MiB.

export interface ValueAxis {
    max: number;
    stepSize: number;
}

// "count": plain numbers (vCPUs busy), with decimal steps.
export type AxisKind = "percent" | "bytes" | "count";

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
    while (kind === "bytes" && top / unit >= 1024) unit *= 1024;
    // Below one unit of the top (0.6 GiB), steps are fractions of it (0.25 GiB is 256 MiB).
    // A byte is the smallest step of a byte axis; counts (vCPUs busy) have fractions.
    const step = Math.max(niceStep(top / unit) * unit, kind === "bytes" ? 1 : 0);
    return { max: Math.ceil(top / step - 1e-9) * step, stepSize: step };
}

// Time axis steps: ticks land on whole seconds, minutes, hours or days of the host's wall clock.
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
    SECOND, 2 * SECOND, 5 * SECOND, 10 * SECOND, 15 * SECOND, 30 * SECOND,
    MINUTE, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
    HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, 7 * DAY,
];

// Tick times for a time axis from minMs to maxMs: at most maxTicks of them, evenly spaced and on round
// local times (10:00, 10:30, 11:00), not wherever the range happens to start. offsetMs: the local
// time's offset from UTC (east positive), so hours and days are whole in local time.
export function timeTicks(minMs: number, maxMs: number, maxTicks: number, offsetMs: number): number[] {
    if (!(maxMs > minMs) || maxTicks < 2) return [minMs];
    const span = maxMs - minMs;
    const step = TIME_STEPS.find(s => Math.floor(span / s) + 1 <= maxTicks) ?? Math.ceil(span / (maxTicks - 1) / DAY) * DAY;
    const ticks: number[] = [];
    for (let t = Math.ceil((minMs + offsetMs) / step) * step - offsetMs; t <= maxMs; t += step) ticks.push(t);
    return ticks;
}
