// Shared by the metrics storage tests: a temporary state directory and a pretend fleet ticking on a
// fake clock through the collector's own code.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fleetDomstats } from "../support/synthetic-fleet";
import { collectTick, type TickReport } from "../../helpers/lib/collector";
import { createLogger, type Logger } from "../../helpers/lib/log";
import { MetricsStore } from "../../helpers/lib/metrics-store";

export interface TestStore {
    dir: string;
    store: MetricsStore;
    log: Logger;
    lines: string[];
    cleanup(): void;
}

// fsync off: it would only measure the disk here; the kill -9 test runs its writer with it on.
export function tempStore(): TestStore {
    const root = mkdtempSync(join(tmpdir(), "kvmm-metrics-test-"));
    const lines: string[] = [];
    const log = createLogger("test", { sink: line => lines.push(line) });
    const dir = join(root, "metrics");
    return { dir, store: new MetricsStore(dir, log, { fsync: false }), log, lines, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export async function simulateTicks(t: TestStore, fromMs: number, toMs: number, vms = 4): Promise<TickReport[]> {
    const reports: TickReport[] = [];
    for (let now = fromMs; now < toMs; now += 30_000) {
        reports.push(await collectTick({
            store: t.store, log: t.log, uri: "test:///", now: () => now,
            readDomstats: async () => fleetDomstats(now, { vms, offEvery: 0 }),
        }));
    }
    return reports;
}
