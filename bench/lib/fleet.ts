// Shared pieces of the browser benchmarks: a fleet of tiny bench VMs, its cleanup, the machine context
// that every printout starts with, and small statistics/formatting helpers.
//
// Bench VMs are named "kvmm-bench-...", not "kvmm-test-...": the e2e tests' global setup deletes every
// "kvmm-test-" VM, and another session may be running those tests while a benchmark runs.
import { readFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { availableParallelism, loadavg } from "node:os";
import { run } from "../../test/support/exec";
import { defineTinyVm, listVms, removeAllTestVms, TEST_STATE_DIR, virsh } from "../../test/support/virsh";
import { waitFor } from "../../test/support/wait";

export const BENCH_PREFIX = "kvmm-bench-";

/** Runs `job` over `items` with at most `limit` in flight; rejects with the first failure once all settled. */
export async function inBatches<T>(items: readonly T[], limit: number, job: (item: T) => Promise<void>): Promise<void> {
    const queue = [...items];
    const errors: unknown[] = [];
    const worker = async (): Promise<void> => {
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
            try {
                await job(item);
            } catch (error) {
                errors.push(error);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    if (errors.length > 0) throw errors[0];
}

/**
 * Defines tiny VMs (64 MiB, 1 vCPU, no disks: SeaBIOS idles, so each running one costs little) eight at a
 * time; libvirtd serialises some of the work, but parallel virsh processes still overlap their start-up
 * and the XML round trips. Names in `running` are started as well.
 */
export async function defineFleet(names: readonly string[], running: ReadonlySet<string> = new Set(),
    parallel = 8): Promise<void> {
    await inBatches(names, parallel, async name => {
        await defineTinyVm({ name, memoryMiB: 64, vcpus: 1, start: running.has(name) });
    });
}

/** Removes every VM whose name starts with `prefix` (our bench prefix only: never another session's VMs). */
export async function removeFleet(prefix: string): Promise<void> {
    if (!prefix.startsWith(BENCH_PREFIX)) throw new Error(`refusing to remove VMs outside ${BENCH_PREFIX}: ${prefix}`);
    await removeAllTestVms(prefix);
}

/** Names of the VMs on the host that are running, as virsh reports them. */
export async function runningNames(): Promise<Set<string>> {
    const out = await virsh("list", "--name", "--state-running");
    return new Set(out.split("\n").filter(line => line !== ""));
}

/** Waits until none of `names` is running (after `virsh destroy`, libvirt reports shut off at once). */
export async function waitAllShutOff(names: readonly string[], timeoutMs = 60_000): Promise<void> {
    await waitFor(async () => {
        const running = await runningNames();
        return names.every(name => !running.has(name));
    }, { timeoutMs, intervalMs: 100, message: "bench VMs to be shut off" });
}

/**
 * Cleans up on Ctrl-C / SIGTERM too: try/finally does not run when the process is killed by a signal, and
 * a left-behind fleet of 200 VMs would distort every later measurement on the host.
 */
export function cleanupOnSignal(cleanup: () => Promise<void>): void {
    let cleaning = false;
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
        process.once(signal, () => {
            if (cleaning) return;
            cleaning = true;
            console.error(`\n${signal}: removing bench VMs before exiting...`);
            void cleanup().finally(() => process.exit(130));
        });
    }
}

export function median(values: readonly number[]): number {
    if (values.length === 0) return Number.NaN;
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function ms(value: number): string {
    return Number.isFinite(value) ? `${Math.round(value)} ms` : "–";
}

export function seconds(value: number): string {
    return Number.isFinite(value) ? `${(value / 1000).toFixed(2)} s` : "–";
}

/** A right-padded table: benchmark output is read in a terminal and pasted into reports. */
export function table(rows: readonly (readonly string[])[]): string {
    const widths = rows[0].map((_, column) => Math.max(...rows.map(row => (row[column] ?? "").length)));
    return rows.map(row => row.map((cell, column) => cell.padEnd(widths[column])).join("  ").trimEnd()).join("\n");
}

async function firstLine(program: string, args: string[]): Promise<string> {
    try {
        return (await run(program, args)).split("\n")[0].trim();
    } catch (error) {
        return `unknown (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`;
    }
}

/**
 * The context a figure needs to be read: the host's core count and load (other sessions may be running
 * tests on the same 2 cores), the virt type of the tiny VMs, and the versions of what is compared.
 */
export async function machineContext(): Promise<string> {
    const virtType = await readFile(`${TEST_STATE_DIR}/virt-type`, "utf8").then(text => text.trim(), () => "unknown (run test/host/setup.sh)");
    const [nproc, chromium, machines, bridge, vms] = await Promise.all([
        firstLine("nproc", []),
        firstLine("/usr/bin/chromium", ["--version"]),
        firstLine("dpkg-query", ["-W", "-f", "${Version}", "cockpit-machines"]),
        firstLine("dpkg-query", ["-W", "-f", "${Version}", "cockpit-bridge"]),
        listVms(),
    ]);
    const load = loadavg().map(value => value.toFixed(2)).join(" ");
    return [
        `nproc: ${nproc} (node availableParallelism ${availableParallelism()}), load average: ${load}`,
        `virt type of the tiny VMs: ${virtType} (${TEST_STATE_DIR}/virt-type)`,
        `chromium: ${chromium}; cockpit-bridge ${bridge}; cockpit-machines ${machines}`,
        `VMs on the host before the bench fleet: ${vms.filter(vm => !vm.name.startsWith(BENCH_PREFIX)).length} not ours`,
    ].join("\n");
}

async function cpuTimes(): Promise<{ busy: number; total: number }> {
    // First line of /proc/stat: "cpu user nice system idle iowait irq softirq steal ..." in clock ticks.
    const fields = (await readFile("/proc/stat", "utf8")).split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((sum, value) => sum + value, 0);
    const idle = fields[3] + (fields[4] ?? 0);
    return { busy: total - idle, total };
}

/**
 * The host's CPU use (all cores, %) over the next `ms`: printed before each measured run, because other
 * sessions run tests on the same 2 cores and a figure taken on a busy host must be read as such.
 */
export async function hostBusyPercent(ms = 1000): Promise<number> {
    const before = await cpuTimes();
    await delay(ms);
    const after = await cpuTimes();
    const total = after.total - before.total;
    return total > 0 ? (after.busy - before.busy) / total * 100 : 0;
}
