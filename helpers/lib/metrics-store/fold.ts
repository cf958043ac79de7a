// One step of moving history down the tiers, the first that is due:
//   1. the oldest closed hour in the journal goes to its raw file and leaves the journal;
//   2. else the oldest raw file without an up-to-date 1m file gets one, and the hour's 30-minute
//      buckets go into the day's 30m file;
//   3. else the oldest closed day not yet in its month's 6h file goes there.
// One step per tick keeps every tick short: an hour of 100 VMs is about 11,000 raw rows, and a step
// writes one hour's files at most. Each step rewrites whole files atomically and keys every row by VM
// and time, so a step killed anywhere is simply done again, identically, next time. Files past their
// tier's length are dropped at each step. Call with the writers' lock held.
import { unlinkSync } from "node:fs";
import {
    closedJournalHours, filesWaitingForFold, isFoldPending, pendingDays, pendingMinuteHours,
} from "../../../src/core/metrics/fold-plan";
import { journalRows } from "../../../src/core/metrics/journal";
import { selectExpiredSegments } from "../../../src/core/metrics/retention";
import { rollUp } from "../../../src/core/metrics/rollup";
import type { TickRecord } from "../../../src/core/metrics/tick-record";
import { periodEnd, periodStart, tierById } from "../../../src/core/metrics/tiers";
import { fsyncDir } from "../durable-fs";
import type { ReadContext, StoreEnv } from "./context";
import { listSegments, markFoldPending, removeTempFiles } from "./directory";
import type { Journal } from "./journal";
import { moveAside } from "./quarantine";
import { openContext, rebuildFromSource } from "./reads";
import { readSegmentRows, segmentCoveredUntil, writeSegment, type WrittenFile } from "./segment-io";

export interface FoldReport {
    // Which step ran; null: nothing was due but dropping expired files.
    step: "journal" | "hour" | "day" | null;
    hoursFolded: number;
    written: WrittenFile[];
    expired: string[];
    quarantined: string[];
}

export async function foldStep(env: StoreEnv, journalFile: Journal, nowMs: number): Promise<FoldReport> {
    const report: FoldReport = { step: null, hoursFolded: 0, written: [], expired: [], quarantined: [] };
    const journal = journalFile.read();
    const ctx = await openContext(env, true, journal.records);
    removeTempFiles(env.dir);
    const closedHours = closedJournalHours(journal.records.map(r => r.t), nowMs);

    if (closedHours.length > 0 || journal.damagedLines > 0) {
        report.step = "journal";
        let keep = journal.records;
        if (closedHours.length > 0) {
            const hour = closedHours[0];
            foldJournalHour(ctx, hour, journal.records.filter(r => periodStart("hour", r.t) === hour), nowMs, report);
            report.hoursFolded = 1;
            keep = journal.records.filter(r => periodStart("hour", r.t) !== hour);
        }
        if (journal.damagedLines > 0) {
            moveAside(env, journalFile.path, `${journal.damagedLines} unreadable lines: ${journal.damageReasons.join("; ")}`, ctx);
        }
        // Marked before the journal loses the hour: from then on only the mark says a step is due.
        markFoldPending(env, isFoldPending(ctx.index, nowMs));
        journalFile.rewrite(keep);
    } else {
        const hour = pendingMinuteHours(ctx.index, nowMs)[0];
        const day = hour === undefined ? pendingDays(ctx.index, nowMs)[0] : undefined;
        if (hour !== undefined) {
            report.step = "hour";
            foldMinuteHour(ctx, hour, report);
        } else if (day !== undefined) {
            report.step = "day";
            foldDay(ctx, day, report);
        }
        markFoldPending(env, isFoldPending(ctx.index, nowMs));
    }

    const waiting = filesWaitingForFold(ctx.index, nowMs);
    for (const seg of selectExpiredSegments(listSegments(env.dir), nowMs)) {
        if (waiting.has(seg.name)) continue;
        unlinkSync(seg.path);
        report.expired.push(seg.name);
    }
    if (report.expired.length > 0) fsyncDir(env.dir, env.io);
    report.quarantined = ctx.quarantined;
    return report;
}

function foldJournalHour(ctx: ReadContext, hour: number, records: readonly TickRecord[], nowMs: number, report: FoldReport): void {
    const hourEnd = periodEnd("hour", hour);
    const rows = journalRows(records, null, hour, hourEnd);
    if (rows.length === 0) return;
    const late = (what: string): void =>
        ctx.log.warn(`dropped ${records.length} samples of ${new Date(hour).toISOString()}: ${what}`);
    if (!(ctx.index.get("raw")?.has(hour) ?? false) && (ctx.index.get("1m")?.has(hour) ?? false)) {
        // Its raw file has expired: the 1m buckets could only be recomputed from these few samples,
        // which would replace better ones.
        late("that hour is already summarised");
        return;
    }
    if (hourEnd <= nowMs - tierById("1m").keepMs) {
        // Samples older than the 1m tier keeps (the journal was not folded for a day): they go
        // straight into the day's 30m file, unless that already covers the hour.
        const halfHour = tierById("30m");
        const day = periodStart("day", hour);
        if (hourEnd <= nowMs - halfHour.keepMs) return late("older than any tier keeps");
        const seg = ctx.index.get("30m")?.get(day);
        const covered = seg ? segmentCoveredUntil(ctx, seg) : null;
        if (covered !== null && covered >= hourEnd) return late("that hour is already summarised");
        const buckets = rollUp(rows, halfHour.stepMs);
        report.written.push(writeSegment(ctx, halfHour, day, buckets, hourEnd,
            () => [...rebuildFromSource(ctx, halfHour, day, hour), ...buckets]));
        return;
    }
    // Late samples for an hour already on disk merge into it; step 2 then recomputes the hour's
    // buckets from everything the raw file holds.
    report.written.push(writeSegment(ctx, tierById("raw"), hour, rows, hourEnd));
}

function foldMinuteHour(ctx: ReadContext, hour: number, report: FoldReport): void {
    const raw = ctx.index.get("raw")?.get(hour);
    const hourEnd = periodEnd("hour", hour);
    const read = raw ? readSegmentRows(ctx, raw, null, hour, hourEnd) : null;
    if (!read) return;
    const minute = rollUp(read.rows, tierById("1m").stepMs);
    report.written.push(writeSegment(ctx, tierById("1m"), hour, minute, hourEnd));
    const halfHour = tierById("30m");
    const day = periodStart("day", hour);
    const buckets = rollUp(minute, halfHour.stepMs);
    report.written.push(writeSegment(ctx, halfHour, day, buckets, hourEnd,
        () => [...rebuildFromSource(ctx, halfHour, day, hour), ...buckets]));
}

// Merges a closed day's 6-hour buckets into its month's file.
function foldDay(ctx: ReadContext, day: number, report: FoldReport): void {
    const seg = ctx.index.get("30m")?.get(day);
    const read = seg ? readSegmentRows(ctx, seg, null, day, periodEnd("day", day)) : null;
    if (!read) return;
    const sixHours = tierById("6h");
    const month = periodStart("month", day);
    const buckets = rollUp(read.rows, sixHours.stepMs);
    report.written.push(writeSegment(ctx, sixHours, month, buckets, periodEnd("day", day),
        () => [...rebuildFromSource(ctx, sixHours, month, day), ...buckets]));
}
