// Benchmark of the VM list's first load: `npx tsx bench/list-load.ts [--runs 3] [--timeout 60000]
// [--vms 200] [--running 10] [--soak SECONDS]`.
//
// Issue 8: "--vms 1000 --running 50: all rows and every running VM's usage within 2 s; the main thread busy at
// most 200 ms per usage refresh; memory of the tab after 10 minutes within 20 % of after 1 minute"
// (--soak 600 keeps one tab open and measures the last two).
//
// Issue: "List: 200 tiny VMs defined, 10 running. Time from navigating to the page-alone URL until all 200
// rows are visible and every running VM shows usage. Run the same for cockpit-machines (same host, same
// Chromium); print medians over at least 3 runs each and the ratio. Target: all rows, at most 2 s, ratio at
// most 0.3."
//
// Every measured run gets a fresh cockpit-ws (a --local-session cockpit-ws serves one browser session)
// and a fresh Chromium profile (cold cache, for both pages alike). The two pages alternate so drift in the
// host's load (other sessions share these 2 cores) hits both. The 200 VMs stay defined across the runs of
// one invocation and are removed at the end, also after a failure or Ctrl-C.
//
// Only rows of OUR VMs ("kvmm-bench-list-" prefix) are counted: other sessions' VMs come and go on the host
// while this runs, so "all rows of the host" would be a moving target. The total is printed alongside.
import { mkdir } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import type { CDPSession, Page } from "playwright-core";
import { launchBrowser, SCREENSHOT_DIR } from "../test/support/browser";
import { waitFor } from "../test/support/wait";
import { startCockpit } from "../test/support/cockpit";
import { listVms, virsh } from "../test/support/virsh";
import {
    BENCH_PREFIX, cleanupOnSignal, defineFleet, hostBusyPercent, machineContext, median, ms, removeFleet, runningNames, seconds,
    table,
} from "./lib/fleet";
import {
    addProbe, readLoadTiming, readProbe, recordDbusCalls, startMainThreadMetrics, waitProbeDone, type DbusCall, type LoadTiming,
    type MainThreadMetrics, type ProbeState,
} from "./lib/page-probe";

const TARGET_MS = 2000;
const TARGET_RATIO = 0.3;
const PREFIX = `${BENCH_PREFIX}list-`;

const { values: args } = parseArgs({
    options: {
        runs: { type: "string", default: "3" },
        timeout: { type: "string", default: "60000" },
        vms: { type: "string", default: "200" },
        running: { type: "string", default: "10" },
        // After the timed runs: keep one KVM Manager tab open this long and watch its main thread and memory.
        soak: { type: "string", default: "0" },
    },
});
const SOAK_S = Number(args.soak);
const RUNS = Math.max(1, Number(args.runs));
const TIMEOUT_MS = Number(args.timeout);
const VM_COUNT = Number(args.vms);
const RUNNING_COUNT = Math.min(VM_COUNT, Number(args.running));

type Kind = "kvm-manager" | "cockpit-machines";

interface RunResult {
    kind: Kind;
    run: number;
    /** ms from just before page.goto() until all our rows were in the DOM (null: not within the timeout). */
    allRowsMs: number | null;
    /** ... until, in addition, every running VM showed usage (peer: its running state). */
    completeMs: number | null;
    probe: ProbeState | null;
    load: LoadTiming | null;
    calls: DbusCall[];
    t0: number;
    hostVms: number;
    /** Chromium's main-thread CPU for the page, read shortly (<= 100 ms) after done or at the timeout. */
    mainThread: MainThreadMetrics | null;
    /** Host CPU use in the second before the run, all cores. */
    hostBusy: number;
    /** Our rows in the DOM when Node stopped waiting, counted afresh (-1: could not count). */
    finalRows: number;
    /**
     * libvirt's own latency at that moment: `virsh domstats --list-active --state --cpu-total` (the cheapest
     * call that gives CPU time, the one CPU % is computed from) run from a shell just before the page.
     */
    libvirtCpuStatsMs: number;
}

const vmName = (index: number): string => `${PREFIX}${String(index + 1).padStart(3, "0")}`;
const NAMES = Array.from({ length: VM_COUNT }, (_, i) => vmName(i));
// Spread the running VMs over the sorted list (001, 021, 041, ...) rather than bunching them at the top.
const RUNNING = NAMES.filter((_, i) => i % Math.floor(VM_COUNT / RUNNING_COUNT) === 0).slice(0, RUNNING_COUNT);

async function timeLibvirtCpuStats(): Promise<number> {
    const start = performance.now();
    await virsh("domstats", "--list-active", "--state", "--cpu-total");
    return performance.now() - start;
}

async function measure(kind: Kind, run: number): Promise<RunResult> {
    const hostBusy = await hostBusyPercent();
    const libvirtCpuStatsMs = await timeLibvirtCpuStats();
    const cockpit = await startCockpit();
    const browser = await launchBrowser();
    try {
        const { page } = await browser.newPage();
        if (kind === "cockpit-machines") {
            // This host fails virt-host-validate's hardware-virtualisation check (nested KVM without vmx in
            // cpuinfo), and cockpit-machines then shows an empty state with an "Ignore" button INSTEAD of the
            // list. Pressing Ignore stores this flag; setting it up front is what a returning user has, and
            // keeps a click out of the timing.
            await page.addInitScript(() => localStorage.setItem("virtualization-disabled-ignored", "true"));
        }
        await addProbe(page, { kind, prefix: PREFIX, expectedRows: VM_COUNT, running: RUNNING });
        const calls = recordDbusCalls(page);
        const readMainThread = await startMainThreadMetrics(page);
        const url = kind === "kvm-manager"
            ? cockpit.pageAloneUrl
            : `http://127.0.0.1:${cockpit.port}/cockpit/@localhost/machines/index.html`;
        const t0 = Date.now();
        // "commit": return as soon as the navigation starts; the probe in the page takes the times.
        await page.goto(url, { waitUntil: "commit", timeout: TIMEOUT_MS });
        await waitProbeDone(page, Math.max(1, TIMEOUT_MS - (Date.now() - t0)));
        const mainThread = await readMainThread();
        const probe = await readProbe(page);
        const load = await readLoadTiming(page);
        // A fresh count, apart from the probe's last one: confirms the probe saw the page's final DOM.
        const finalRows = await page.$$eval(kind === "kvm-manager" ? "#kvm-vm-table tbody tr[data-vm-name]" : "tr[data-row-id]",
            (rows, prefix) => rows.filter(row => (row.getAttribute("data-vm-name") ?? row.getAttribute("data-row-id")?.slice(3) ?? "")
                .startsWith(prefix)).length, PREFIX).catch(() => -1);
        const hostVms = (await listVms()).length;
        const since = (at: number | null | undefined): number | null => at === null || at === undefined ? null : at - t0;
        return {
            kind, run, t0, probe, load, calls: [...calls], hostVms, mainThread, hostBusy, finalRows, libvirtCpuStatsMs,
            allRowsMs: since(probe?.allRows), completeMs: since(probe?.done ? Math.max(probe.allRows ?? 0, probe.allRunningShown ?? 0) : null),
        };
    } finally {
        await browser.close();
        await cockpit.stop();
    }
}

function cell(result: RunResult, value: number | null): string {
    if (value !== null) return ms(value);
    const p = result.probe;
    return `> ${TIMEOUT_MS / 1000} s (${p?.maxRows ?? 0} of ${VM_COUNT} rows, ${p?.runningShown ?? 0} of ${RUNNING_COUNT} running shown)`;
}

/** Median over runs where a timed-out run counts as the timeout: then the median is only a lower bound. */
function medianOf(results: RunResult[], pick: (r: RunResult) => number | null): { value: number; lowerBound: boolean } {
    const values = results.map(r => pick(r) ?? TIMEOUT_MS);
    const value = median(values);
    // If the median sits on a timed-out value, the real median is at least that.
    const lowerBound = results.some(r => pick(r) === null) && value >= TIMEOUT_MS;
    return { value, lowerBound };
}

function breakdown(result: RunResult): string {
    const { probe, load, calls, t0, mainThread } = result;
    const rel = (at: number | null | undefined): string => at === null || at === undefined ? "–" : ms(at - t0);
    const lines: string[] = [`    host CPU busy in the second before the run: ${result.hostBusy.toFixed(0)}% of 2 cores`];
    if (load) {
        lines.push(`    navigation start ${rel(load.navigationStart)}, HTML ${rel(load.htmlDone)}, ` +
            `DOMContentLoaded ${rel(load.domContentLoaded)}, load event ${rel(load.loadEvent)}`);
        for (const res of load.resources) {
            lines.push(`      ${res.name.padEnd(28)} ${rel(res.start)} -> ${rel(res.end)}  (${Math.round(res.bytes / 1024)} KiB on the wire)`);
        }
    }
    if (probe) {
        lines.push(`    app mounted ${rel(probe.appMounted)}, table shown ${rel(probe.listShown)}, ` +
            `first row ${rel(probe.firstRow)} (${probe.progress[0]?.[1] ?? 0} rows at once), ` +
            `all rows ${rel(probe.allRows)}, all running shown ${rel(probe.allRunningShown)}`);
        if (!probe.done && probe.progress.length > 0) {
            // How the slow list grows: our rows at a few points in time.
            const marks = [5_000, 10_000, 20_000, 30_000, 45_000, 60_000].filter(mark => mark <= TIMEOUT_MS);
            const at = (mark: number): number => probe.progress.filter(([time]) => time - t0 <= mark).at(-1)?.[1] ?? 0;
            lines.push(`    our rows over time: ${marks.map(mark => `${mark / 1000} s: ${at(mark)}`).join(", ")}; ` +
                `the count changed ${probe.progress.length} times`);
        }
        const blocked = probe.longTasks.reduce((sum, task) => sum + task.duration, 0);
        const longest = probe.longTasks.reduce((max, task) => Math.max(max, task.duration), 0);
        lines.push(`    main thread: ${probe.longTasks.length} long tasks (> 50 ms), ${ms(blocked)} in all, longest ${ms(longest)}; ` +
            `rows in the table at the last check: ${probe.totalRows}, ours counted afresh at the end: ${result.finalRows} ` +
            `(host: ${result.hostVms} VMs)`);
    }
    if (mainThread) {
        lines.push(`    main-thread CPU (Chromium): script ${ms(mainThread.script)}, style ${ms(mainThread.recalcStyle)}, ` +
            `layout ${ms(mainThread.layout)}, all tasks ${ms(mainThread.task)}`);
    }
    const doneAt = probe?.done ? Math.max(probe.allRows ?? 0, probe.allRunningShown ?? 0) : Number.POSITIVE_INFINITY;
    const before = calls.filter(call => call.sent <= doneAt);
    const counts = new Map<string, number>();
    for (const call of before) counts.set(call.method, (counts.get(call.method) ?? 0) + 1);
    const summary = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([method, n]) => `${method} ×${n}`).join(", ");
    lines.push(`    D-Bus calls before ${probe?.done ? "done" : "the timeout"}: ${before.length}${summary ? ` (${summary})` : ""}`);
    // A short call list is shown whole (KVM Manager's); a long one only by its GetAllDomainStats calls.
    const shown = before.length <= 6 ? before : calls.filter(c => c.method === "GetAllDomainStats").slice(0, 3);
    for (const call of shown) {
        lines.push(`      ${call.method} sent ${rel(call.sent)}, answered ${rel(call.answered)} ` +
            `(${call.answered === null ? "–" : ms(call.answered - call.sent)}, ${Math.round(call.replyBytes / 1024)} KiB)`);
    }
    return lines.join("\n");
}

async function main(): Promise<void> {
    console.log("# VM list first load: KVM Manager vs cockpit-machines");
    console.log(await machineContext());
    console.log(`fleet: ${VM_COUNT} tiny VMs "${PREFIX}NNN" (64 MiB, no disks), ${RUNNING_COUNT} running; ` +
        `${RUNS} runs per page, alternating; timeout ${TIMEOUT_MS / 1000} s per run`);
    console.log(`rows counted: OUR prefix only (other sessions' VMs on the host are not counted; the host total is shown per run)`);
    console.log(`"complete" — KVM Manager: all ${VM_COUNT} rows AND each running row's CPU cell shows a usage bar ` +
        `(.kvm-cpu-cell .kvm-usage, not "Measuring…"); in a long list (WINDOW_FROM_ROWS, src/components/WindowedTbody.tsx) ` +
        "rows away from the viewport are " +
        "placeholder rows that carry the CPU figure as data-cpu-percent, and count when they carry it.");
    console.log(`             cockpit-machines 288: its list has NO usage column (Name, Connection, State, actions); ` +
        `"complete" = all ${VM_COUNT} rows AND each running row's state label says Running.`);
    console.log(`times are to the DOM commit seen by a MutationObserver in the page, from just before page.goto().\n`);

    await removeFleet(PREFIX);
    const defineStart = Date.now();
    await defineFleet(NAMES, new Set(RUNNING));
    const running = await runningNames();
    const missing = RUNNING.filter(name => !running.has(name));
    if (missing.length > 0) throw new Error(`bench VMs not running after start: ${missing.join(", ")}`);
    console.log(`defined ${VM_COUNT} VMs and started ${RUNNING_COUNT} in ${seconds(Date.now() - defineStart)}\n`);

    const results: RunResult[] = [];
    for (let run = 1; run <= RUNS; run++) {
        const order: Kind[] = run % 2 === 1 ? ["kvm-manager", "cockpit-machines"] : ["cockpit-machines", "kvm-manager"];
        for (const kind of order) {
            const result = await measure(kind, run);
            results.push(result);
            console.log(`run ${run} ${kind}: all rows ${cell(result, result.allRowsMs)}, complete ${cell(result, result.completeMs)}; ` +
                `libvirt just before: \`virsh domstats --list-active --state --cpu-total\` ${ms(result.libvirtCpuStatsMs)} ` +
                "(CPU % needs two such samples)");
            console.log(breakdown(result));
        }
    }

    const ours = results.filter(r => r.kind === "kvm-manager");
    const peer = results.filter(r => r.kind === "cockpit-machines");
    const rows: string[][] = [["page", ...ours.map(r => `run ${r.run}`), "median"]];
    const add = (label: string, list: RunResult[], pick: (r: RunResult) => number | null): { value: number; lowerBound: boolean } => {
        const m = medianOf(list, pick);
        rows.push([label, ...list.map(r => pick(r) === null ? `> ${TIMEOUT_MS / 1000} s (${r.probe?.maxRows ?? 0} rows)` : ms(pick(r) ?? 0)),
            `${m.lowerBound ? ">= " : ""}${ms(m.value)}`]);
        return m;
    };
    const oursRows = add("KVM Manager: all rows", ours, r => r.allRowsMs);
    const oursComplete = add("KVM Manager: complete (rows + usage)", ours, r => r.completeMs);
    const peerRows = add("cockpit-machines: all rows", peer, r => r.allRowsMs);
    const peerComplete = add("cockpit-machines: complete (rows + running state)", peer, r => r.completeMs);
    console.log(`\n${table(rows)}\n`);

    const ratio = (a: { value: number; lowerBound: boolean }, b: { value: number; lowerBound: boolean }): string => {
        const value = (a.value / b.value).toFixed(3);
        // A peer median that hit the timeout is a lower bound, so the ratio is an upper bound.
        if (a.lowerBound && b.lowerBound) return `${value} (both timed out: not meaningful)`;
        if (b.lowerBound) return `<= ${value} (cockpit-machines hit the ${TIMEOUT_MS / 1000} s timeout)`;
        if (a.lowerBound) return `>= ${value} (KVM Manager hit the timeout)`;
        return value;
    };
    console.log(`ratio KVM Manager / cockpit-machines, complete:  ${ratio(oursComplete, peerComplete)}`);
    console.log(`ratio KVM Manager / cockpit-machines, all rows:  ${ratio(oursRows, peerRows)}`);
    const completeRatio = oursComplete.value / peerComplete.value;
    const targetTime = !oursComplete.lowerBound && oursComplete.value <= TARGET_MS;
    // With the peer's median a lower bound, the true ratio is at most the printed one: a pass stays a pass.
    const targetRatio = !oursComplete.lowerBound && completeRatio <= TARGET_RATIO;
    const allOurRows = ours.every(r => r.allRowsMs !== null);
    console.log(`target: all rows in every run: ${allOurRows ? "yes" : "NO"}; ` +
        `median complete <= ${seconds(TARGET_MS)}: ${targetTime ? "PASS" : "MISS"} (${seconds(oursComplete.value)}); ` +
        `ratio <= ${TARGET_RATIO}: ${targetRatio ? "PASS" : "MISS"} (${completeRatio.toFixed(3)})`);
    if (SOAK_S > 0) await soak(SOAK_S);
}

/** One reading of Chromium's counters for the page (CDP Performance.getMetrics), wall clock in ms. */
interface CounterSample {
    at: number;
    /** Main-thread task time so far (thread CPU time), ms. */
    task: number;
    heapUsed: number;
    nodes: number;
    listeners: number;
}

async function readCounters(session: CDPSession): Promise<CounterSample> {
    const { metrics } = await session.send("Performance.getMetrics");
    const value = (name: string): number => metrics.find(m => m.name === name)?.value ?? 0;
    return {
        at: Date.now(), task: value("TaskDuration") * 1000, heapUsed: value("JSHeapUsedSize"),
        nodes: value("Nodes"), listeners: value("JSEventListeners"),
    };
}

/** The heap after a full garbage collection: what the page really holds, not what awaits collection. */
async function heapAfterGc(session: CDPSession): Promise<CounterSample> {
    await session.send("HeapProfiler.collectGarbage");
    return readCounters(session);
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Screenshots of the long list at its top and scrolled to its middle, and whether the rows in view there are
 * drawn rows rather than placeholders (a long list draws only the rows near the viewport).
 */
async function lookAtWindowedList(page: Page): Promise<void> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, "list-1000-top.png") });
    const middle = vmName(Math.floor(VM_COUNT / 2));
    await page.locator(`#kvm-vm-table tbody tr[data-vm-name="${middle}"]`).evaluate(row => row.scrollIntoView({ block: "center" }));
    const drawn = async (): Promise<{ placeholders: number; drawn: number }> => page.evaluate(() => {
        let placeholders = 0;
        let drawnRows = 0;
        for (const row of document.querySelectorAll("#kvm-vm-table tbody tr[data-vm-name]")) {
            const box = row.getBoundingClientRect();
            if (box.bottom < 0 || box.top > window.innerHeight) continue;
            if (row.classList.contains("kvm-row-placeholder")) placeholders++;
            else drawnRows++;
        }
        return { placeholders, drawn: drawnRows };
    });
    await waitFor(async () => (await drawn()).placeholders === 0, { timeoutMs: 5000, message: "the rows in view to be drawn" })
        .catch(() => undefined);
    const inView = await drawn();
    await page.screenshot({ path: join(SCREENSHOT_DIR, "list-1000-middle.png") });
    const total = await page.locator("#kvm-vm-table tbody tr").count();
    const placeholders = await page.locator("#kvm-vm-table tbody tr.kvm-row-placeholder").count();
    console.log(`scrolled to ${middle}: ${inView.drawn} drawn rows and ${inView.placeholders} placeholders in view; ` +
        `${total - placeholders} of ${total} rows drawn in all (screenshots in ${SCREENSHOT_DIR}: list-1000-top.png, list-1000-middle.png)`);
    await page.evaluate(() => window.scrollTo(0, 0));
}

/**
 * One KVM Manager tab left open for `seconds`: main-thread time per usage refresh, long tasks, and the
 * heap after 1 minute vs at the end. The tab counts as visible (headless Chromium reports it so), so the
 * store polls every 5 s throughout.
 */
async function soak(seconds: number): Promise<void> {
    console.log(`\n## One KVM Manager tab open for ${seconds} s (load average ${loadavg().map(v => v.toFixed(2)).join(" ")})`);
    const cockpit = await startCockpit();
    const browser = await launchBrowser();
    try {
        const { page, errors } = await browser.newPage();
        await addProbe(page, { kind: "kvm-manager", prefix: PREFIX, expectedRows: VM_COUNT, running: RUNNING });
        const calls = recordDbusCalls(page);
        const session = await page.context().newCDPSession(page);
        await session.send("Performance.enable", { timeDomain: "threadTicks" });
        await page.goto(cockpit.pageAloneUrl, { waitUntil: "commit", timeout: TIMEOUT_MS });
        if (!await waitProbeDone(page, TIMEOUT_MS)) throw new Error("the list did not complete; no soak");
        await lookAtWindowedList(page);
        await page.evaluate(() => {
            const tasks: number[] = [];
            (window as unknown as { __soakLongTasks: number[] }).__soakLongTasks = tasks;
            new PerformanceObserver(list => {
                for (const entry of list.getEntries()) tasks.push(entry.duration);
            }).observe({ type: "longtask" });
        });
        const t0 = Date.now();
        const samples: CounterSample[] = [await readCounters(session)];
        let atOneMinute: CounterSample | null = null;
        while (Date.now() - t0 < seconds * 1000) {
            await delay(1000);
            if (atOneMinute === null && Date.now() - t0 >= 60_000) atOneMinute = await heapAfterGc(session);
            samples.push(await readCounters(session));
        }
        const atEnd = await heapAfterGc(session);
        const longTasks = await page.evaluate(() => (window as unknown as { __soakLongTasks: number[] }).__soakLongTasks);

        // Usage refreshes: each answered GetAllDomainStats after the list was complete. A cycle is the time from
        // one answer to the next; the main thread's task time in it is everything the page did for one
        // refresh (and for anything else in those 5 s, so an upper bound).
        // One refresh may make more than one call (CPU times, then memory and vCPUs): answers less than 2.5 s
        // apart belong to the same refresh, and a cycle starts at the first answer of each.
        const answers: number[] = [];
        for (const at of calls.filter(call => call.method === "GetAllDomainStats" && call.answered !== null && call.answered >= t0)
            .map(call => call.answered ?? 0).sort((a, b) => a - b)) {
            if (answers.length === 0 || at - (answers.at(-1) ?? 0) > 2500) answers.push(at);
        }
        const taskAt = (at: number): number => {
            // Linear between the two readings around `at` (readings are 1 s apart).
            const after = samples.findIndex(sample => sample.at >= at);
            if (after <= 0) return samples[Math.max(0, after)].task;
            const a = samples[after - 1];
            const b = samples[after];
            return a.task + (b.task - a.task) * (at - a.at) / Math.max(1, b.at - a.at);
        };
        const cycles: number[] = [];
        for (let i = 0; i + 1 < answers.length && answers[i + 1] <= samples[samples.length - 1].at; i++) {
            cycles.push(taskAt(answers[i + 1]) - taskAt(answers[i]));
        }
        const longest = longTasks.reduce((max, duration) => Math.max(max, duration), 0);
        console.log(`usage refreshes seen: ${answers.length}; main-thread task time per refresh cycle (from one refresh's ` +
            `first GetAllDomainStats answer to the next one's, ~5 s): median ${ms(median(cycles))}, max ${ms(cycles.length ? Math.max(...cycles) : Number.NaN)}; ` +
            `target <= 200 ms: ${cycles.length > 0 && Math.max(...cycles) <= 200 ? "PASS" : "MISS"}`);
        console.log(`long tasks (> 50 ms) while open: ${longTasks.length}, longest ${ms(longest)}`);
        if (atOneMinute) {
            const growth = (atEnd.heapUsed - atOneMinute.heapUsed) / atOneMinute.heapUsed * 100;
            console.log(`JS heap after GC: ${mib(atOneMinute.heapUsed)} after 1 min, ${mib(atEnd.heapUsed)} after ${seconds} s ` +
                `(${growth >= 0 ? "+" : ""}${growth.toFixed(1)} %); target within 20 %: ${Math.abs(growth) <= 20 ? "PASS" : "MISS"}`);
            console.log(`DOM nodes: ${atOneMinute.nodes} -> ${atEnd.nodes}; JS event listeners: ${atOneMinute.listeners} -> ${atEnd.listeners}`);
        } else {
            console.log(`JS heap after GC at the end: ${mib(atEnd.heapUsed)} (a soak under 60 s has no 1-minute reading)`);
        }
        if (errors.length > 0) console.log(`page errors: ${errors.join("; ")}`);
    } finally {
        await browser.close();
        await cockpit.stop();
    }
}

async function cleanup(): Promise<void> {
    const start = Date.now();
    await removeFleet(PREFIX);
    console.log(`\nremoved the bench VMs in ${seconds(Date.now() - start)}`);
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
