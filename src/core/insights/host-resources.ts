// The host's CPUs and memory from /proc, read by kvm-manager-insights; parsed here so the parsing is
// tested on plain text.
import type { HostResources } from "./summary";

// "processor : N" lines of /proc/cpuinfo: one per logical CPU the host schedules guests on.
export function cpusFromCpuinfo(text: string): number | null {
    const count = text.split("\n").filter(line => /^processor\s*:/.test(line)).length;
    return count > 0 ? count : null;
}

export function memTotalKiB(meminfo: string): number | null {
    const m = /^MemTotal:\s+(\d+)\s+kB$/m.exec(meminfo);
    return m ? Number(m[1]) : null;
}

export function hostResources(cpuinfo: string | null, meminfo: string | null): HostResources {
    return { cpus: cpuinfo === null ? null : cpusFromCpuinfo(cpuinfo), memoryKiB: meminfo === null ? null : memTotalKiB(meminfo) };
}
