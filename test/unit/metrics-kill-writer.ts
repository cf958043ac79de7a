// Child process of metrics-kill.test.ts: ticks the collector on a fake clock as fast as it can and
// prints "committed T" after each tick has returned (its journal line fsynced), until it is killed.
// Usage: node metrics-kill-writer.js STATE_DIR START_MS VMS [PLAN]
// PLAN makes it SIGKILL itself at an exact moment of a fold, which random kills rarely hit:
//   partial-write:N   the N-th write of a whole file (over 64 KiB) stops halfway, then SIGKILL
//   before-rename:N   SIGKILL just before the N-th rename (a complete temporary file, not yet in place)
//   after-rename:N    SIGKILL just after the N-th rename (before the directory is fsynced)
import fs from "node:fs";
import { join } from "node:path";
import { fleetDomstats } from "../support/synthetic-fleet";
import { collectTick } from "../../helpers/lib/collector";
import { createLogger } from "../../helpers/lib/log";
import { MetricsStore } from "../../helpers/lib/metrics-store";

function die(): never {
    process.kill(process.pid, "SIGKILL");
    throw new Error("unreachable");
}

function installPlan(plan: string | undefined): void {
    if (!plan) return;
    const [kind, nText] = plan.split(":");
    let left = Number(nText);
    // The bundle calls fs functions through the module object, so replacing them here takes effect.
    const mutableFs = fs as unknown as Record<string, unknown>;
    if (kind === "partial-write") {
        const writeSync = fs.writeSync;
        mutableFs.writeSync = (fd: number, data: Uint8Array, offset: number, length: number, position?: number | null): number => {
            if (length > 65536 && --left === 0) {
                writeSync(fd, data, offset, Math.floor(length / 2), position);
                die();
            }
            return writeSync(fd, data, offset, length, position);
        };
    } else if (kind === "before-rename" || kind === "after-rename") {
        const renameSync = fs.renameSync;
        mutableFs.renameSync = (from: fs.PathLike, to: fs.PathLike): void => {
            const last = --left === 0;
            if (last && kind === "before-rename") die();
            renameSync(from, to);
            if (last) die();
        };
    }
}

async function main(): Promise<void> {
    const [stateDir, startText, vmsText, plan] = process.argv.slice(2);
    installPlan(plan);
    const log = createLogger("kill-writer", { quiet: true });
    const store = new MetricsStore(join(stateDir, "metrics"), log);
    const vms = Number(vmsText);
    for (let t = Number(startText); ; t += 30_000) {
        const report = await collectTick({
            store, log, uri: "test:///", now: () => t,
            readDomstats: async () => fleetDomstats(t, { vms, offEvery: 0 }),
        });
        // Writes to a pipe are synchronous on Linux: once the parent reads this, the tick is on disk.
        process.stdout.write(`committed ${t}${report.fold?.step ? ` ${report.fold.step}` : ""}\n`);
    }
}

main().catch(err => {
    process.stderr.write(`${String(err)}\n`);
    process.exit(1);
});
