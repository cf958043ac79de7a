// From one `virsh domstats` snapshot of every VM plus the previous tick, the usage of each running VM.
// The rate math itself is src/core/usage.ts; this decides when the previous tick may serve as the base.
import type { DomainSample } from "../domain-stats";
import { isActive } from "../domain-state";
import { computeUsage, type TimedSample } from "../usage";
import { MINUTE_MS } from "./tiers";
import type { TickRecord, TickVm } from "./tick-record";

// A rate averaged over a longer gap (the collector or libvirtd was down) would paint a flat line across
// the gap; the chart shows the gap instead.
export const MAX_RATE_INTERVAL_MS = 5 * MINUTE_MS;

// Timer jitter can push a fully busy guest a little over 100 %; more than this is not jitter.
const CPU_IMPOSSIBLE_FACTOR = 1.5;

// Counters start again at 0 when the QEMU process restarts (a VM was shut down and started again
// between two ticks). A new domain ID says so for certain; without IDs, a decrease of any counter
// gives it away, and so does more CPU time than the vCPUs could have burnt in the interval. A VM that
// boots busily can pass its old counters within one tick, so the ID is what the collector relies on.
// The restart is then treated as a first sample: no rates for this tick, memory still recorded.
export function isCounterReset(prev: TickVm, cur: DomainSample, elapsedMs: number, curId: number | null = null): boolean {
    if (prev.id !== null && curId !== null && prev.id !== curId) return true;
    if (prev.cpuTimeNs !== null && cur.cpuTimeNs !== null) {
        const delta = cur.cpuTimeNs - prev.cpuTimeNs;
        if (delta < 0) return true;
        const vcpus = cur.vcpus ?? prev.vcpus ?? 1;
        if (elapsedMs > 0 && delta > elapsedMs * 1e6 * vcpus * CPU_IMPOSSIBLE_FACTOR) return true;
    }
    const decreased = (before: TickVm["disks"], after: DomainSample["disks"]): boolean =>
        after.some(d => {
            const b = before.find(x => x.name === d.name);
            return b !== undefined && (d.readBytes < b.readBytes || d.writeBytes < b.writeBytes);
        });
    return decreased(prev.disks, cur.disks) || decreased(prev.nics, cur.nics);
}

function asTimedSample(vm: TickVm, atMs: number): TimedSample {
    return {
        atMs,
        sample: {
            name: vm.name, state: "running", vcpus: vm.vcpus, maxVcpus: null,
            memoryMaxKiB: null, memoryCurrentKiB: null, memoryUsedKiB: null, memoryUsedSource: null,
            cpuTimeNs: vm.cpuTimeNs, disks: vm.disks, nics: vm.nics,
        },
    };
}

// VMs that are not running are left out: their history has a gap, which is what "off" looks like.
// A VM that appeared since the previous tick gets memory but no rates; one that vanished just ends.
// domainIds: name -> libvirt domain ID of the running VMs, from the same moment as the samples.
export function buildTickRecord(prev: TickRecord | null, nowMs: number, samples: readonly DomainSample[],
    domainIds: ReadonlyMap<string, number> = new Map()): TickRecord {
    const prevByName = new Map<string, TickVm>();
    const elapsedMs = prev ? nowMs - prev.t : 0;
    if (prev && elapsedMs > 0 && elapsedMs <= MAX_RATE_INTERVAL_MS) {
        for (const vm of prev.vms) prevByName.set(vm.name, vm);
    }
    const vms: TickVm[] = [];
    for (const sample of samples) {
        if (!isActive(sample.state)) continue;
        const id = domainIds.get(sample.name) ?? null;
        let before = prevByName.get(sample.name);
        if (before && isCounterReset(before, sample, elapsedMs, id)) before = undefined;
        const usage = computeUsage(before && prev ? asTimedSample(before, prev.t) : undefined, { sample, atMs: nowMs });
        vms.push({
            name: sample.name, id, cpuTimeNs: sample.cpuTimeNs, vcpus: sample.vcpus,
            disks: sample.disks, nics: sample.nics, usage,
        });
    }
    return { t: nowMs, vms };
}
