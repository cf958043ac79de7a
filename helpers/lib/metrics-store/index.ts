// Metrics history on disk, under STATE_DIR/metrics/ (mode 0700, files 0600: the history names every
// VM and its usage, which libvirt shows to administrators only):
//
//   journal.ndjson            one line per collector tick not yet folded (the open hour, usually)
//   raw-2025-01-31T13.sqlite  30-second samples of one hour             (kept 6 h)
//   1m-2025-01-31T13.sqlite   1-minute buckets of one hour              (kept 24 h)
//   30m-2025-01-31.sqlite     30-minute buckets of one UTC day          (kept 31 d)
//   6h-2025-01.sqlite         6-hour buckets of one UTC month           (kept 366 d)
//   fold.pending              a fold step is due though the journal holds no closed hour
//   metrics.lock              held by the one writer (collector, retention)
//
// sql.js keeps a database in memory and writes it out as a whole file, so no file may be bigger than
// what the tick that writes it can afford. A plain tick reads the journal's end and first bytes once
// (journal.ts), appends one fsynced line (about 13 KiB for 100 VMs) and nothing else; when the
// journal's first record is of a closed hour, or fold.pending is there, it also does ONE step of
// moving history down the tiers (fold.ts). Every file is replaced atomically (durable-fs.ts) and
// every row is keyed by VM and time, so a step killed anywhere is simply done again, identically, at
// the next tick: kill -9 loses at most the tick in progress.
//
// The day and month files fill up as their period goes on; each records in its meta table up to when
// it is complete (covered_until). A reader (kvm-manager-history) takes no lock (reads.ts). It reads
// the journal before the files, so a fold running meanwhile can make it see a sample twice (rolled up
// with itself, it changes nothing but the sample count) but never miss one.
//
// The modules: schema.ts (tables, versions), journal.ts (the journal file), directory.ts (listing,
// marks, modes), quarantine.ts (damaged files), segment-io.ts (one file), reads.ts (across tiers),
// fold.ts, prune.ts. File names and everything else that needs no disk are in src/core/metrics/.
import { dirname, join } from "node:path";
import { journalHeadNeedsFold } from "../../../src/core/metrics/fold-plan";
import type { JournalContents } from "../../../src/core/metrics/journal";
import type { BucketRow } from "../../../src/core/metrics/rollup";
import { JOURNAL_FILE, LOCK_FILE } from "../../../src/core/metrics/segment-names";
import type { TickRecord } from "../../../src/core/metrics/tick-record";
import { periodStart, tierById, type TierId } from "../../../src/core/metrics/tiers";
import type { DurabilityOptions } from "../durable-fs";
import { acquireLock, type HeldLock } from "../lock";
import type { Logger } from "../log";
import { checkStateDir, ensureStateDir } from "../paths";
import type { SegmentFile, StoreEnv } from "./context";
import { diskUsage, isFoldPendingMarked, listQuarantined, listSegments, tightenFileModes } from "./directory";
import { foldStep, type FoldReport } from "./fold";
import { Journal, type JournalTail } from "./journal";
import { prune, type PruneReport } from "./prune";
import { openContext, readTierRows } from "./reads";
import { writeSegment, type WrittenFile } from "./segment-io";

export type { JournalContents } from "../../../src/core/metrics/journal";
export { JOURNAL_FILE, LOCK_FILE, parseSegmentFileName, segmentFileName } from "../../../src/core/metrics/segment-names";
export type { SegmentFile } from "./context";
export type { FoldReport } from "./fold";
export type { JournalTail } from "./journal";
export type { PrunedFile, PruneReport } from "./prune";
export { MIGRATIONS, SCHEMA_VERSION, SchemaTooNewError, migrateSegmentDb, type Migration } from "./schema";
export type { WrittenFile } from "./segment-io";

export type MetricsStoreOptions = DurabilityOptions;

export class MetricsStore {
    readonly journalPath: string;
    readonly lockPath: string;
    private readonly env: StoreEnv;
    private readonly journal: Journal;

    // dir: STATE_DIR/metrics; its parent is checked as the state directory.
    constructor(readonly dir: string, log: Logger, options: MetricsStoreOptions = {}) {
        this.journalPath = join(dir, JOURNAL_FILE);
        this.lockPath = join(dir, LOCK_FILE);
        this.env = { dir, log, io: { fsync: options.fsync } };
        this.journal = new Journal(this.journalPath, this.env);
    }

    // Writers, before anything else (lock() calls it): creates the state and metrics directories
    // (0700) or refuses them (paths.ts, UnsafeStateDirError). Directories and files an earlier
    // version made readable by all are tightened here. Two lstat calls when all is well.
    ensureDir(): void {
        ensureStateDir(dirname(this.dir));
        const { tightened } = ensureStateDir(this.dir);
        if (tightened) {
            const files = tightenFileModes(this.dir);
            this.env.log.info(`made ${this.dir} and ${files.length} files in it readable by their owner only`);
        }
    }

    lock(timeoutMs?: number): HeldLock {
        this.ensureDir();
        return acquireLock(this.lockPath, { timeoutMs });
    }

    // ---- the collector's tick (with the lock held) ----

    // Cuts off a torn last journal line and returns what the tick needs: the previous record, and
    // what foldDue() needs. One open of the journal.
    readJournalTail(): JournalTail {
        return this.journal.readTail(true);
    }

    // tail: this tick's readJournalTail(), when the caller has it (saves looking the file up again).
    appendTick(record: TickRecord, tail?: JournalTail): void {
        this.journal.append(record, tail?.exists);
    }

    // Whether fold() has a step to do: the journal's first record is of a closed hour (or is not a
    // record), or an earlier step left the fold.pending mark.
    foldDue(tail: JournalTail, nowMs: number): boolean {
        return journalHeadNeedsFold(tail.head, nowMs) || isFoldPendingMarked(this.dir);
    }

    // foldDue() with a fresh look at the journal (for tests and scripts).
    needsFold(nowMs: number): boolean {
        return this.foldDue(this.journal.readTail(false), nowMs);
    }

    // The last complete record, torn tail or not; reads only.
    lastTick(): TickRecord | null {
        return this.journal.readTail(false).last;
    }

    fold(nowMs: number): Promise<FoldReport> {
        return foldStep(this.env, this.journal, nowMs);
    }

    readJournal(): JournalContents {
        return this.journal.read();
    }

    // ---- readers (no lock) ----

    // One VM's rows of a tier over [startMs, endMs), for kvm-manager-history; vm null: every VM's, in
    // one pass over the files, for kvm-manager-insights.
    async readVmRows(vm: string | null, tierId: TierId, startMs: number, endMs: number): Promise<{ rows: BucketRow[]; warnings: string[] }> {
        checkStateDir(dirname(this.dir));
        if (!checkStateDir(this.dir)) return { rows: [], warnings: [] };
        const journal = this.journal.read();
        const ctx = await openContext(this.env, false, journal.records);
        if (journal.damagedLines > 0) ctx.warnings.push(`${JOURNAL_FILE}: ${journal.damagedLines} damaged lines skipped`);
        const rows = readTierRows(ctx, tierId, vm, startMs, endMs);
        return { rows, warnings: ctx.warnings };
    }

    listSegments(): SegmentFile[] {
        return listSegments(this.dir);
    }

    listQuarantined(): string[] {
        return listQuarantined(this.dir);
    }

    diskUsage(): ReturnType<typeof diskUsage> {
        return diskUsage(this.dir);
    }

    // ---- other writers (with the lock held) ----

    // Merges rows into one file of a tier, as the fold would. For importing history from elsewhere,
    // and for the benchmark's year of 6-hour buckets.
    async writeTierRows(tierId: TierId, periodStartMs: number, rows: readonly BucketRow[], coveredUntilMs: number): Promise<WrittenFile> {
        this.ensureDir();
        const tier = tierById(tierId);
        const ctx = await openContext(this.env, true, []);
        return writeSegment(ctx, tier, periodStart(tier.period, periodStartMs), rows, coveredUntilMs);
    }

    // Removes everything older than cutoffMs (the retention policy). dryRun: only reports.
    prune(cutoffMs: number, dryRun: boolean): Promise<PruneReport> {
        return prune(this.env, this.journal, cutoffMs, dryRun);
    }
}
