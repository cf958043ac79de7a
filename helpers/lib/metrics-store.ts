// Metrics history on disk, under STATE_DIR/metrics/:
//
//   journal.ndjson            one line per collector tick not yet folded (the open hour, usually)
//   raw-2025-01-31T13.sqlite  30-second samples of one hour             (kept 6 h)
//   1m-2025-01-31T13.sqlite   1-minute buckets of one hour              (kept 24 h)
//   30m-2025-01-31.sqlite     30-minute buckets of one UTC day          (kept 31 d)
//   6h-2025-01.sqlite         6-hour buckets of one UTC month           (kept 366 d)
//   metrics.lock              held by the one writer (collector, retention)
//
// sql.js keeps a database in memory and writes it out as a whole file, so no file may be bigger than
// what the tick that writes it can afford. A tick appends one fsynced line to the journal (about
// 13 KiB for 100 VMs) and nothing else, except that when something is due it also does ONE step of
// moving history down the tiers (fold()): at the first tick of an hour the closed hour leaves the
// journal for its raw file; at the next tick the hour's 1m file is written and its 30-minute buckets
// merged into the day's 30m file; after a day has closed, the next tick merges the day's 6-hour
// buckets into the month's 6h file. Every file is replaced atomically (durable-fs.ts) and every row is
// keyed by VM and time, so a step killed anywhere is simply done again, identically, at the next
// tick: kill -9 loses at most the tick in progress.
//
// The day and month files fill up as their period goes on; each records in its meta table up to when
// it is complete (covered_until). A reader (kvm-manager-history) takes no lock. For each period it
// reads the tier's file up to covered_until and computes the rest from the next finer tier, down to
// the journal for the open hour. It reads the journal before the files, so a fold running meanwhile
// can make it see a sample twice (rolled up with itself, it changes nothing but the sample count) but
// never miss one.
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, closeSync, renameSync, statSync, unlinkSync, ftruncateSync, fstatSync } from "node:fs";
import { join } from "node:path";
import type { Database, SqlJsStatic, SqlValue } from "sql.js";
import {
    METRIC_NAMES, compareRows, emptyMetricValues, hasAnyMetric, rawRow, rollUp, type BucketRow, type MetricName,
} from "../../src/core/metrics/rollup";
import { selectExpiredSegments, selectSegmentsToPrune, type SegmentRef } from "../../src/core/metrics/retention";
import { decodeTickRecord, encodeTickRecord, type TickRecord } from "../../src/core/metrics/tick-record";
import {
    TIERS, isTierId, periodEnd, periodStart, periodsOverlapping, tierById, type SegmentPeriod, type Tier, type TierId,
} from "../../src/core/metrics/tiers";
import { TEMP_MARKER, appendDurable, fsyncDir, writeFileAtomic } from "./durable-fs";
import { acquireLock, type HeldLock } from "./lock";
import type { Logger } from "./log";
import { loadSqlJs } from "./sqljs";

export const SCHEMA_VERSION = 1;
export const JOURNAL_FILE = "journal.ndjson";
export const LOCK_FILE = "metrics.lock";
const CORRUPT_MARKER = ".corrupt-";

// Stored as integers: SQLite then needs 1 to 4 bytes a value instead of 8, and idle counters (0) none.
const COLUMN_OF: Record<MetricName, { column: string; scale: number }> = {
    cpuPercent: { column: "cpu", scale: 100 },
    memoryUsedKiB: { column: "mem", scale: 1 },
    memoryPercent: { column: "mempct", scale: 100 },
    diskReadBps: { column: "drd", scale: 1 },
    diskWriteBps: { column: "dwr", scale: 1 },
    netRxBps: { column: "nrx", scale: 1 },
    netTxBps: { column: "ntx", scale: 1 },
};

const INSERT_BATCH_ROWS = 50;

const METRIC_COLUMNS = METRIC_NAMES.flatMap(m => [`${COLUMN_OF[m].column}_avg`, `${COLUMN_OF[m].column}_max`]);

const SCHEMA_V1 = [
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE vms (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)",
    // ts: UTC seconds, the sample time (raw) or the bucket start. n: collector samples behind the row.
    // Raw rows leave the *_max columns NULL (a sample is its own maximum). The primary key is the
    // range-query index: one VM, a time span.
    `CREATE TABLE samples (vm_id INTEGER NOT NULL, ts INTEGER NOT NULL, n INTEGER NOT NULL, ${METRIC_COLUMNS.map(c => `${c} INTEGER`).join(", ")}, PRIMARY KEY (vm_id, ts)) WITHOUT ROWID`,
];

export interface Migration {
    // Brings a file from version `to - 1` to version `to`.
    to: number;
    statements: readonly string[];
}

// Empty while version 1 is the only one; a schema change appends here and bumps SCHEMA_VERSION.
export const MIGRATIONS: readonly Migration[] = [];

export class SchemaTooNewError extends Error {}

// Applies the migrations a file needs; returns whether it changed. Exported for tests of the mechanism.
export function migrateSegmentDb(db: Database, migrations: readonly Migration[] = MIGRATIONS,
    targetVersion: number = SCHEMA_VERSION): boolean {
    const version = Number(scalar(db, "SELECT value FROM meta WHERE key = 'schema_version'"));
    if (!Number.isInteger(version) || version < 1) throw new Error("no schema version");
    if (version > targetVersion) throw new SchemaTooNewError(`schema version ${version} is newer than this program's ${targetVersion}`);
    if (version === targetVersion) return false;
    db.exec("BEGIN");
    for (const migration of migrations.filter(m => m.to > version && m.to <= targetVersion).sort((a, b) => a.to - b.to)) {
        for (const sql of migration.statements) db.exec(sql);
    }
    db.run("UPDATE meta SET value = ? WHERE key = 'schema_version'", [String(targetVersion)]);
    db.exec("COMMIT");
    return true;
}

function scalar(db: Database, sql: string, params: SqlValue[] = []): SqlValue {
    const stmt = db.prepare(sql);
    try {
        stmt.bind(params);
        return stmt.step() ? stmt.get()[0] : null;
    } finally {
        stmt.free();
    }
}

export interface SegmentFile extends SegmentRef {
    name: string;
    path: string;
    mtimeMs: number;
    sizeBytes: number;
}

function pad(n: number, width = 2): string {
    return String(n).padStart(width, "0");
}

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

function compactUtc(ms: number): string {
    return new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
}

export interface JournalContents {
    records: TickRecord[];
    // Lines that are neither a record nor the torn tail of an interrupted append.
    damagedLines: number;
    damageReasons: string[];
    tornTail: boolean;
}

export function parseJournal(text: string): JournalContents {
    const lines = text.split("\n");
    // Text after the last newline is an append that kill -9 or a power cut interrupted.
    const tail = lines.pop() ?? "";
    const result: JournalContents = { records: [], damagedLines: 0, damageReasons: [], tornTail: tail !== "" };
    for (const line of lines) {
        if (line === "") continue;
        const decoded = decodeTickRecord(line);
        if (decoded.ok) {
            result.records.push(decoded.record);
        } else {
            result.damagedLines++;
            if (result.damageReasons.length < 3) result.damageReasons.push(decoded.reason);
        }
    }
    return result;
}

export interface WrittenFile {
    name: string;
    bytes: number;
    rows: number;
}

export interface FoldReport {
    // Which step ran (see fold()); null: nothing was due but dropping expired files.
    step: "journal" | "hour" | "day" | null;
    hoursFolded: number;
    written: WrittenFile[];
    expired: string[];
    quarantined: string[];
}

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

interface OpenSegment {
    db: Database;
    // The file holds everything of its period before this time; later parts come from finer tiers.
    coveredUntilMs: number;
}

type SegmentIndex = Map<TierId, Map<number, SegmentFile>>;

interface ReadContext {
    sql: SqlJsStatic;
    index: SegmentIndex;
    journal: TickRecord[];
    // Writers move damaged files aside; readers only warn, they must not touch the directory.
    quarantine: boolean;
    warnings: string[];
    quarantined: string[];
}

export class MetricsStore {
    readonly journalPath: string;
    readonly lockPath: string;

    constructor(readonly dir: string, private readonly log: Logger) {
        this.journalPath = join(dir, JOURNAL_FILE);
        this.lockPath = join(dir, LOCK_FILE);
    }

    ensureDir(): void {
        mkdirSync(this.dir, { recursive: true, mode: 0o755 });
    }

    lock(timeoutMs?: number): HeldLock {
        this.ensureDir();
        return acquireLock(this.lockPath, { timeoutMs });
    }

    // ---- journal (writer side: call with the lock held) ----

    private readChunk(fd: number, position: number, length: number): Buffer {
        const buf = Buffer.alloc(length);
        const read = readSync(fd, buf, 0, length, position);
        return buf.subarray(0, read);
    }

    // Cuts off a torn last line, so the next append starts on a line of its own.
    repairJournalTail(): boolean {
        if (!existsSync(this.journalPath)) return false;
        const fd = openSync(this.journalPath, "r+");
        try {
            const size = fstatSync(fd).size;
            if (size === 0 || this.readChunk(fd, size - 1, 1)[0] === 0x0a) return false;
            let keep = 0;
            for (let end = size; end > 0;) {
                const start = Math.max(0, end - 65536);
                const chunk = this.readChunk(fd, start, end - start);
                const nl = chunk.lastIndexOf(0x0a);
                if (nl >= 0) {
                    keep = start + nl + 1;
                    break;
                }
                end = start;
            }
            ftruncateSync(fd, keep);
            this.log.warn(`cut ${size - keep} bytes of an interrupted write off the end of ${this.journalPath}`);
            return true;
        } finally {
            closeSync(fd);
        }
    }

    // The last complete record: the previous tick, whose counters this tick's rates start from.
    lastTick(): TickRecord | null {
        if (!existsSync(this.journalPath)) return null;
        const fd = openSync(this.journalPath, "r");
        try {
            let end = fstatSync(fd).size;
            let tail = Buffer.alloc(0);
            while (end > 0) {
                const start = Math.max(0, end - 65536);
                tail = Buffer.concat([this.readChunk(fd, start, end - start), tail]);
                end = start;
                const text = tail.toString("utf8");
                const lastNl = text.lastIndexOf("\n");
                if (lastNl < 0) continue;
                const prevNl = text.lastIndexOf("\n", lastNl - 1);
                if (prevNl < 0 && end > 0) continue;
                const decoded = decodeTickRecord(text.slice(prevNl + 1, lastNl));
                return decoded.ok ? decoded.record : null;
            }
            return null;
        } finally {
            closeSync(fd);
        }
    }

    appendTick(record: TickRecord): void {
        this.ensureDir();
        const created = !existsSync(this.journalPath);
        appendDurable(this.journalPath, encodeTickRecord(record) + "\n");
        if (created) fsyncDir(this.dir);
    }

    readJournal(): JournalContents {
        let text: string;
        try {
            text = readFileSync(this.journalPath, "utf8");
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") return parseJournal("");
            throw err;
        }
        return parseJournal(text);
    }

    private rewriteJournal(records: readonly TickRecord[]): void {
        writeFileAtomic(this.journalPath, records.map(r => encodeTickRecord(r) + "\n").join(""));
    }

    // ---- segment files ----

    listSegments(): SegmentFile[] {
        let names: string[];
        try {
            names = readdirSync(this.dir);
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
            throw err;
        }
        const result: SegmentFile[] = [];
        for (const name of names) {
            const parsed = parseSegmentFileName(name);
            if (!parsed) continue;
            const path = join(this.dir, name);
            let st;
            try {
                st = statSync(path);
            } catch {
                continue; // removed since readdir
            }
            const tier = tierById(parsed.tier);
            result.push({
                tier: parsed.tier, startMs: parsed.startMs, endMs: periodEnd(tier.period, parsed.startMs),
                name, path, mtimeMs: st.mtimeMs, sizeBytes: st.size,
            });
        }
        return result.sort((a, b) => a.startMs - b.startMs || a.name.localeCompare(b.name));
    }

    private buildIndex(segments: readonly SegmentFile[]): SegmentIndex {
        const index = new Map<TierId, Map<number, SegmentFile>>();
        for (const tier of TIERS) index.set(tier.id, new Map());
        for (const s of segments) index.get(s.tier)?.set(s.startMs, s);
        return index;
    }

    private async context(quarantine: boolean, journal: TickRecord[]): Promise<ReadContext> {
        return {
            sql: await loadSqlJs(), index: this.buildIndex(this.listSegments()), journal, quarantine,
            warnings: [], quarantined: [],
        };
    }

    private moveAside(ctx: ReadContext | null, path: string, why: string): string {
        const aside = `${path}${CORRUPT_MARKER}${compactUtc(Date.now())}`;
        renameSync(path, aside);
        fsyncDir(this.dir);
        this.log.error(`${path} is damaged (${why}); moved it aside to ${aside} and starting a new one`);
        ctx?.quarantined.push(aside);
        return aside;
    }

    // Opens a segment, checked and migrated; null when it cannot be used (then warned about, and moved
    // aside when the context is a writer's).
    private openSegment(ctx: ReadContext, seg: SegmentFile, thorough: boolean): OpenSegment | null {
        let db: Database | null = null;
        try {
            db = new ctx.sql.Database(readFileSync(seg.path));
            if (thorough) {
                const check = scalar(db, "PRAGMA quick_check");
                if (check !== "ok") throw new Error(`integrity check: ${String(check)}`);
            }
            migrateSegmentDb(db);
            const covered = Date.parse(String(scalar(db, "SELECT value FROM meta WHERE key = 'covered_until'")));
            return { db, coveredUntilMs: Number.isNaN(covered) ? seg.endMs : Math.min(covered, seg.endMs) };
        } catch (err) {
            db?.close();
            this.unusable(ctx, seg, err as Error);
            return null;
        }
    }

    private unusable(ctx: ReadContext, seg: SegmentFile, err: Error): void {
        ctx.index.get(seg.tier)?.delete(seg.startMs);
        // Expired or pruned by the writer since a reader listed the directory: not damage.
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
        if (err instanceof SchemaTooNewError) {
            // Written by a newer kvm-manager: not damaged, so left alone.
            ctx.warnings.push(`${seg.name}: ${err.message}; skipped`);
            return;
        }
        if (ctx.quarantine) {
            this.moveAside(ctx, seg.path, err.message);
        } else {
            ctx.warnings.push(`${seg.name} is damaged (${err.message}); skipped`);
            this.log.warn(`${seg.path} is damaged (${err.message}); skipped`);
        }
    }

    private queryRows(db: Database, tier: TierId, vm: string | null, loMs: number, hiMs: number): BucketRow[] {
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
    private readSegmentRows(ctx: ReadContext, seg: SegmentFile, vm: string | null, loMs: number, hiMs: number):
        { rows: BucketRow[]; coveredUntilMs: number } | null {
        const open = this.openSegment(ctx, seg, false);
        if (!open) return null;
        try {
            const rows = this.queryRows(open.db, seg.tier, vm, loMs, Math.min(hiMs, open.coveredUntilMs));
            return { rows, coveredUntilMs: open.coveredUntilMs };
        } catch (err) {
            // Damage deeper in the file than its header shows up only when a query reaches it.
            this.unusable(ctx, seg, err as Error);
            return null;
        } finally {
            open.db.close();
        }
    }

    private journalRows(ctx: ReadContext, vm: string | null, loMs: number, hiMs: number): BucketRow[] {
        const rows: BucketRow[] = [];
        for (const record of ctx.journal) {
            if (record.t < loMs || record.t >= hiMs) continue;
            for (const entry of record.vms) {
                if (vm !== null && entry.name !== vm) continue;
                const row = rawRow(entry.name, record.t, entry.usage);
                if (hasAnyMetric(row.avg)) rows.push(row);
            }
        }
        return rows;
    }

    // Rows of one tier over [loMs, hiMs): from the tier's files as far as they are complete, the rest
    // computed from the next finer tier, one source period at a time so that memory stays bounded by
    // one hour of samples.
    private readTierRows(ctx: ReadContext, tierId: TierId, vm: string | null, loMs: number, hiMs: number): BucketRow[] {
        const tier = tierById(tierId);
        const out: BucketRow[] = [];
        for (const p of periodsOverlapping(tier.period, loMs, hiMs)) {
            let lo = Math.max(p, loMs);
            const hi = Math.min(periodEnd(tier.period, p), hiMs);
            const seg = ctx.index.get(tierId)?.get(p);
            const read = seg ? this.readSegmentRows(ctx, seg, vm, lo, hi) : null;
            if (read) {
                out.push(...read.rows);
                lo = Math.max(lo, read.coveredUntilMs);
            }
            if (lo < hi) out.push(...this.computeFromSource(ctx, tier, vm, lo, hi));
        }
        return out;
    }

    private computeFromSource(ctx: ReadContext, tier: Tier, vm: string | null, loMs: number, hiMs: number): BucketRow[] {
        if (tier.source === null) return this.journalRows(ctx, vm, loMs, hiMs);
        const source = tierById(tier.source);
        const out: BucketRow[] = [];
        for (const sp of periodsOverlapping(source.period, loMs, hiMs)) {
            const lo = Math.max(sp, loMs);
            const hi = Math.min(periodEnd(source.period, sp), hiMs);
            out.push(...rollUp(this.readTierRows(ctx, source.id, vm, lo, hi), tier.stepMs));
        }
        return out;
    }

    // ---- reader API ----

    // One VM's rows of a tier over [startMs, endMs), for kvm-manager-history. Takes no lock.
    async readVmRows(vm: string, tierId: TierId, startMs: number, endMs: number): Promise<{ rows: BucketRow[]; warnings: string[] }> {
        const journal = this.readJournal();
        const ctx = await this.context(false, journal.records);
        if (journal.damagedLines > 0) ctx.warnings.push(`${JOURNAL_FILE}: ${journal.damagedLines} damaged lines skipped`);
        const rows = this.readTierRows(ctx, tierId, vm, startMs, endMs);
        return { rows, warnings: ctx.warnings };
    }

    // ---- writer API (call with the lock held) ----

    // Merges rows into the file of one tier and period (creating it if needed) and moves its
    // covered_until mark forward to coveredUntilMs. rowsForNewFile supplies the rows when the file has
    // to be started afresh (it did not exist, or was damaged and moved aside): a coarse file is then
    // rebuilt from every finer file still there, not just from what this step brings.
    private writeSegment(ctx: ReadContext, tier: Tier, startMs: number, rows: readonly BucketRow[],
        coveredUntilMs: number, rowsForNewFile?: () => BucketRow[]): WrittenFile {
        const name = segmentFileName(tier, startMs);
        const path = join(this.dir, name);
        const endMs = periodEnd(tier.period, startMs);
        const existing = ctx.index.get(tier.id)?.get(startMs);
        const open = existing ? this.openSegment(ctx, existing, true) : null;
        let db: Database;
        let covered = coveredUntilMs;
        if (open) {
            db = open.db;
            covered = Math.max(covered, open.coveredUntilMs);
        } else {
            db = new ctx.sql.Database();
            for (const sql of SCHEMA_V1) db.exec(sql);
            db.run("INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('tier', ?), ('period_start', ?)",
                [String(SCHEMA_VERSION), tier.id, new Date(startMs).toISOString()]);
            if (rowsForNewFile) rows = rowsForNewFile();
        }
        try {
            // The database lives in memory and reaches disk only as a whole file through writeFileAtomic,
            // so SQLite's own rollback journal would only cost time.
            db.exec("PRAGMA journal_mode = OFF");
            db.exec("BEGIN");
            this.insertRows(db, tier, rows);
            db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('covered_until', ?), ('written_at', ?)",
                [new Date(Math.min(covered, endMs)).toISOString(), new Date().toISOString()]);
            db.exec("COMMIT");
            const count = Number(scalar(db, "SELECT count(*) FROM samples"));
            const bytes = db.export();
            writeFileAtomic(path, bytes);
            const st = statSync(path);
            ctx.index.get(tier.id)?.set(startMs, {
                tier: tier.id, startMs, endMs, name, path, mtimeMs: st.mtimeMs, sizeBytes: st.size,
            });
            return { name, bytes: bytes.length, rows: count };
        } finally {
            db.close();
        }
    }

    private insertRows(db: Database, tier: Tier, rows: readonly BucketRow[]): void {
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

    // Raw files whose hour has no 1m file yet, or an older one (late samples were merged in since).
    private pendingMinuteHours(index: SegmentIndex, nowMs: number): number[] {
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

    // Closed days whose 30m file is not (fully) in the month's 6h file yet. The 6h file is written
    // right after each 30m file of a closed day, so "older than the 30m file" means "not merged".
    private pendingDays(index: SegmentIndex, nowMs: number): number[] {
        const openDay = periodStart("day", nowMs);
        const result: number[] = [];
        for (const [day, half] of index.get("30m") ?? []) {
            if (half.endMs > openDay) continue;
            const month = index.get("6h")?.get(periodStart("month", day));
            if (!month || half.mtimeMs > month.mtimeMs) result.push(day);
        }
        return result.sort((a, b) => a - b);
    }

    // Whether the collector should call fold() now: the journal holds a closed hour (or a line that
    // cannot be read), or an earlier fold left a step to do. Cheap: the journal's first bytes and a
    // directory listing.
    needsFold(nowMs: number): boolean {
        if (existsSync(this.journalPath)) {
            const fd = openSync(this.journalPath, "r");
            try {
                const head = this.readChunk(fd, 0, 64).toString("utf8");
                if (head !== "") {
                    const m = /^\{"v":\d+,"t":(\d+),/.exec(head);
                    if (!m || Number(m[1]) < periodStart("hour", nowMs)) return true;
                }
            } finally {
                closeSync(fd);
            }
        }
        const index = this.buildIndex(this.listSegments());
        return this.pendingMinuteHours(index, nowMs).length > 0 || this.pendingDays(index, nowMs).length > 0;
    }

    // One step of moving history down the tiers, the first that is due:
    //   1. the oldest closed hour in the journal goes to its raw file and leaves the journal;
    //   2. else the oldest raw file without an up-to-date 1m file gets one, and the hour's 30-minute
    //      buckets go into the day's 30m file;
    //   3. else the oldest closed day not yet in its month's 6h file goes there.
    // One step per tick keeps every tick short: an hour of 100 VMs is about 11,000 raw rows, and a
    // step writes one hour's files at most. Each step rewrites whole files atomically and keys every
    // row by VM and time, so a step killed anywhere is simply done again, identically, next time.
    // Files past their tier's length are dropped at each step.
    async fold(nowMs: number): Promise<FoldReport> {
        const report: FoldReport = { step: null, hoursFolded: 0, written: [], expired: [], quarantined: [] };
        const journal = this.readJournal();
        const ctx = await this.context(true, journal.records);
        this.removeTempFiles();
        const openHour = periodStart("hour", nowMs);
        const closedHours = journal.records.filter(r => r.t < openHour).map(r => periodStart("hour", r.t));

        if (closedHours.length > 0 || journal.damagedLines > 0) {
            report.step = "journal";
            let keep = journal.records;
            if (closedHours.length > 0) {
                const hour = Math.min(...closedHours);
                const records = journal.records.filter(r => periodStart("hour", r.t) === hour);
                this.foldJournalHour(ctx, hour, records, nowMs, report);
                report.hoursFolded = 1;
                keep = journal.records.filter(r => periodStart("hour", r.t) !== hour);
            }
            if (journal.damagedLines > 0 && existsSync(this.journalPath)) {
                this.moveAside(ctx, this.journalPath,
                    `${journal.damagedLines} unreadable lines: ${journal.damageReasons.join("; ")}`);
            }
            this.rewriteJournal(keep);
        } else {
            const hour = this.pendingMinuteHours(ctx.index, nowMs)[0];
            const day = hour === undefined ? this.pendingDays(ctx.index, nowMs)[0] : undefined;
            if (hour !== undefined) {
                report.step = "hour";
                this.foldMinuteHour(ctx, hour, report);
            } else if (day !== undefined) {
                report.step = "day";
                this.foldDay(ctx, day, report);
            }
        }

        // A raw file still waiting for its 1m file, or a 30m file for its month, is kept a little longer.
        const waiting = new Set<string>([
            ...this.pendingMinuteHours(ctx.index, nowMs).map(h => segmentFileName(tierById("raw"), h)),
            ...this.pendingDays(ctx.index, nowMs).map(d => segmentFileName(tierById("30m"), d)),
        ]);
        for (const seg of selectExpiredSegments(this.listSegments(), nowMs)) {
            if (waiting.has(seg.name)) continue;
            unlinkSync(seg.path);
            report.expired.push(seg.name);
        }
        if (report.expired.length > 0) fsyncDir(this.dir);
        report.quarantined = ctx.quarantined;
        return report;
    }

    private foldJournalHour(ctx: ReadContext, hour: number, records: readonly TickRecord[], nowMs: number, report: FoldReport): void {
        const rows: BucketRow[] = [];
        for (const record of records) {
            for (const vm of record.vms) {
                const row = rawRow(vm.name, record.t, vm.usage);
                if (hasAnyMetric(row.avg)) rows.push(row);
            }
        }
        if (rows.length === 0) return;
        const hourEnd = periodEnd("hour", hour);
        const late = (what: string): void =>
            this.log.warn(`dropped ${records.length} samples of ${new Date(hour).toISOString()}: ${what}`);
        if (!(ctx.index.get("raw")?.has(hour) ?? false) && (ctx.index.get("1m")?.has(hour) ?? false)) {
            // Its raw file has expired: the 1m buckets could only be recomputed from these few
            // samples, which would replace better ones.
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
            const open = seg ? this.openSegment(ctx, seg, false) : null;
            open?.db.close();
            if (open && open.coveredUntilMs >= hourEnd) return late("that hour is already summarised");
            const buckets = rollUp(rows, halfHour.stepMs);
            report.written.push(this.writeSegment(ctx, halfHour, day, buckets, hourEnd,
                () => [...this.rebuildFromSource(ctx, halfHour, day, hour), ...buckets]));
            return;
        }
        // Late samples for an hour already on disk merge into it; step 2 then recomputes the hour's
        // buckets from everything the raw file holds.
        report.written.push(this.writeSegment(ctx, tierById("raw"), hour, rows, hourEnd));
    }

    private foldMinuteHour(ctx: ReadContext, hour: number, report: FoldReport): void {
        const raw = ctx.index.get("raw")?.get(hour);
        const read = raw ? this.readSegmentRows(ctx, raw, null, hour, periodEnd("hour", hour)) : null;
        if (!read) return;
        const hourEnd = periodEnd("hour", hour);
        const minute = rollUp(read.rows, tierById("1m").stepMs);
        report.written.push(this.writeSegment(ctx, tierById("1m"), hour, minute, hourEnd));
        const halfHour = tierById("30m");
        const day = periodStart("day", hour);
        const buckets = rollUp(minute, halfHour.stepMs);
        report.written.push(this.writeSegment(ctx, halfHour, day, buckets, hourEnd,
            () => [...this.rebuildFromSource(ctx, halfHour, day, hour), ...buckets]));
    }

    // Merges a closed day's 6-hour buckets into its month's file.
    private foldDay(ctx: ReadContext, day: number, report: FoldReport): void {
        const seg = ctx.index.get("30m")?.get(day);
        const read = seg ? this.readSegmentRows(ctx, seg, null, day, periodEnd("day", day)) : null;
        if (!read) return;
        const sixHours = tierById("6h");
        const month = periodStart("month", day);
        const buckets = rollUp(read.rows, sixHours.stepMs);
        report.written.push(this.writeSegment(ctx, sixHours, month, buckets, periodEnd("day", day),
            () => [...this.rebuildFromSource(ctx, sixHours, month, day), ...buckets]));
    }

    // A coarse file's rows rebuilt from the finer files still there, except the source period whose
    // rows the caller brings.
    private rebuildFromSource(ctx: ReadContext, tier: Tier, startMs: number, exceptSourcePeriod: number): BucketRow[] {
        const source = tierById(tier.source ?? "raw");
        const out: BucketRow[] = [];
        for (const sp of periodsOverlapping(source.period, startMs, periodEnd(tier.period, startMs))) {
            if (sp === exceptSourcePeriod) continue;
            const seg = ctx.index.get(source.id)?.get(sp);
            const read = seg ? this.readSegmentRows(ctx, seg, null, sp, periodEnd(source.period, sp)) : null;
            if (read) out.push(...rollUp(read.rows, tier.stepMs));
        }
        return out;
    }

    // Merges rows into one file of a tier, as the fold would (call with the lock held). For importing
    // history from elsewhere, and for the benchmark's year of 6-hour buckets.
    async writeTierRows(tierId: TierId, periodStartMs: number, rows: readonly BucketRow[], coveredUntilMs: number): Promise<WrittenFile> {
        const tier = tierById(tierId);
        const ctx = await this.context(true, []);
        return this.writeSegment(ctx, tier, periodStart(tier.period, periodStartMs), rows, coveredUntilMs);
    }

    // Temporary files left by a writer killed mid-write; only ever called with the lock held.
    private removeTempFiles(): void {
        let names: string[];
        try {
            names = readdirSync(this.dir);
        } catch {
            return;
        }
        for (const name of names) {
            if (name.includes(TEMP_MARKER)) {
                try { unlinkSync(join(this.dir, name)); } catch { /* gone */ }
            }
        }
    }

    // Removes everything older than cutoffMs (the retention policy). dryRun: only reports.
    async prune(cutoffMs: number, dryRun: boolean): Promise<PruneReport> {
        const journal = this.readJournal();
        const ctx = await this.context(!dryRun, journal.records);
        const segments = this.listSegments();
        const { remove, trim } = selectSegmentsToPrune(segments, cutoffMs);
        const files: PrunedFile[] = [];
        const countRows = (seg: SegmentFile, where: string, params: SqlValue[]): number | null => {
            const open = this.openSegment({ ...ctx, quarantine: false, warnings: [] }, seg, false);
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
            const open = this.openSegment(ctx, seg, true);
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
                writeFileAtomic(seg.path, bytes);
                files.push({ name: seg.name, tier: seg.tier, action: "trimmed", rows, bytesFreed: Math.max(0, seg.sizeBytes - bytes.length) });
            } finally {
                db.close();
            }
        }
        // Files moved aside as damaged are kept for a look until they fall out of the retention window.
        for (const name of this.listQuarantined()) {
            const m = /\.corrupt-(\d{8}T\d{6}Z)$/.exec(name);
            if (!m) continue;
            const t = Date.parse(m[1].replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"));
            if (!(t <= cutoffMs)) continue;
            const path = join(this.dir, name);
            const size = statSync(path).size;
            files.push({ name, tier: null, action: "deleted", rows: null, bytesFreed: size });
            if (!dryRun) unlinkSync(path);
        }
        const stale = journal.records.filter(r => r.t < cutoffMs).length;
        if (!dryRun && stale > 0) this.rewriteJournal(journal.records.filter(r => r.t >= cutoffMs));
        if (!dryRun && files.length > 0) fsyncDir(this.dir);
        return {
            cutoffMs, dryRun, files, journalRecordsRemoved: stale,
            totals: {
                files: files.filter(f => f.action === "deleted").length,
                rows: files.reduce((sum, f) => sum + (f.rows ?? 0), 0) + stale,
                bytesFreed: files.reduce((sum, f) => sum + f.bytesFreed, 0),
            },
        };
    }

    listQuarantined(): string[] {
        try {
            return readdirSync(this.dir).filter(n => n.includes(CORRUPT_MARKER));
        } catch {
            return [];
        }
    }

    // Bytes on disk of the history (segments and journal).
    diskUsage(): { files: number; bytes: number; byTier: Record<TierId | "journal", number> } {
        const byTier: Record<TierId | "journal", number> = { raw: 0, "1m": 0, "30m": 0, "6h": 0, journal: 0 };
        const segments = this.listSegments();
        for (const s of segments) byTier[s.tier] += s.sizeBytes;
        try {
            byTier.journal = statSync(this.journalPath).size;
        } catch { /* no journal yet */ }
        const bytes = Object.values(byTier).reduce((a, b) => a + b, 0);
        return { files: segments.length + (byTier.journal > 0 ? 1 : 0), bytes, byTier };
    }
}
