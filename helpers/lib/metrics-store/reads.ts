// Reading a tier across its files. For each period a tier's file is read up to its covered_until
// mark and the rest computed from the next finer tier, down to the journal for the open hour.
import { buildSegmentIndex } from "../../../src/core/metrics/fold-plan";
import { journalRows } from "../../../src/core/metrics/journal";
import { rollUp, type BucketRow } from "../../../src/core/metrics/rollup";
import type { TickRecord } from "../../../src/core/metrics/tick-record";
import { periodEnd, periodsOverlapping, tierById, type Tier, type TierId } from "../../../src/core/metrics/tiers";
import { loadSqlJs } from "../sqljs";
import type { ReadContext, StoreEnv } from "./context";
import { listSegments } from "./directory";
import { readSegmentRows } from "./segment-io";

export async function openContext(env: StoreEnv, quarantine: boolean, journal: TickRecord[]): Promise<ReadContext> {
    return {
        ...env, sql: await loadSqlJs(), index: buildSegmentIndex(listSegments(env.dir)), journal, quarantine,
        warnings: [], quarantined: [],
    };
}

// Rows of one tier over [loMs, hiMs): from the tier's files as far as they are complete, the rest
// computed from the next finer tier, one source period at a time so that memory stays bounded by
// one hour of samples.
export function readTierRows(ctx: ReadContext, tierId: TierId, vm: string | null, loMs: number, hiMs: number): BucketRow[] {
    const tier = tierById(tierId);
    const out: BucketRow[] = [];
    for (const p of periodsOverlapping(tier.period, loMs, hiMs)) {
        let lo = Math.max(p, loMs);
        const hi = Math.min(periodEnd(tier.period, p), hiMs);
        const seg = ctx.index.get(tierId)?.get(p);
        const read = seg ? readSegmentRows(ctx, seg, vm, lo, hi) : null;
        if (read) {
            out.push(...read.rows);
            lo = Math.max(lo, read.coveredUntilMs);
        }
        if (lo < hi) out.push(...computeFromSource(ctx, tier, vm, lo, hi));
    }
    return out;
}

function computeFromSource(ctx: ReadContext, tier: Tier, vm: string | null, loMs: number, hiMs: number): BucketRow[] {
    if (tier.source === null) return journalRows(ctx.journal, vm, loMs, hiMs);
    const source = tierById(tier.source);
    const out: BucketRow[] = [];
    for (const sp of periodsOverlapping(source.period, loMs, hiMs)) {
        const lo = Math.max(sp, loMs);
        const hi = Math.min(periodEnd(source.period, sp), hiMs);
        out.push(...rollUp(readTierRows(ctx, source.id, vm, lo, hi), tier.stepMs));
    }
    return out;
}

// A coarse file's rows rebuilt from the finer files still there, except the source period whose
// rows the caller brings.
export function rebuildFromSource(ctx: ReadContext, tier: Tier, startMs: number, exceptSourcePeriod: number): BucketRow[] {
    const source = tierById(tier.source ?? "raw");
    const out: BucketRow[] = [];
    for (const sp of periodsOverlapping(source.period, startMs, periodEnd(tier.period, startMs))) {
        if (sp === exceptSourcePeriod) continue;
        const seg = ctx.index.get(source.id)?.get(sp);
        const read = seg ? readSegmentRows(ctx, seg, null, sp, periodEnd(source.period, sp)) : null;
        if (read) out.push(...rollUp(read.rows, tier.stepMs));
    }
    return out;
}
