// One line chart of metric history (chart.js). Null values are drawn as gaps, never bridged; colours
// come from PatternFly's tokens so the chart follows the shell's light or dark style.
import {
    Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip, type ChartDataset, type ChartOptions,
} from "chart.js";
import { useEffect, useMemo, useRef, useState } from "react";
import { timeTicks, valueAxis, type AxisKind } from "../core/chart-axis";

Chart.register(LineController, LineElement, PointElement, LinearScale, Tooltip, Legend);

type Point = { x: number; y: number | null };

// The first seconds of "Live" have one or two samples: the time axis still spans a minute, and lines
// with so few values show their points, so the chart is never a blank box with one repeated tick.
const MIN_SPAN_MS = 60_000;
const FEW_VALUES = 3;
const MAX_TIME_TICKS = 6;

export interface ChartLine {
    label: string;
    values: (number | null)[];
    colorToken: string; // a PatternFly CSS custom property
    dashed?: boolean;
}

function token(name: string, fallback: string): string {
    return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function useThemeVersion(): number {
    const [version, setVersion] = useState(0);
    useEffect(() => {
        const observer = new MutationObserver(() => setVersion(v => v + 1));
        observer.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
        return () => observer.disconnect();
    }, []);
    return version;
}

export function MetricChart({ id, title, timestamps, lines, formatValue, formatTime, axis, emptyTop }: {
    id: string;
    title: string;
    timestamps: number[];
    lines: ChartLine[];
    formatValue: (value: number) => string;
    formatTime: (epochMs: number) => string;
    axis: AxisKind;
    // The axis' top while there is nothing above zero, so an empty or idle chart still reads in its
    // unit (0 to 1 GiB, not "0 B, 1 B, 1 B").
    emptyTop: number;
}) {
    const canvas = useRef<HTMLCanvasElement>(null);
    const chart = useRef<Chart<"line", Point[]> | null>(null);
    const theme = useThemeVersion();
    const scale = useMemo(() => valueAxis(axis, lines.flatMap(line => line.values), emptyTop), [axis, lines, emptyTop]);
    const tickLabels = useMemo(() => {
        const labels: string[] = [];
        for (let i = 0; i * scale.stepSize <= scale.max; i++) labels.push(formatValue(i * scale.stepSize));
        return labels;
    }, [scale, formatValue]);

    useEffect(() => {
        if (!canvas.current) return;
        const text = token("--pf-t--global--text--color--subtle", "#6a6e73");
        const grid = token("--pf-t--global--border--color--default", "#d2d2d2");
        // A linear time axis: samples land where they were taken, and an interval without samples shows as such.
        const datasets: ChartDataset<"line", Point[]>[] = lines.map(line => {
            const color = token(line.colorToken, "#0066cc");
            return {
                label: line.label,
                data: line.values.map((y, i) => ({ x: timestamps[i], y })),
                borderColor: color,
                backgroundColor: color,
                borderWidth: line.dashed ? 1 : 2,
                borderDash: line.dashed ? [4, 3] : undefined,
                pointRadius: line.values.filter(v => v !== null).length < FEW_VALUES ? 3 : 0,
                pointHitRadius: 6,
                spanGaps: false,
                tension: 0,
            };
        });
        const xMin = timestamps.length ? Math.min(timestamps[0], timestamps[timestamps.length - 1] - MIN_SPAN_MS) : undefined;
        const xMax = timestamps.length ? timestamps[timestamps.length - 1] : undefined;
        const options: ChartOptions<"line"> = {
            animation: false,
            responsive: true,
            maintainAspectRatio: false,
            interaction: { mode: "index", intersect: false },
            scales: {
                x: {
                    type: "linear",
                    min: xMin,
                    max: xMax,
                    // Round local times (10:00, 11:00), not wherever the range happens to start.
                    afterBuildTicks: scale => {
                        if (xMin !== undefined && xMax !== undefined) {
                            scale.ticks = timeTicks(xMin, xMax, MAX_TIME_TICKS, -new Date(xMax).getTimezoneOffset() * 60_000).map(value => ({ value }));
                        }
                    },
                    ticks: { color: text, maxRotation: 0, autoSkip: false, callback: value => formatTime(Number(value)) },
                    grid: { color: grid },
                },
                y: {
                    min: 0,
                    max: scale.max,
                    ticks: { color: text, stepSize: scale.stepSize, callback: value => formatValue(Number(value)) },
                    grid: { color: grid },
                },
            },
            plugins: {
                legend: { labels: { color: text, boxWidth: 12 } },
                tooltip: {
                    callbacks: {
                        title: items => items.length ? formatTime(items[0].parsed.x ?? 0) : "",
                        label: item => `${item.dataset.label}: ${item.parsed.y === null ? "–" : formatValue(item.parsed.y)}`,
                    },
                },
            },
        };
        if (chart.current) chart.current.destroy();
        chart.current = new Chart(canvas.current, { type: "line", data: { datasets }, options });
        return () => {
            chart.current?.destroy();
            chart.current = null;
        };
    }, [timestamps, lines, formatValue, formatTime, scale, theme]);

    return (
        <figure className="kvm-chart" id={id} data-points={timestamps.length}
            data-values={lines.reduce((count, line) => count + line.values.filter(v => v !== null).length, 0)}
            data-y-ticks={tickLabels.join(" | ")}>
            <figcaption className="kvm-chart-title">{title}</figcaption>
            <div className="kvm-chart-canvas"><canvas ref={canvas} aria-label={title} role="img" /></div>
        </figure>
    );
}
