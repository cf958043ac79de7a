// The names of the files in the metrics directory (see helpers/lib/metrics-store/): which tier and
// period a segment file holds, and when a damaged file was moved aside. Pure; times are UTC ms.
import { isTierId, tierById, type SegmentPeriod, type Tier, type TierId } from "./tiers";

export const JOURNAL_FILE = "journal.ndjson";
export const LOCK_FILE = "metrics.lock";
// Present while a fold step is still due although the journal holds no closed hour (an hour's 1m
// file, a day's 6h buckets): the collector's plain tick then needs no directory listing to know.
export const FOLD_PENDING_FILE = "fold.pending";
export const CORRUPT_MARKER = ".corrupt-";

function pad(n: number, width = 2): string {
    return String(n).padStart(width, "0");
}

//   raw-2025-01-31T13.sqlite, 1m-2025-01-31T13.sqlite   one hour
//   30m-2025-01-31.sqlite                                one UTC day
//   6h-2025-01.sqlite                                    one UTC month
export function segmentFileName(tier: Tier, startMs: number): string {
    const d = new Date(startMs);
    const month = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}`;
    if (tier.period === "month") return `${tier.id}-${month}.sqlite`;
    const day = `${month}-${pad(d.getUTCDate())}`;
    if (tier.period === "day") return `${tier.id}-${day}.sqlite`;
    return `${tier.id}-${day}T${pad(d.getUTCHours())}.sqlite`;
}

const NAME_PATTERN = /^(raw|1m|30m|6h)-(\d{4})-(\d{2})(?:-(\d{2})(?:T(\d{2}))?)?\.sqlite$/;

export function parseSegmentFileName(name: string): { tier: TierId; startMs: number } | null {
    const m = NAME_PATTERN.exec(name);
    if (!m || !isTierId(m[1])) return null;
    const tier = tierById(m[1]);
    const expected: SegmentPeriod = m[5] !== undefined ? "hour" : m[4] !== undefined ? "day" : "month";
    if (expected !== tier.period) return null;
    const startMs = Date.UTC(Number(m[2]), Number(m[3]) - 1, Number(m[4] ?? 1), Number(m[5] ?? 0));
    // Reject names like 2025-13-40 that Date.UTC would quietly roll over.
    if (segmentFileName(tier, startMs) !== name) return null;
    return { tier: tier.id, startMs };
}

// 2025-01-31T13:00:05.123Z -> 20250131T130005Z
function compactUtc(ms: number): string {
    return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

// NAME.corrupt-20250131T130005Z: a damaged file moved aside at that time, kept for a look until the
// retention clean-up passes it.
export function quarantineName(name: string, atMs: number): string {
    return `${name}${CORRUPT_MARKER}${compactUtc(atMs)}`;
}

// When a file named by quarantineName() was moved aside; null for any other name.
export function quarantineTime(name: string): number | null {
    const m = /\.corrupt-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(name);
    if (!m) return null;
    const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
    return Number.isNaN(t) ? null : t;
}

export function isQuarantineName(name: string): boolean {
    return name.includes(CORRUPT_MARKER);
}
