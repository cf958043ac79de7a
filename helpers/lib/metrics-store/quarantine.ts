// Damaged files: a writer moves them aside as NAME.corrupt-TIME (kept for a look until the retention
// clean-up passes them), a reader only warns.
import { renameSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { quarantineName } from "../../../src/core/metrics/segment-names";
import { fsyncDir } from "../durable-fs";
import type { ReadContext, SegmentFile, StoreEnv } from "./context";
import { SchemaTooNewError } from "./schema";

export function moveAside(env: StoreEnv, path: string, why: string, ctx?: ReadContext): string {
    const aside = join(dirname(path), quarantineName(basename(path), Date.now()));
    renameSync(path, aside);
    fsyncDir(env.dir, env.io);
    env.log.error(`${path} is damaged (${why}); moved it aside to ${aside} and starting a new one`);
    ctx?.quarantined.push(aside);
    return aside;
}

// A segment that cannot be used leaves the index for the rest of this read or fold; what else
// happens depends on why.
export function segmentUnusable(ctx: ReadContext, seg: SegmentFile, err: Error): void {
    ctx.index.get(seg.tier)?.delete(seg.startMs);
    // Expired or pruned by the writer since a reader listed the directory: not damage.
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return;
    if (err instanceof SchemaTooNewError) {
        // Written by a newer kvm-manager: not damaged, so left alone.
        ctx.warnings.push(`${seg.name}: ${err.message}; skipped`);
        return;
    }
    if (ctx.quarantine) {
        moveAside(ctx, seg.path, err.message, ctx);
    } else {
        ctx.warnings.push(`${seg.name} is damaged (${err.message}); skipped`);
        ctx.log.warn(`${seg.path} is damaged (${err.message}); skipped`);
    }
}
