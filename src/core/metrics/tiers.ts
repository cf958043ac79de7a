// The shape of the metrics history: which resolutions exist, how long each is kept, how the files that
// hold them are cut in time, and which resolution a chart range reads. Pure; times are UTC milliseconds.
//
// Proxmox VE keeps 1-minute buckets for a day, 30-minute for a month and 6-hour for a year. We keep
// the 30-second samples themselves for 6 hours (finer than anything Proxmox keeps), 1-minute buckets
// for 24 hours, 30-minute for 31 days and 6-hour for 366 days. A 1-week tier is left out on purpose:
// the retention policy caps history at 365 days, which the 6-hour tier already covers.

export type TierId = "raw" | "1m" | "30m" | "6h";

// Each tier lives in files that cover one calendar period; a file is written when its period has
// closed, so a collector tick never rewrites history (see helpers/lib/metrics-store/).
export type SegmentPeriod = "hour" | "day" | "month";

export interface Tier {
    id: TierId;
    // Bucket width. For "raw" it is the collector's nominal tick interval.
    stepMs: number;
    // A file of this tier is removed once its period ended more than keepMs ago.
    keepMs: number;
    period: SegmentPeriod;
    // The finer tier this one is computed from; "raw" comes from the collector's journal.
    source: TierId | null;
}

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

export const COLLECT_INTERVAL_MS = 30 * SECOND_MS;

export const TIERS: readonly Tier[] = [
    { id: "raw", stepMs: COLLECT_INTERVAL_MS, keepMs: 6 * HOUR_MS, period: "hour", source: null },
    { id: "1m", stepMs: MINUTE_MS, keepMs: DAY_MS, period: "hour", source: "raw" },
    { id: "30m", stepMs: 30 * MINUTE_MS, keepMs: 31 * DAY_MS, period: "day", source: "1m" },
    { id: "6h", stepMs: 6 * HOUR_MS, keepMs: 366 * DAY_MS, period: "month", source: "30m" },
];

export const TIER_IDS: readonly TierId[] = TIERS.map(t => t.id);

export function tierById(id: TierId): Tier {
    const tier = TIERS.find(t => t.id === id);
    if (!tier) throw new Error(`unknown metrics tier ${id}`);
    return tier;
}

export function isTierId(value: string): value is TierId {
    return (TIER_IDS as readonly string[]).includes(value);
}

export function periodStart(period: SegmentPeriod, tMs: number): number {
    if (period === "hour") return Math.floor(tMs / HOUR_MS) * HOUR_MS;
    if (period === "day") return Math.floor(tMs / DAY_MS) * DAY_MS;
    const d = new Date(tMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function periodEnd(period: SegmentPeriod, startMs: number): number {
    if (period === "hour") return startMs + HOUR_MS;
    if (period === "day") return startMs + DAY_MS;
    const d = new Date(startMs);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

// Start times of the periods that overlap [startMs, endMs).
export function periodsOverlapping(period: SegmentPeriod, startMs: number, endMs: number): number[] {
    const result: number[] = [];
    for (let p = periodStart(period, startMs); p < endMs; p = periodEnd(period, p)) result.push(p);
    return result;
}

export function bucketStart(tMs: number, stepMs: number): number {
    return Math.floor(tMs / stepMs) * stepMs;
}

// The ranges the VM details page offers, plus a year for the command line.
export const HISTORY_RANGES = {
    "1h": HOUR_MS,
    "6h": 6 * HOUR_MS,
    "24h": DAY_MS,
    "7d": 7 * DAY_MS,
    "30d": 30 * DAY_MS,
    "1y": 365 * DAY_MS,
} as const;

export type HistoryRange = keyof typeof HISTORY_RANGES;

export function isHistoryRange(value: string): value is HistoryRange {
    return Object.prototype.hasOwnProperty.call(HISTORY_RANGES, value);
}

// More points than a chart is wide only costs transfer and drawing time.
export const MAX_CHART_POINTS = 1500;

// The finest tier that still holds the whole range and gives at most maxPoints buckets:
// 1 h and 6 h read the 30-second samples, 24 h the 1-minute tier, 7 d and 30 d the 30-minute tier,
// a year the 6-hour tier.
export function chooseTier(rangeMs: number, maxPoints: number = MAX_CHART_POINTS): Tier {
    for (const tier of TIERS) {
        if (tier.keepMs >= rangeMs && rangeMs / tier.stepMs <= maxPoints) return tier;
    }
    return TIERS[TIERS.length - 1];
}

export interface HistoryWindow {
    tier: Tier;
    stepMs: number;
    // [startMs, endMs): bucket starts are startMs, startMs + stepMs, ...; the last bucket holds endAtMs.
    startMs: number;
    endMs: number;
}

export function historyWindow(rangeMs: number, endAtMs: number, maxPoints: number = MAX_CHART_POINTS): HistoryWindow {
    const tier = chooseTier(rangeMs, maxPoints);
    const endMs = bucketStart(endAtMs, tier.stepMs) + tier.stepMs;
    const points = Math.ceil(rangeMs / tier.stepMs);
    return { tier, stepMs: tier.stepMs, startMs: endMs - points * tier.stepMs, endMs };
}
