// Which step of moving history down the tiers is due (see helpers/lib/metrics-store/fold.ts), from
// what the metrics directory holds and the journal's record times. Pure; times are UTC ms.
import type { SegmentRef } from "./retention";
import { segmentFileName } from "./segment-names";
import { TIERS, periodStart, tierById, type TierId } from "./tiers";

// A segment file as the directory listing shows it.
export interface SegmentInfo extends SegmentRef {
    name: string;
    mtimeMs: number;
    sizeBytes: number;
}

// tier -> period start -> file
export type SegmentIndex<S extends SegmentInfo = SegmentInfo> = Map<TierId, Map<number, S>>;

export function buildSegmentIndex<S extends SegmentInfo>(segments: readonly S[]): SegmentIndex<S> {
    const index: SegmentIndex<S> = new Map();
    for (const tier of TIERS) index.set(tier.id, new Map());
    for (const s of segments) index.get(s.tier)?.set(s.startMs, s);
    return index;
}

// Start times of the closed hours (before the one nowMs is in) that journal records fall in, oldest
// first, each once.
export function closedJournalHours(recordTimes: Iterable<number>, nowMs: number): number[] {
    const openHour = periodStart("hour", nowMs);
    const hours = new Set<number>();
    for (const t of recordTimes) if (t < openHour) hours.add(periodStart("hour", t));
    return [...hours].sort((a, b) => a - b);
}

// Raw files of closed hours whose 1m file is missing or older (late samples were merged in since),
// oldest first. Hours past the 1m tier's length are left to expire.
export function pendingMinuteHours(index: SegmentIndex, nowMs: number): number[] {
    const openHour = periodStart("hour", nowMs);
    const oldest = nowMs - tierById("1m").keepMs;
    const result: number[] = [];
    for (const [hour, raw] of index.get("raw") ?? []) {
        if (raw.endMs > openHour || raw.endMs <= oldest) continue;
        const minute = index.get("1m")?.get(hour);
        if (!minute || raw.mtimeMs > minute.mtimeMs) result.push(hour);
    }
    return result.sort((a, b) => a - b);
}

// Closed days whose 30m file is not (fully) in the month's 6h file yet, oldest first. The 6h file is
// written right after each 30m file of a closed day, so "older than the 30m file" means "not merged".
export function pendingDays(index: SegmentIndex, nowMs: number): number[] {
    const openDay = periodStart("day", nowMs);
    const result: number[] = [];
    for (const [day, half] of index.get("30m") ?? []) {
        if (half.endMs > openDay) continue;
        const month = index.get("6h")?.get(periodStart("month", day));
        if (!month || half.mtimeMs > month.mtimeMs) result.push(day);
    }
    return result.sort((a, b) => a - b);
}

export function isFoldPending(index: SegmentIndex, nowMs: number): boolean {
    return pendingMinuteHours(index, nowMs).length > 0 || pendingDays(index, nowMs).length > 0;
}

// Files kept past their tier's length because a pending step still reads them: a raw file waiting
// for its 1m file, a 30m file for its month.
export function filesWaitingForFold(index: SegmentIndex, nowMs: number): Set<string> {
    return new Set([
        ...pendingMinuteHours(index, nowMs).map(h => segmentFileName(tierById("raw"), h)),
        ...pendingDays(index, nowMs).map(d => segmentFileName(tierById("30m"), d)),
    ]);
}

// What the journal's first line says about folding: a closed hour (or a first line that is not a
// record, which the fold moves aside) makes a step due.
export type JournalHead = "empty" | "unreadable" | number;

export function journalHeadNeedsFold(head: JournalHead, nowMs: number): boolean {
    if (head === "empty") return false;
    if (head === "unreadable") return true;
    return head < periodStart("hour", nowMs);
}
