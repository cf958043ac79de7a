// The tables of a segment file and their versions. Values are stored as integers: SQLite then needs 1
// to 4 bytes a value instead of 8, and idle counters (0) none.
import type { Database, SqlJsStatic, SqlValue } from "sql.js";
import { METRIC_NAMES, type MetricName } from "../../../src/core/metrics/rollup";
import type { Tier } from "../../../src/core/metrics/tiers";

export const SCHEMA_VERSION = 1;

export const COLUMN_OF: Record<MetricName, { column: string; scale: number }> = {
    cpuPercent: { column: "cpu", scale: 100 },
    memoryUsedKiB: { column: "mem", scale: 1 },
    memoryPercent: { column: "mempct", scale: 100 },
    diskReadBps: { column: "drd", scale: 1 },
    diskWriteBps: { column: "dwr", scale: 1 },
    netRxBps: { column: "nrx", scale: 1 },
    netTxBps: { column: "ntx", scale: 1 },
};

export const METRIC_COLUMNS = METRIC_NAMES.flatMap(m => [`${COLUMN_OF[m].column}_avg`, `${COLUMN_OF[m].column}_max`]);

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

export function scalar(db: Database, sql: string, params: SqlValue[] = []): SqlValue {
    const stmt = db.prepare(sql);
    try {
        stmt.bind(params);
        return stmt.step() ? stmt.get()[0] : null;
    } finally {
        stmt.free();
    }
}

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

// A new, empty segment file of the current version, in memory.
export function createSegmentDb(sql: SqlJsStatic, tier: Tier, startMs: number): Database {
    const db = new sql.Database();
    for (const statement of SCHEMA_V1) db.exec(statement);
    db.run("INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('tier', ?), ('period_start', ?)",
        [String(SCHEMA_VERSION), tier.id, new Date(startMs).toISOString()]);
    return db;
}
