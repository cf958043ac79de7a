// The retention policy's clean-up: removes everything older than a cutoff, whatever the tier. Call
// with the writers' lock held unless dryRun.
import { lstatSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { SqlValue } from "sql.js";
import { selectSegmentsToPrune } from "../../../src/core/metrics/retention";
import { quarantineTime } from "../../../src/core/metrics/segment-names";
import { tierById, type TierId } from "../../../src/core/metrics/tiers";
import { fsyncDir, writeStateFile } from "../durable-fs";
import type { SegmentFile, StoreEnv } from "./context";
import { listQuarantined, listSegments } from "./directory";
import type { Journal } from "./journal";
import { openContext } from "./reads";
import { scalar } from "./schema";
import { openSegment } from "./segment-io";

export interface PrunedFile {
    name: string;
    tier: TierId | null;
    action: "deleted" | "trimmed";
    // Rows removed; null when the file could not be read (it is removed all the same).
    rows: number | null;
    bytesFreed: number;
}

export interface PruneReport {
    cutoffMs: number;
    dryRun: boolean;
    files: PrunedFile[];
    journalRecordsRemoved: number;
    totals: { files: number; rows: number; bytesFreed: number };
}

export async function prune(env: StoreEnv, journalFile: Journal, cutoffMs: number, dryRun: boolean): Promise<PruneReport> {
    const journal = journalFile.read();
    const ctx = await openContext(env, !dryRun, journal.records);
    const { remove, trim } = selectSegmentsToPrune(listSegments(env.dir), cutoffMs);
    const files: PrunedFile[] = [];
    const countRows = (seg: SegmentFile, where: string, params: SqlValue[]): number | null => {
        const open = openSegment({ ...ctx, quarantine: false, warnings: [] }, seg, false);
        if (!open) return null;
        try {
            return Number(scalar(open.db, `SELECT count(*) FROM samples${where}`, params));
        } catch {
            return null;
        } finally {
            open.db.close();
        }
    };
    for (const seg of remove) {
        files.push({ name: seg.name, tier: seg.tier, action: "deleted", rows: countRows(seg, "", []), bytesFreed: seg.sizeBytes });
        if (!dryRun) unlinkSync(seg.path);
    }
    for (const seg of trim) {
        const stepS = tierById(seg.tier).stepMs / 1000;
        // isRowExpired(): the bucket ended at or before the cutoff.
        const bound = Math.floor(cutoffMs / 1000) - stepS;
        if (dryRun) {
            const rows = countRows(seg, " WHERE ts <= ?", [bound]);
            if (rows) files.push({ name: seg.name, tier: seg.tier, action: "trimmed", rows, bytesFreed: 0 });
            continue;
        }
        const open = openSegment(ctx, seg, true);
        if (!open) continue;
        const db = open.db;
        try {
            db.run("DELETE FROM samples WHERE ts <= ?", [bound]);
            const rows = db.getRowsModified();
            if (rows === 0) continue;
            db.run("DELETE FROM vms WHERE id NOT IN (SELECT vm_id FROM samples)");
            // sql.js exports free pages too; VACUUM makes the file actually shrink.
            db.exec("VACUUM");
            const bytes = db.export();
            writeStateFile(seg.path, bytes, env.io);
            files.push({ name: seg.name, tier: seg.tier, action: "trimmed", rows, bytesFreed: Math.max(0, seg.sizeBytes - bytes.length) });
        } finally {
            db.close();
        }
    }
    // Files moved aside as damaged are kept for a look until they fall out of the retention window.
    for (const name of listQuarantined(env.dir)) {
        const t = quarantineTime(name);
        if (t === null || t > cutoffMs) continue;
        const path = join(env.dir, name);
        const size = lstatSync(path).size;
        files.push({ name, tier: null, action: "deleted", rows: null, bytesFreed: size });
        if (!dryRun) unlinkSync(path);
    }
    const stale = journal.records.filter(r => r.t < cutoffMs).length;
    if (!dryRun && stale > 0) journalFile.rewrite(journal.records.filter(r => r.t >= cutoffMs));
    if (!dryRun && files.length > 0) fsyncDir(env.dir, env.io);
    return {
        cutoffMs, dryRun, files, journalRecordsRemoved: stale,
        totals: {
            files: files.filter(f => f.action === "deleted").length,
            rows: files.reduce((sum, f) => sum + (f.rows ?? 0), 0) + stale,
            bytesFreed: files.reduce((sum, f) => sum + f.bytesFreed, 0),
        },
    };
}
