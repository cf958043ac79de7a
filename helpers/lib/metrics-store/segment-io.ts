// Reading and writing one segment file. sql.js keeps a database in memory: a file is read whole,
// and written whole through writeStateFile (temporary file, fsync, rename).
import { lstatSync } from "node:fs";
import { join } from "node:path";
import type { Database } from "sql.js";
import { METRIC_NAMES, compareRows, emptyMetricValues, type BucketRow, type MetricName } from "../../../src/core/metrics/rollup";
import { segmentFileName } from "../../../src/core/metrics/segment-names";
import { periodEnd, type Tier, type TierId } from "../../../src/core/metrics/tiers";
import { readFileNoFollow, writeStateFile } from "../durable-fs";
import type { ReadContext, SegmentFile } from "./context";
import { segmentUnusable } from "./quarantine";
import { COLUMN_OF, METRIC_COLUMNS, createSegmentDb, migrateSegmentDb, scalar } from "./schema";

const INSERT_BATCH_ROWS = 50;

export interface WrittenFile {
    name: string;
    bytes: number;
    rows: number;
}

interface OpenSegment {
    db: Database;
    // The file holds everything of its period before this time; later parts come from finer tiers.
    coveredUntilMs: number;
}

// Opens a segment, checked and migrated; null when it cannot be used (then warned about, and moved
// aside when the context is a writer's). thorough: an integrity check first, for a file about to be
// written back.
export function openSegment(ctx: ReadContext, seg: SegmentFile, thorough: boolean): OpenSegment | null {
    let db: Database | null = null;
    try {
        db = new ctx.sql.Database(readFileNoFollow(seg.path));
        if (thorough) {
            const check = scalar(db, "PRAGMA quick_check");
            if (check !== "ok") throw new Error(`integrity check: ${String(check)}`);
        }
        migrateSegmentDb(db);
        const covered = Date.parse(String(scalar(db, "SELECT value FROM meta WHERE key = 'covered_until'")));
        return { db, coveredUntilMs: Number.isNaN(covered) ? seg.endMs : Math.min(covered, seg.endMs) };
    } catch (err) {
        db?.close();
        segmentUnusable(ctx, seg, err as Error);
        return null;
    }
}

function queryRows(db: Database, tier: TierId, vm: string | null, loMs: number, hiMs: number): BucketRow[] {
    const where = vm === null ? "" : "v.name = ? AND ";
    const stmt = db.prepare(
        `SELECT v.name, s.ts, s.n, ${METRIC_COLUMNS.map(c => `s.${c}`).join(", ")} FROM samples s ` +
        `JOIN vms v ON v.id = s.vm_id WHERE ${where}s.ts >= ? AND s.ts < ?`);
    const rows: BucketRow[] = [];
    try {
        const lo = Math.ceil(loMs / 1000);
        const hi = Math.ceil(hiMs / 1000);
        stmt.bind(vm === null ? [lo, hi] : [vm, lo, hi]);
        while (stmt.step()) {
            const r = stmt.get();
            const avg = emptyMetricValues();
            // A raw sample is its own maximum (see rawRow).
            const max = tier === "raw" ? avg : emptyMetricValues();
            METRIC_NAMES.forEach((m, i) => {
                const scale = COLUMN_OF[m].scale;
                const a = r[3 + 2 * i];
                avg[m] = typeof a === "number" ? a / scale : null;
                if (tier !== "raw") {
                    const x = r[4 + 2 * i];
                    max[m] = typeof x === "number" ? x / scale : null;
                }
            });
            rows.push({ vm: String(r[0]), tsMs: Number(r[1]) * 1000, n: Number(r[2]), avg, max });
        }
    } finally {
        stmt.free();
    }
    return rows;
}

// The file's rows in [loMs, hiMs) and how far the file is complete; null when it cannot be read.
export function readSegmentRows(ctx: ReadContext, seg: SegmentFile, vm: string | null, loMs: number, hiMs: number):
    { rows: BucketRow[]; coveredUntilMs: number } | null {
    const open = openSegment(ctx, seg, false);
    if (!open) return null;
    try {
        const rows = queryRows(open.db, seg.tier, vm, loMs, Math.min(hiMs, open.coveredUntilMs));
        return { rows, coveredUntilMs: open.coveredUntilMs };
    } catch (err) {
        // Damage deeper in the file than its header shows up only when a query reaches it.
        segmentUnusable(ctx, seg, err as Error);
        return null;
    } finally {
        open.db.close();
    }
}

// How far a file is complete; null when it cannot be read.
export function segmentCoveredUntil(ctx: ReadContext, seg: SegmentFile): number | null {
    const open = openSegment(ctx, seg, false);
    open?.db.close();
    return open ? open.coveredUntilMs : null;
}

// Merges rows into the file of one tier and period (creating it if needed) and moves its
// covered_until mark forward to coveredUntilMs. rowsForNewFile supplies the rows when the file has
// to be started afresh (it did not exist, or was damaged and moved aside): a coarse file is then
// rebuilt from every finer file still there, not just from what this step brings.
export function writeSegment(ctx: ReadContext, tier: Tier, startMs: number, rows: readonly BucketRow[],
    coveredUntilMs: number, rowsForNewFile?: () => BucketRow[]): WrittenFile {
    const name = segmentFileName(tier, startMs);
    const path = join(ctx.dir, name);
    const endMs = periodEnd(tier.period, startMs);
    const existing = ctx.index.get(tier.id)?.get(startMs);
    const open = existing ? openSegment(ctx, existing, true) : null;
    let db: Database;
    let covered = coveredUntilMs;
    if (open) {
        db = open.db;
        covered = Math.max(covered, open.coveredUntilMs);
    } else {
        db = createSegmentDb(ctx.sql, tier, startMs);
        if (rowsForNewFile) rows = rowsForNewFile();
    }
    try {
        // The database lives in memory and reaches disk only as a whole file, so SQLite's own
        // rollback journal would only cost time.
        db.exec("PRAGMA journal_mode = OFF");
        db.exec("BEGIN");
        insertRows(db, tier, rows);
        db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('covered_until', ?), ('written_at', ?)",
            [new Date(Math.min(covered, endMs)).toISOString(), new Date().toISOString()]);
        db.exec("COMMIT");
        const count = Number(scalar(db, "SELECT count(*) FROM samples"));
        const bytes = db.export();
        writeStateFile(path, bytes, ctx.io);
        const st = lstatSync(path);
        ctx.index.get(tier.id)?.set(startMs, {
            tier: tier.id, startMs, endMs, name, path, mtimeMs: st.mtimeMs, sizeBytes: st.size,
        });
        return { name, bytes: bytes.length, rows: count };
    } finally {
        db.close();
    }
}

function insertRows(db: Database, tier: Tier, rows: readonly BucketRow[]): void {
    // In key order, SQLite appends to its B-tree instead of splitting pages: faster, and fuller pages.
    const sorted = [...rows].sort(compareRows);
    const ids = new Map<string, number>();
    const insertVm = db.prepare("INSERT OR IGNORE INTO vms (name) VALUES (?)");
    const selectVm = db.prepare("SELECT id FROM vms WHERE name = ?");
    // Raw rows leave the *_max columns to their NULL default: fewer values to bind.
    const metricColumns = tier.id === "raw" ? METRIC_COLUMNS.filter(c => c.endsWith("_avg")) : METRIC_COLUMNS;
    const columns = ["vm_id", "ts", "n", ...metricColumns];
    // Many rows per statement: each statement run is several calls into WebAssembly, so batching
    // cuts an hour's insert time by a third or more.
    const insertSql = (rowCount: number): string =>
        `INSERT OR REPLACE INTO samples (${columns.join(", ")}) VALUES ` +
        new Array(rowCount).fill(`(${columns.map(() => "?").join(", ")})`).join(", ");
    const batch = db.prepare(insertSql(INSERT_BATCH_ROWS));
    const encode = (value: number | null, m: MetricName): number | null =>
        value === null ? null : Math.round(value * COLUMN_OF[m].scale);
    try {
        const vmId = (name: string): number => {
            let id = ids.get(name);
            if (id === undefined) {
                insertVm.run([name]);
                selectVm.bind([name]);
                selectVm.step();
                id = Number(selectVm.get()[0]);
                selectVm.reset();
                ids.set(name, id);
            }
            return id;
        };
        let values: (number | null)[] = [];
        let pending = 0;
        for (const row of sorted) {
            values.push(vmId(row.vm), Math.floor(row.tsMs / 1000), row.n);
            for (const m of METRIC_NAMES) {
                values.push(encode(row.avg[m], m));
                if (tier.id !== "raw") values.push(encode(row.max[m], m));
            }
            if (++pending === INSERT_BATCH_ROWS) {
                batch.run(values);
                values = [];
                pending = 0;
            }
        }
        if (pending > 0) {
            const rest = db.prepare(insertSql(pending));
            try {
                rest.run(values);
            } finally {
                rest.free();
            }
        }
    } finally {
        insertVm.free();
        selectVm.free();
        batch.free();
    }
}
