// Rates from two successive samples of the same domain. Counters (cpu.time, bytes) only grow while a
// domain runs and start again at 0 when it restarts: a decrease means "no rate for this interval",
// never a negative or huge value.
import type { DeviceCounters, DomainSample } from "./domain-stats";

export interface TimedSample {
    sample: DomainSample;
    // Milliseconds, monotonic where the caller has it (performance.now, Date.now in helpers).
    atMs: number;
}

export interface Usage {
    cpuPercent: number | null;
    memoryUsedKiB: number | null;
    memoryPercent: number | null;
    diskReadBps: number | null;
    diskWriteBps: number | null;
    netRxBps: number | null;
    netTxBps: number | null;
}

export const NO_USAGE: Usage = {
    cpuPercent: null, memoryUsedKiB: null, memoryPercent: null,
    diskReadBps: null, diskWriteBps: null, netRxBps: null, netTxBps: null,
};

export function cpuPercent(prevCpuNs: number, curCpuNs: number, elapsedMs: number, vcpus: number): number | null {
    if (elapsedMs <= 0 || vcpus <= 0 || curCpuNs < prevCpuNs) return null;
    const percent = (curCpuNs - prevCpuNs) / (elapsedMs * 1e6 * vcpus) * 100;
    // Sampling jitter can push a fully busy guest a little over 100 %.
    return Math.min(100, percent);
}

export function counterRate(prev: number, cur: number, elapsedMs: number): number | null {
    if (elapsedMs <= 0 || cur < prev) return null;
    return (cur - prev) / (elapsedMs / 1000);
}

// Sum of per-device rates; a device that is new or whose counter went back yields no rate of its own.
function devicesRate(prev: DeviceCounters[], cur: DeviceCounters[], elapsedMs: number,
    pick: (d: DeviceCounters) => number): number | null {
    if (cur.length === 0) return null;
    let total = 0;
    let any = false;
    for (const device of cur) {
        const before = prev.find(d => d.name === device.name);
        if (!before) continue;
        const rate = counterRate(pick(before), pick(device), elapsedMs);
        if (rate === null) continue;
        total += rate;
        any = true;
    }
    return any ? total : null;
}

export function memoryPercent(sample: DomainSample): number | null {
    const total = sample.memoryCurrentKiB ?? sample.memoryMaxKiB;
    if (sample.memoryUsedKiB === null || !total) return null;
    return Math.min(100, sample.memoryUsedKiB / total * 100);
}

export function computeUsage(prev: TimedSample | undefined, cur: TimedSample): Usage {
    const memory = { memoryUsedKiB: cur.sample.memoryUsedKiB, memoryPercent: memoryPercent(cur.sample) };
    if (!prev || prev.sample.cpuTimeNs === null || cur.sample.cpuTimeNs === null) {
        return { ...NO_USAGE, ...memory };
    }
    const elapsedMs = cur.atMs - prev.atMs;
    const vcpus = cur.sample.vcpus ?? 1;
    return {
        ...memory,
        cpuPercent: cpuPercent(prev.sample.cpuTimeNs, cur.sample.cpuTimeNs, elapsedMs, vcpus),
        diskReadBps: devicesRate(prev.sample.disks, cur.sample.disks, elapsedMs, d => d.readBytes),
        diskWriteBps: devicesRate(prev.sample.disks, cur.sample.disks, elapsedMs, d => d.writeBytes),
        netRxBps: devicesRate(prev.sample.nics, cur.sample.nics, elapsedMs, d => d.readBytes),
        netTxBps: devicesRate(prev.sample.nics, cur.sample.nics, elapsedMs, d => d.writeBytes),
    };
}
