// Growth trends: a straight line fitted to the bucket averages, and the date it reaches a limit. Only
// a steady climb over at least a day counts: the line must explain most of the variation (r²), or a
// daily rhythm would read as growth.
import type { MetricName } from "../metrics/rollup";
import { DAY_MS, HOUR_MS } from "../metrics/tiers";
import { CPU_HIGH_P95 } from "./cpu";
import { MEMORY_UNDER_P95 } from "./memory";
import { linearFit, makeSuggestion, points, round } from "./series-stats";
import type { Suggestion, SuggestionKind, VmConfig, VmHistory } from "./types";

export const TREND_MIN_SPAN_MS = 24 * HOUR_MS;
export const TREND_MIN_POINTS = 12;
export const TREND_MIN_R2 = 0.5;
// Further out, a straight line says little.
export const TREND_HORIZON_MS = 90 * DAY_MS;
export const TREND_WARNING_MS = 14 * DAY_MS;

function trend(history: VmHistory, dataHours: number, metric: MetricName, limit: number, kind: SuggestionKind): Suggestion | null {
    const pts = points(history, metric, "avg");
    if (pts.length < TREND_MIN_POINTS || pts[pts.length - 1].tsMs - pts[0].tsMs < TREND_MIN_SPAN_MS) return null;
    const fit = linearFit(pts);
    if (!fit || fit.slope <= 0 || fit.r2 < TREND_MIN_R2) return null;
    const now = history.endMs;
    const current = fit.intercept + fit.slope * now;
    // Already at the limit: the sizing rules speak for that.
    if (current >= limit) return null;
    const limitAtMs = Math.round((limit - fit.intercept) / fit.slope);
    if (limitAtMs - now > TREND_HORIZON_MS) return null;
    return makeSuggestion(history, dataHours, {
        kind, category: "trend", severity: limitAtMs - now <= TREND_WARNING_MS ? "warning" : "info",
        values: {
            currentPercent: round(current), limitPercent: limit, perDayPercent: round(fit.slope * DAY_MS, 2),
            r2: round(fit.r2, 2), limitAtMs,
        },
        change: null,
    });
}

export function trendSuggestions(history: VmHistory, config: VmConfig, dataHours: number): Suggestion[] {
    const out: Suggestion[] = [];
    const cpu = trend(history, dataHours, "cpuPercent", CPU_HIGH_P95, "trend-cpu");
    if (cpu) out.push(cpu);
    // The host's RSS only grows as a guest touches memory, which is no sign of need.
    if (config.memorySource === "guest") {
        const memory = trend(history, dataHours, "memoryPercent", MEMORY_UNDER_P95, "trend-memory");
        if (memory) out.push(memory);
    }
    return out;
}
