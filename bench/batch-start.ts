// Benchmark of the list's batch start: `npx tsx bench/batch-start.ts [--runs 3] [--vms 20]`.
//
// Issue: "Batch: time to start 20 shut-off VMs through the page's batch action versus a sequential
// `virsh start` loop; print the ratio. Target at most 0.5."
//
// Sequential: one `virsh start` process after the other, as a shell loop would run them (argv, never a
// shell). Page: KVM Manager alone in a fresh cockpit-ws and Chromium profile, the list filtered to our
// prefix, "Select all shown", then the toolbar's Start; timed from just before that click until the
// results dialog lists every VM as done. Between runs all bench VMs are destroyed (untimed) and the two
// ways alternate, so drift in the host's load (other sessions share these 2 cores) hits both.
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { launchBrowser } from "../test/e2e/harness/browser";
import { startCockpit } from "../test/e2e/harness/cockpit";
import { listVms, virsh } from "../test/e2e/harness/virsh";
import { waitFor } from "../test/e2e/harness/wait";
import {
    BENCH_PREFIX, cleanupOnSignal, defineFleet, hostBusyPercent, inBatches, machineContext, median, ms, removeFleet, runningNames,
    seconds, table, waitAllShutOff,
} from "./lib/fleet";
import { addNameShim, recordDbusCalls } from "./lib/page-probe";

const TARGET_RATIO = 0.5;
const PREFIX = `${BENCH_PREFIX}batch-`;

const { values: args } = parseArgs({
    options: {
        runs: { type: "string", default: "3" },
        vms: { type: "string", default: "20" },
        timeout: { type: "string", default: "120000" },
    },
});
const RUNS = Math.max(1, Number(args.runs));
const VM_COUNT = Number(args.vms);
const TIMEOUT_MS = Number(args.timeout);
const NAMES = Array.from({ length: VM_COUNT }, (_, i) => `${PREFIX}${String(i + 1).padStart(2, "0")}`);

// "virsh ×4" is a reference, not part of the ratio: the same 4-at-a-time parallelism as the page, without
// the page, i.e. what this host allows at best with BATCH_CONCURRENCY = 4.
type Way = "virsh loop" | "page batch" | "virsh ×4";

interface RunResult {
    way: Way;
    run: number;
    ms: number;
    /** Per-VM latency: each `virsh start` process, or each Domain.Create D-Bus call of the page. */
    perVm: number[];
    note: string;
    /** Host CPU use in the second before the run, all cores (other sessions share the host). */
    hostBusy: number;
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
    const t0 = performance.now();
    for (const name of NAMES) {
        const started = performance.now();
        await virsh("start", "--domain", byName.get(name) ?? name);
        perVm.push(performance.now() - started);
    }
    const elapsed = performance.now() - t0;
    await assertAllRunning();
    return { way: "virsh loop", run, ms: elapsed, perVm, note: "all running (virsh)", hostBusy: 0 };
}

async function parallelVirsh(run: number, byName: Map<string, string>): Promise<RunResult> {
    const perVm: number[] = [];
    const t0 = performance.now();
    await inBatches(NAMES, 4, async name => {
        const started = performance.now();
        await virsh("start", "--domain", byName.get(name) ?? name);
        perVm.push(performance.now() - started);
    });
    const elapsed = performance.now() - t0;
    await assertAllRunning();
    return { way: "virsh ×4", run, ms: elapsed, perVm, note: "all running (virsh)", hostBusy: 0 };
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
        if (stamp === null) throw new Error("the results dialog gave no time stamp");
        const elapsed = stamp - t0;
        const outcomes = await page.$$eval("#kvm-batch-results tbody tr[data-outcome]",
            rows => rows.map(row => row.getAttribute("data-outcome") ?? ""));
        const done = outcomes.filter(outcome => outcome === "done").length;
        if (done !== VM_COUNT) throw new Error(`batch results: ${done} of ${VM_COUNT} done (${outcomes.join(", ")}); ${errors.join("; ")}`);
        await assertAllRunning();
        const during = calls.slice(callsBefore).filter(call => call.sent - t0 <= elapsed);
        const creates = during.filter(call => call.method === "Create" && call.answered !== null);
        // Where a worker's time goes besides Create: every D-Bus method the page called during the batch, with
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
            way: "page batch", run, ms: elapsed, perVm: creates.map(call => (call.answered ?? 0) - call.sent),
            note: `${done} done in the dialog, all running (virsh); D-Bus calls during the batch: ${methods}`, hostBusy: 0,
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
    console.log("# Batch start: KVM Manager's batch action vs a sequential `virsh start` loop");
    console.log(await machineContext());
    console.log(`${VM_COUNT} tiny VMs "${PREFIX}NN" (64 MiB, no disks), shut off before each run; ${RUNS} runs per way, alternating`);
    console.log(`page: time from just before clicking Start until the results dialog lists ${VM_COUNT} rows, all "done"`);
    console.log("(the page runs BATCH_CONCURRENCY = 4 Domain.Create calls at a time, src/state/vm-store.ts)\n");

    await removeFleet(PREFIX);
    await defineFleet(NAMES);
    const byName = await uuids();

    const results: RunResult[] = [];
    for (let run = 1; run <= RUNS; run++) {
        const order: Way[] = run % 2 === 1 ? ["virsh loop", "page batch", "virsh ×4"] : ["virsh ×4", "page batch", "virsh loop"];
        for (const way of order) {
            await stopAll(byName);
            const hostBusy = await hostBusyPercent();
            const result = way === "virsh loop" ? await sequential(run, byName)
                : way === "virsh ×4" ? await parallelVirsh(run, byName) : await viaPage(run);
            result.hostBusy = hostBusy;
            results.push(result);
            const per = result.way === "page batch" ? "per Domain.Create call" : "per `virsh start`";
            console.log(`run ${run} ${way}: ${ms(result.ms)} — ${result.note}; ${per}: ${spread(result.perVm)}; ` +
                `host CPU busy in the second before: ${hostBusy.toFixed(0)}%`);
        }
    }
    await stopAll(byName);

    const loop = results.filter(r => r.way === "virsh loop");
    const page = results.filter(r => r.way === "page batch");
    const parallel = results.filter(r => r.way === "virsh ×4");
    const loopMedian = median(loop.map(r => r.ms));
    const pageMedian = median(page.map(r => r.ms));
    const parallelMedian = median(parallel.map(r => r.ms));
    console.log(`\n${table([
        ["way", ...loop.map(r => `run ${r.run}`), "median"],
        ["sequential virsh start", ...loop.map(r => ms(r.ms)), ms(loopMedian)],
        ["page batch Start", ...page.map(r => ms(r.ms)), ms(pageMedian)],
        ["(reference) virsh start, 4 at a time", ...parallel.map(r => ms(r.ms)), ms(parallelMedian)],
    ])}\n`);
    console.log(`reference: virsh 4 at a time / sequential: ${(parallelMedian / loopMedian).toFixed(3)} ` +
        `(what 4-way parallelism gives on this host without the page)`);
    const ratio = pageMedian / loopMedian;
    console.log(`ratio page batch / sequential virsh: ${ratio.toFixed(3)}; target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? "PASS" : "MISS"}`);
    console.log(`(${VM_COUNT} starts: ${seconds(pageMedian)} vs ${seconds(loopMedian)})`);
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
