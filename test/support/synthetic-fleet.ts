// A pretend fleet for the benchmark and the storage tests: what the collector's virsh run prints
// (`domstats --raw`, then the domain IDs) for N VMs at any time, with counters that grow the way a real VM's do, so the collector's whole path (parse,
// rates, journal, folds) runs on it unchanged.

import type { MetricsStore } from "../../helpers/lib/metrics-store";
import { emptyMetricValues, type BucketRow } from "../../src/core/metrics/rollup";
import { bucketStart, periodEnd, periodStart, tierById, type TierId } from "../../src/core/metrics/tiers";
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

// ---- Stored history of the fleet, for the Insights benchmark and screenshots ----
// Instead of simulating every 30-second tick (hours of work for a month), the buckets of each tier are
// made directly and written through the store's own writer. Each VM follows one of ten profiles, so
// the rules have something to find: idle, busy, spiky, growing, disk- and network-heavy, and plain.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// One VM moves most of the host's disk bytes and one most of its network bytes: a hot spot is a
// VM that stands out, so the others of their column are plain.
export function fleetProfile(i: number): "idle" | "busy" | "spiky" | "growing" | "disk" | "plain" | "network" | "full" | "off" {
    if (i === 4) return "disk";
    if (i === 6) return "network";
    const profiles = ["idle", "busy", "spiky", "growing", "plain", "plain", "plain", "full", "plain", "off"] as const;
    return profiles[i % 10];
}

// The bucket of stepMs at tsMs of the fleet's VM i (named `name`); null for a VM that is off.
// originMs: where the history starts (a growing VM grows from there).
export function fleetBucket(i: number, name: string, tsMs: number, stepMs: number, originMs: number): BucketRow | null {
    const profile = fleetProfile(i);
    if (profile === "off") return null;
    const daily = 0.5 + 0.5 * Math.sin((tsMs / DAY + i / 7) * 2 * Math.PI);
    const days = (tsMs - originMs) / DAY;
    const cpu = {
        idle: 3 + 4 * daily, busy: 84 + 12 * daily, spiky: 8 + 6 * daily, growing: 20 + 1.5 * days + 3 * daily,
        disk: 30 + 10 * daily, plain: 35 + 15 * daily, network: 25 + 10 * daily, full: 45 + 10 * daily,
    }[profile];
    const cpuMax = profile === "spiky" && Math.floor(tsMs / stepMs) % 17 === 0 ? 97 : Math.min(100, cpu * 1.3);
    const maxKiB = 1048576 * (1 + (i % 8));
    const memPercent = profile === "idle" ? 12 + 3 * daily : profile === "full" ? 92 + 4 * daily : 45 + 20 * daily;
    const MIB = 1024 * 1024;
    const disk = profile === "disk" ? 40 * MIB : 200_000 * (1 + daily);
    const net = profile === "network" ? 25 * MIB : 50_000 * (1 + daily);
    const avg = emptyMetricValues();
    avg.cpuPercent = cpu;
    avg.memoryPercent = memPercent;
    avg.memoryUsedKiB = Math.round(maxKiB * memPercent / 100);
    avg.diskReadBps = disk * 0.6;
    avg.diskWriteBps = disk * 0.4;
    avg.netRxBps = net * 0.7;
    avg.netTxBps = net * 0.3;
    const max = { ...avg, cpuPercent: cpuMax, memoryPercent: Math.min(100, memPercent + 3) };
    max.memoryUsedKiB = Math.round(maxKiB * max.memoryPercent / 100);
    return { vm: name, tsMs, n: Math.round(stepMs / 30_000), avg, max };
}

// Writes DAYS of history ending at endMs for the fleet into the store: the 30-minute tier for the
// whole span, the 1-minute tier for its last day and the 30-second samples for its last 6 hours, as
// the collector's folds would have left them (so every range of the pages reads data). names: the
// VMs' names (default fleetVmName), e.g. real VMs defined for screenshots.
export async function writeFleetHistory(store: MetricsStore, { vms, days, endMs, names }: {
    vms: number; days: number; endMs: number; names?: readonly string[];
}): Promise<void> {
    const originMs = endMs - days * DAY;
    const spans: { tier: TierId; fromMs: number }[] = [
        { tier: "30m", fromMs: originMs },
        { tier: "1m", fromMs: endMs - DAY },
        { tier: "raw", fromMs: endMs - 6 * HOUR },
    ];
    for (const { tier: id, fromMs } of spans) {
        const tier = tierById(id);
        for (let period = periodStart(tier.period, fromMs); period < endMs; period = periodEnd(tier.period, period)) {
            const to = Math.min(periodEnd(tier.period, period), endMs);
            const rows: BucketRow[] = [];
            for (let ts = Math.max(period, bucketStart(fromMs, tier.stepMs)); ts < to; ts += tier.stepMs) {
                for (let i = 0; i < vms; i++) {
                    const row = fleetBucket(i, names?.[i] ?? fleetVmName(i), ts, tier.stepMs, originMs);
                    if (row) rows.push(row);
                }
            }
            await store.writeTierRows(id, period, rows, to);
        }
    }
}
