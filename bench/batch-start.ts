// Benchmark of the list's batch start: `npx tsx bench/batch-start.ts [--runs 3] [--vms 20] [--levels 4,8] [--no-dbus]`.
//
// Issue 8: "the page's batch no slower than the best of `virsh start` at 4 and at 8 at a time, and at most
// 0.3x the sequential loop", measured in one run on the same host.
//
// Sequential: one `virsh start` process after the other, as a shell loop would run them (argv, never a
// shell). "virsh ×N": N `virsh start` processes at a time. "D-Bus ×N": N Domain.Create calls at a time
// through libvirt-dbus (busctl, one process per call), which is what the page did before it spawned virsh:
// libvirt-dbus serves calls on a few worker threads. Page: KVM Manager alone in a fresh cockpit-ws and Chromium profile, the list filtered to our
// prefix, "Select all shown", then the toolbar's Start; timed from just before that click until the
// results dialog lists every VM as done. Between runs all bench VMs are destroyed (untimed) and the two
// ways alternate, so drift in the host's load (other sessions share these 2 cores) hits both.
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { launchBrowser } from "../test/support/browser";
import { startCockpit } from "../test/support/cockpit";
import { run as runProgram } from "../test/support/exec";
import { listVms, virsh } from "../test/support/virsh";
import { waitFor } from "../test/support/wait";
import {
    BENCH_PREFIX, cleanupOnSignal, defineFleet, hostBusyPercent, inBatches, machineContext, median, ms, removeFleet, runningNames,
    seconds, table, waitAllShutOff,
} from "./lib/fleet";
import { cpuByName, formatCpuByName, snapshotCpu } from "./lib/host-cpu";
import { addNameShim, recordDbusCalls, recordSpawns } from "./lib/page-probe";
import { BATCH_CONCURRENCY } from "../src/state/vm-list-state";

const TARGET_RATIO = 0.3;
const PREFIX = `${BENCH_PREFIX}batch-`;

const { values: args } = parseArgs({
    options: {
        runs: { type: "string", default: "3" },
        vms: { type: "string", default: "20" },
        timeout: { type: "string", default: "120000" },
        levels: { type: "string", default: "4,8" },
        "no-dbus": { type: "boolean", default: false },
    },
});
const LEVELS = args.levels.split(",").map(Number).filter(n => n >= 1);
const RUNS = Math.max(1, Number(args.runs));
const VM_COUNT = Number(args.vms);
const TIMEOUT_MS = Number(args.timeout);
const NAMES = Array.from({ length: VM_COUNT }, (_, i) => `${PREFIX}${String(i + 1).padStart(2, "0")}`);

// "page batch", "virsh loop", "virsh ×N" or "D-Bus ×N".
type Way = string;
const LOOP: Way = "virsh loop";
const PAGE: Way = "page batch";
const virshWay = (level: number): Way => `virsh ×${level}`;
const dbusWay = (level: number): Way => `D-Bus ×${level}`;

interface RunResult {
    way: Way;
    run: number;
    ms: number;
    /** Per-VM latency: each `virsh start` process (the shell's or the page's), or each Domain.Create call. */
    perVm: number[];
    note: string;
    /** Host CPU use in the second before the run, all cores (other sessions share the host). */
    hostBusy: number;
    /** CPU seconds by process name during the timed part. */
    cpu: string;
}

/** UUIDs of our VMs, looked up once: virsh reads an all-digit name as an ID, so per-VM calls use UUIDs. */
async function uuids(): Promise<Map<string, string>> {
    const byName = new Map((await listVms()).map(vm => [vm.name, vm.uuid]));
    for (const name of NAMES) if (!byName.has(name)) throw new Error(`bench VM ${name} is not defined`);
    return byName;
}

async function stopAll(byName: Map<string, string>): Promise<void> {
    const running = await runningNames();
    // Untimed; four at a time is quick and keeps libvirtd responsive for other sessions.
    await inBatches(NAMES.filter(name => running.has(name)), 4, async name => {
        await virsh("destroy", "--domain", byName.get(name) ?? name);
    });
    await waitAllShutOff(NAMES);
}

async function assertAllRunning(): Promise<void> {
    const running = await runningNames();
    const missing = NAMES.filter(name => !running.has(name));
    if (missing.length > 0) throw new Error(`not running after the start: ${missing.join(", ")}`);
}

async function sequential(run: number, byName: Map<string, string>): Promise<RunResult> {
    const perVm: number[] = [];
    const cpuBefore = await snapshotCpu();
    const t0 = performance.now();
    for (const name of NAMES) {
        const started = performance.now();
        await virsh("start", "--domain", byName.get(name) ?? name);
        perVm.push(performance.now() - started);
    }
    const elapsed = performance.now() - t0;
    const cpu = formatCpuByName(cpuByName(cpuBefore, await snapshotCpu()));
    await assertAllRunning();
    return { way: LOOP, run, ms: elapsed, perVm, note: "all running (virsh)", hostBusy: 0, cpu };
}

async function parallelVirsh(run: number, byName: Map<string, string>, level: number): Promise<RunResult> {
    const perVm: number[] = [];
    const cpuBefore = await snapshotCpu();
    const t0 = performance.now();
    await inBatches(NAMES, level, async name => {
        const started = performance.now();
        await virsh("start", "--domain", byName.get(name) ?? name);
        perVm.push(performance.now() - started);
    });
    const elapsed = performance.now() - t0;
    const cpu = formatCpuByName(cpuByName(cpuBefore, await snapshotCpu()));
    await assertAllRunning();
    return { way: virshWay(level), run, ms: elapsed, perVm, note: "all running (virsh)", hostBusy: 0, cpu };
}

/** libvirt-dbus names a domain's object after its UUID, "-" written as "_". */
const domainPath = (uuid: string): string => `/org/libvirt/QEMU/domain/_${uuid.replace(/-/g, "_")}`;

async function parallelDbus(run: number, byName: Map<string, string>, level: number): Promise<RunResult> {
    const perVm: number[] = [];
    const cpuBefore = await snapshotCpu();
    const t0 = performance.now();
    await inBatches(NAMES, level, async name => {
        const started = performance.now();
        await runProgram("busctl", ["--system", "--timeout=300", "call", "org.libvirt", domainPath(byName.get(name) ?? ""),
            "org.libvirt.Domain", "Create", "u", "0"]);
        perVm.push(performance.now() - started);
    });
    const elapsed = performance.now() - t0;
    const cpu = formatCpuByName(cpuByName(cpuBefore, await snapshotCpu()));
    await assertAllRunning();
    return { way: dbusWay(level), run, ms: elapsed, perVm, note: "all running (virsh)", hostBusy: 0, cpu };
}

/** Rows of the list the page shows right now: names and states. */
async function shownRows(page: Page): Promise<{ name: string; state: string }[]> {
    return page.$$eval("#kvm-vm-table tbody tr[data-vm-name]", rows => rows.map(row => ({
        name: row.getAttribute("data-vm-name") ?? "", state: row.getAttribute("data-state") ?? "",
    })));
}

async function viaPage(run: number): Promise<RunResult> {
    const cockpit = await startCockpit();
    const browser = await launchBrowser();
    try {
        const { page, errors } = await browser.newPage();
        await addNameShim(page);
        const calls = recordDbusCalls(page);
        const spawns = recordSpawns(page);
        await page.goto(cockpit.pageAloneUrl);
        // Set-up, untimed: the list has loaded and every VM of ours shows as shut off.
        await waitFor(async () => {
            const rows = (await shownRows(page)).filter(row => row.name.startsWith(PREFIX));
            return rows.length === VM_COUNT && rows.every(row => row.state === "shut-off");
        }, { timeoutMs: 30_000, message: `the list to show our ${VM_COUNT} VMs shut off` });
        await page.locator("#kvm-name-filter input").fill(PREFIX);
        await waitFor(async () => {
            const rows = await shownRows(page);
            return rows.length === VM_COUNT && rows.every(row => row.name.startsWith(PREFIX));
        }, { timeoutMs: 10_000, message: "the filter to leave only our VMs" });
        await page.locator("#kvm-vm-table thead th").first().locator("input[type=checkbox]").check();
        const startButton = page.locator('[data-batch-action="start"]');
        await waitFor(() => startButton.isEnabled(), { timeoutMs: 10_000, message: "the Start batch button to be enabled" });
        const selected = await page.locator("#kvm-selected-count").innerText();
        if (!selected.includes(String(VM_COUNT))) throw new Error(`expected ${VM_COUNT} selected, the page says "${selected}"`);

        const callsBefore = calls.length;
        const cpuBefore = await snapshotCpu();
        // Both clocks are the host's wall clock; the click's own round trip through Playwright counts against
        // the page, which is the conservative side.
        const t0 = Date.now();
        await startButton.click();
        // Stamped in the page on the frame the last result row appears; polling every frame ('raf').
        const finishedAt = await page.waitForFunction((count: number) => {
            const rows = document.querySelectorAll("#kvm-batch-results tbody tr[data-outcome]");
            return rows.length >= count ? performance.timeOrigin + performance.now() : null;
        }, VM_COUNT, { polling: "raf", timeout: TIMEOUT_MS });
        // waitForFunction resolves only on a truthy value, so the stamp is a number here.
        const stamp = await finishedAt.jsonValue();
        const cpu = formatCpuByName(cpuByName(cpuBefore, await snapshotCpu()));
        if (stamp === null) throw new Error("the results dialog gave no time stamp");
        const elapsed = stamp - t0;
        const outcomes = await page.$$eval("#kvm-batch-results tbody tr[data-outcome]",
            rows => rows.map(row => row.getAttribute("data-outcome") ?? ""));
        const done = outcomes.filter(outcome => outcome === "done").length;
        if (done !== VM_COUNT) throw new Error(`batch results: ${done} of ${VM_COUNT} done (${outcomes.join(", ")}); ${errors.join("; ")}`);
        await assertAllRunning();
        const during = calls.slice(callsBefore).filter(call => call.sent - t0 <= elapsed);
        const starts = spawns.filter(process => process.argv[0] === "virsh" && process.opened - t0 <= elapsed && process.closed !== null);
        // Where the page's time goes besides its virsh processes: every D-Bus method the page called during the batch, with
        // its count and total latency (calls overlap, so the totals add up to more than the wall time).
        const byMethod = new Map<string, number[]>();
        for (const call of during) {
            const list = byMethod.get(call.method) ?? [];
            list.push(call.answered === null ? Number.NaN : call.answered - call.sent);
            byMethod.set(call.method, list);
        }
        const methods = [...byMethod.entries()].map(([method, all]) => {
            // A call still unanswered when the dialog completed (e.g. a stats poll waiting for a starting VM).
            const answered = all.filter(Number.isFinite);
            const pending = all.length - answered.length;
            return `${method} ×${all.length} (median ${ms(median(answered))}, max ${ms(answered.length ? Math.max(...answered) : Number.NaN)}` +
                `${pending ? `, ${pending} still unanswered at the end` : ""})`;
        }).join(", ");
        return {
            way: PAGE, run, ms: elapsed, perVm: starts.map(process => (process.closed ?? 0) - process.opened),
            note: `${done} done in the dialog, all running (virsh); ${starts.length} virsh processes; ` +
                `D-Bus calls during the batch: ${methods || "none"}`, hostBusy: 0, cpu,
        };
    } finally {
        await browser.close();
        await cockpit.stop();
    }
}

function spread(values: number[]): string {
    if (values.length === 0) return "–";
    return `min ${ms(Math.min(...values))}, median ${ms(median(values))}, max ${ms(Math.max(...values))}`;
}

async function main(): Promise<void> {
    console.log("# Batch start: KVM Manager's batch action vs `virsh start` from a shell");
    console.log(await machineContext());
    console.log(`${VM_COUNT} tiny VMs "${PREFIX}NN" (64 MiB, no disks), shut off before each run; ${RUNS} runs per way, ` +
        "the order of the ways rotating from run to run");
    console.log(`page: time from just before clicking Start until the results dialog lists ${VM_COUNT} rows, all "done"`);
    console.log(`(the page runs BATCH_CONCURRENCY = ${BATCH_CONCURRENCY} \`virsh start\` processes at a time through cockpit.spawn, ` +
        "src/state/vm-list-state.ts)\n");

    await removeFleet(PREFIX);
    await defineFleet(NAMES);
    const byName = await uuids();

    const ways: Way[] = [LOOP, PAGE, ...LEVELS.map(virshWay), ...(args["no-dbus"] ? [] : LEVELS.map(dbusWay))];
    const results: RunResult[] = [];
    for (let run = 1; run <= RUNS; run++) {
        // Rotated, so no way always runs first after the untimed destroy, or always after the page.
        const order = ways.map((_, i) => ways[(i + run - 1) % ways.length]);
        for (const way of order) {
            await stopAll(byName);
            const hostBusy = await hostBusyPercent();
            const level = Number(way.split("×")[1]);
            const result = way === LOOP ? await sequential(run, byName)
                : way === PAGE ? await viaPage(run)
                    : way.startsWith("virsh") ? await parallelVirsh(run, byName, level) : await parallelDbus(run, byName, level);
            result.hostBusy = hostBusy;
            results.push(result);
            const per = result.way === PAGE ? "per `virsh start` the page spawned (channel open to close)"
                : result.way.startsWith("D-Bus") ? "per Domain.Create call" : "per `virsh start`";
            console.log(`run ${run} ${way}: ${ms(result.ms)} — ${result.note}; ${per}: ${spread(result.perVm)}; ` +
                `host CPU busy in the second before: ${hostBusy.toFixed(0)}%, load average ${loadavg()[0].toFixed(2)}`);
            console.log(`    CPU during the run: ${result.cpu}`);
        }
    }
    await stopAll(byName);

    const medianOf = (way: Way): number => median(results.filter(r => r.way === way).map(r => r.ms));
    const header = ["way", ...Array.from({ length: RUNS }, (_, i) => `run ${i + 1}`), "median", "/ sequential"];
    const loopMedian = medianOf(LOOP);
    const rows = ways.map(way => {
        const list = results.filter(r => r.way === way);
        return [way, ...list.map(r => ms(r.ms)), ms(medianOf(way)), (medianOf(way) / loopMedian).toFixed(3)];
    });
    console.log(`\n${table([header, ...rows])}\n`);
    const pageMedian = medianOf(PAGE);
    const bestShell = Math.min(...LEVELS.map(level => medianOf(virshWay(level))));
    const bestLabel = LEVELS.map(virshWay).find(way => medianOf(way) === bestShell) ?? "";
    const ratio = pageMedian / loopMedian;
    console.log(`page batch / sequential virsh: ${ratio.toFixed(3)}; target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? "PASS" : "MISS"}`);
    console.log(`page batch / best shell concurrency (${bestLabel}, ${ms(bestShell)}): ${(pageMedian / bestShell).toFixed(3)}; ` +
        `target <= 1: ${pageMedian <= bestShell ? "PASS" : "MISS"}`);
    console.log(`(${VM_COUNT} starts: page ${seconds(pageMedian)}, sequential ${seconds(loopMedian)}; load average now ` +
        `${loadavg().map(v => v.toFixed(2)).join(" ")})`);
}

async function cleanup(): Promise<void> {
    await removeFleet(PREFIX);
    console.log("removed the bench VMs");
}

cleanupOnSignal(cleanup);
main()
    .catch((error: unknown) => {
        console.error(error);
        process.exitCode = 1;
    })
    .finally(() => cleanup().catch((error: unknown) => {
        console.error("cleanup failed:", error);
        process.exitCode = 1;
    }));
