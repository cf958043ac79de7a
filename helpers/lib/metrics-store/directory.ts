// The metrics directory as a whole: its listing of segment files, leftovers of killed writers, the
// fold-pending mark, file modes, and disk usage.
import { chmodSync, closeSync, constants, existsSync, lstatSync, readdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { FOLD_PENDING_FILE, JOURNAL_FILE, isQuarantineName, parseSegmentFileName } from "../../../src/core/metrics/segment-names";
import { periodEnd, tierById, type TierId } from "../../../src/core/metrics/tiers";
import { STATE_FILE_MODE, TEMP_MARKER, fsyncDir, openNoFollow } from "../durable-fs";
import type { SegmentFile, StoreEnv } from "./context";

function namesIn(dir: string): string[] {
    try {
        return readdirSync(dir);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw err;
    }
}

// Segment files, oldest period first. Anything else (links included) is not a segment.
export function listSegments(dir: string): SegmentFile[] {
    const result: SegmentFile[] = [];
    for (const name of namesIn(dir)) {
        const parsed = parseSegmentFileName(name);
        if (!parsed) continue;
        const path = join(dir, name);
        let st;
        try {
            st = lstatSync(path);
        } catch {
            continue; // removed since readdir
        }
        if (!st.isFile()) continue;
        const tier = tierById(parsed.tier);
        result.push({
            tier: parsed.tier, startMs: parsed.startMs, endMs: periodEnd(tier.period, parsed.startMs),
            name, path, mtimeMs: st.mtimeMs, sizeBytes: st.size,
        });
    }
    return result.sort((a, b) => a.startMs - b.startMs || a.name.localeCompare(b.name));
}

export function listQuarantined(dir: string): string[] {
    return namesIn(dir).filter(isQuarantineName);
}

// Temporary files left by a writer killed mid-write; only ever called with the lock held.
export function removeTempFiles(dir: string): void {
    for (const name of namesIn(dir)) {
        if (name.includes(TEMP_MARKER)) {
            try { unlinkSync(join(dir, name)); } catch { /* gone */ }
        }
    }
}

export function isFoldPendingMarked(dir: string): boolean {
    return existsSync(join(dir, FOLD_PENDING_FILE));
}

// Sets or clears the fold-pending mark. Setting it is made durable at once: losing it would delay the
// step until the next hour's fold finds it from the listing.
export function markFoldPending(env: StoreEnv, pending: boolean): void {
    const path = join(env.dir, FOLD_PENDING_FILE);
    if (!pending) {
        try { unlinkSync(path); } catch { /* not there */ }
        return;
    }
    if (existsSync(path)) return;
    closeSync(openNoFollow(path, constants.O_WRONLY | constants.O_CREAT, STATE_FILE_MODE));
    fsyncDir(env.dir, env.io);
}

// Files an earlier version created readable by everyone (0644) become 0600. Links are left alone:
// chmod would change what they point to.
export function tightenFileModes(dir: string): string[] {
    const changed: string[] = [];
    for (const name of namesIn(dir)) {
        const path = join(dir, name);
        try {
            const st = lstatSync(path);
            if (st.isFile() && (st.mode & 0o077) !== 0) {
                chmodSync(path, STATE_FILE_MODE);
                changed.push(name);
            }
        } catch { /* removed meanwhile */ }
    }
    return changed;
}

// Bytes on disk of the history (segments and journal).
export function diskUsage(dir: string): { files: number; bytes: number; byTier: Record<TierId | "journal", number> } {
    const byTier: Record<TierId | "journal", number> = { raw: 0, "1m": 0, "30m": 0, "6h": 0, journal: 0 };
    const segments = listSegments(dir);
    for (const s of segments) byTier[s.tier] += s.sizeBytes;
    try {
        byTier.journal = lstatSync(join(dir, JOURNAL_FILE)).size;
    } catch { /* no journal yet */ }
    const bytes = Object.values(byTier).reduce((a, b) => a + b, 0);
    return { files: segments.length + (byTier.journal > 0 ? 1 : 0), bytes, byTier };
}
