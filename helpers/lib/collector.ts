// One collector tick: one virsh run for all VMs (domstats and the domain IDs), rates against the
// previous tick, one journal line, and when one is due a fold step (metrics-store/). If libvirt
// cannot be reached nothing is written at all: the history shows a gap, which is the truth.
import { isActive } from "../../src/core/domain-state";
import { parseDomainStats } from "../../src/core/domain-stats";
import { buildTickRecord } from "../../src/core/metrics/rates";
import { parseCollectOutput } from "../../src/core/metrics/virsh-domstats";
import { runAlertTick, type AlertTickOptions, type AlertTickReport } from "./alerts/tick";
import { writeCounter } from "./durable-fs";
import type { Logger } from "./log";
import type { FoldReport, MetricsStore } from "./metrics-store";
import { COLLECT_ARGS, runVirsh } from "./virsh";

export class LibvirtUnavailableError extends Error {}

export interface CollectOptions {
    store: MetricsStore;
    log: Logger;
    uri: string;
    // Replaced by tests and the benchmark; the default asks virsh (see COLLECT_ARGS for the format).
    readDomstats?: () => Promise<string>;
    now?: () => number;
    lockTimeoutMs?: number;
    // Alert rules evaluated right after the tick, on its samples; left out, no alerts are evaluated.
    alerts?: AlertTickOptions;
}

export interface TickReport {
    tMs: number;
    // VMs libvirt reported, and how many of them were running (and so recorded).
    vms: number;
    running: number;
    bytesWritten: number;
    durationMs: number;
    fold: FoldReport | null;
    // null when alerts were not evaluated (not asked for, or they failed: the log says why).
    alerts: (AlertTickReport & { durationMs: number }) | null;
}

export async function collectTick(options: CollectOptions): Promise<TickReport> {
    const started = Date.now();
    const bytesBefore = writeCounter.bytes;
    const now = options.now ?? Date.now;
    const readDomstats = options.readDomstats ?? (() => runVirsh(options.uri, COLLECT_ARGS));
    // Taken before asking libvirt, so two ticks (the timer and a person) never interleave their lines.
    const lock = options.store.lock(options.lockTimeoutMs);
    try {
        let text: string;
        try {
            text = await readDomstats();
        } catch (err) {
            throw new LibvirtUnavailableError(`libvirt at ${options.uri} cannot be reached (${(err as Error).message}); ` +
                "nothing collected, metrics history left untouched");
        }
        const tMs = now();
        const output = parseCollectOutput(text);
        const samples = output.domstats.map(e => parseDomainStats(e.name, e.record));
        const store = options.store;
        // One look at the journal serves the torn-tail repair, the previous tick and the fold check.
        const tail = store.readJournalTail();
        const record = buildTickRecord(tail.last, tMs, samples, output.domainIds);
        store.appendTick(record, tail);
        const fold = store.foldDue(tail, tMs) ? await store.fold(tMs) : null;
        let alerts: TickReport["alerts"] = null;
        if (options.alerts) {
            const alertsStarted = performance.now();
            const usageByName = new Map(record.vms.map(vm => [vm.name, vm.usage]));
            const vms = samples.map(s => ({ name: s.name, running: isActive(s.state), state: s.state, usage: usageByName.get(s.name) ?? null }));
            try {
                alerts = { ...runAlertTick({ tMs, previousTickMs: tail.last?.t ?? null, vms }, options.alerts), durationMs: performance.now() - alertsStarted };
            } catch (err) {
                // The metrics of this tick are already kept; alerts try again next tick.
                options.log.error(`alerts were not evaluated: ${(err as Error).message}`);
            }
        }
        return {
            tMs, vms: samples.length, running: record.vms.length,
            bytesWritten: writeCounter.bytes - bytesBefore, durationMs: Date.now() - started, fold, alerts,
        };
    } finally {
        lock.release();
    }
}
