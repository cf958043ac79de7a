// A pretend fleet for the benchmark and the storage tests: what the collector's virsh run prints
// (`domstats --raw`, then the domain IDs) for N VMs at any time, with counters that grow the way a real VM's do, so the collector's whole path (parse,
// rates, journal, folds) runs on it unchanged.

import { DOMAIN_IDS_MARKER } from "../../src/core/metrics/virsh-domstats";

export interface FleetOptions {
    vms: number;
    // Every how many VMs one is shut off.
    offEvery?: number;
    disksPerVm?: number;
    nicsPerVm?: number;
}

export function fleetVmName(i: number): string {
    return `bench-vm-${String(i).padStart(3, "0")}`;
}

function vcpusOf(i: number): number {
    return 1 + (i % 4);
}

// Counters are integrals of smooth load curves, so every VM has a plausible, distinct history.
function load(i: number, tMs: number, periodMs: number): number {
    return 0.5 + 0.45 * Math.sin(tMs / periodMs + i);
}

function integral(i: number, tMs: number, periodMs: number, ratePerSec: number): number {
    // Integral of ratePerSec * load over [0, t]: closed form of 0.5t - 0.45 p cos(t/p + i).
    const p = periodMs;
    const seconds = (0.5 * tMs - 0.45 * p * (Math.cos(tMs / p + i) - Math.cos(i))) / 1000;
    return Math.floor(ratePerSec * seconds);
}

export function fleetDomstats(tMs: number, options: FleetOptions): string {
    const { vms, offEvery = 10, disksPerVm = 1, nicsPerVm = 1 } = options;
    const out: string[] = [];
    // The counters count from the VM's start, a while before t = 0 of the simulation.
    const since = tMs - Date.UTC(2020, 0, 1);
    for (let i = 0; i < vms; i++) {
        const name = fleetVmName(i);
        const off = offEvery > 0 && i % offEvery === offEvery - 1;
        out.push(`Domain: '${name}'`);
        out.push(`  state.state=${off ? 5 : 1}`, "  state.reason=1");
        const vcpus = vcpusOf(i);
        out.push(`  cpu.time=${off ? 0 : integral(i, since, 3_600_000, vcpus * 0.6e9)}`);
        const maxKiB = 1048576 * (1 + (i % 8));
        out.push(`  balloon.current=${maxKiB}`, `  balloon.maximum=${maxKiB}`);
        if (!off) out.push(`  balloon.rss=${Math.floor(maxKiB * (0.3 + 0.5 * load(i, tMs, 7_200_000)))}`);
        out.push(`  vcpu.current=${vcpus}`, `  vcpu.maximum=${vcpus}`);
        for (let v = 0; v < vcpus; v++) out.push(`  vcpu.${v}.state=1`, `  vcpu.${v}.time=0`);
        if (!off) {
            out.push(`  net.count=${nicsPerVm}`);
            for (let n = 0; n < nicsPerVm; n++) {
                out.push(`  net.${n}.name=vnet${i * 4 + n}`,
                    `  net.${n}.rx.bytes=${integral(i + n, since, 1_800_000, 200_000)}`, `  net.${n}.rx.pkts=0`,
                    `  net.${n}.tx.bytes=${integral(i + n + 1, since, 1_800_000, 50_000)}`, `  net.${n}.tx.pkts=0`);
            }
        }
        out.push(`  block.count=${disksPerVm}`);
        for (let d = 0; d < disksPerVm; d++) {
            out.push(`  block.${d}.name=vd${String.fromCharCode(97 + d)}`, `  block.${d}.path=/var/lib/libvirt/images/${name}-${d}.qcow2`);
            if (!off) {
                out.push(`  block.${d}.rd.reqs=0`, `  block.${d}.rd.bytes=${integral(i + d, since, 900_000, 1_000_000)}`,
                    `  block.${d}.wr.reqs=0`, `  block.${d}.wr.bytes=${integral(i + d + 2, since, 900_000, 400_000)}`);
            }
            out.push(`  block.${d}.allocation=1073741824`, `  block.${d}.capacity=10737418240`);
        }
        out.push("");
    }
    out.push(DOMAIN_IDS_MARKER);
    for (let i = 0; i < vms; i++) {
        const off = offEvery > 0 && i % offEvery === offEvery - 1;
        out.push(`${off ? "-" : String(i + 1)} ${fleetVmName(i)}`);
    }
    out.push("");
    return out.join("\n");
}
