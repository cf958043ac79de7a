// Benchmark of the metrics history: `npx tsx bench/metrics-storage.ts [--vms 100] [--days 30]`.
//
// 1. Lays down DAYS of history for VMS pretend VMs (test/support/synthetic-fleet.ts) by running the
//    collector's own tick function every 30 s of simulated time, folds included, fsync off: bytes
//    written per tick (amortised and peak) and the database size come from here.
// 2. Runs the bundled kvm-manager-collect as a real process (fsync on) against that history, with a
//    stand-in virsh that prints the fleet's `domstats --raw`: wall time and peak RSS of a plain tick
//    and of each kind of fold step.
// 3. Times the bundled kvm-manager-history for every range.
// 4. Writes a full year of 6-hour buckets through the same storage code and adds it to the steady
//    sizes of the other tiers: the size of a year of history.
// 5. With --page: the time from picking "30 days" on the installed page until the chart is drawn, for
//    a VM of the fleet. The host's /var/lib/kvm-manager/metrics is set aside and replaced by a copy
//    of the simulated history meanwhile (a link would be refused: helpers do not follow links there) (the page's kvm-manager-history reads the default place), then
//    restored; the VM is defined (not started) and removed again.
// The temporary directories are removed at the end unless --keep is given.
import { spawnSync } from "node:child_process";
import {
    chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync,
} from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bundleHelpers, runHelper, type ProcessRun } from "./lib/helper-process";
import { collectTick, type TickReport } from "../helpers/lib/collector";
import { writeCounter } from "../helpers/lib/durable-fs";
import { silentLogger } from "../helpers/lib/log";
import { MetricsStore } from "../helpers/lib/metrics-store";
import { emptyMetricValues, type BucketRow } from "../src/core/metrics/rollup";
import { FOLD_PENDING_FILE } from "../src/core/metrics/segment-names";
import { DAY_MS, HISTORY_RANGES, periodEnd, periodStart, tierById } from "../src/core/metrics/tiers";
import { fleetDomstats, fleetVmName } from "../test/support/synthetic-fleet";

const TARGETS = { tickMs: 300, tickRssMiB: 100, bytesPerTick: 64 * 1024, yearMiB: 50, historyMs: 1000 };

const { values: args } = parseArgs({
    options: {
        vms: { type: "string", default: "100" },
        days: { type: "string", default: "30" },
        ticks: { type: "string", default: "10" },
        keep: { type: "boolean", default: false },
        page: { type: "boolean", default: false },
    },
});
const VMS = Number(args.vms);
const DAYS = Number(args.days);
const PLAIN_TICKS = Number(args.ticks);

function kib(bytes: number): string {
    return `${(bytes / 1024).toFixed(1)} KiB`;
}

function mib(bytes: number): string {
    return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

interface StepStats {
    count: number;
    bytes: number[];
    ms: number[];
}

async function simulate(stateDir: string, endMs: number): Promise<{ steps: Map<string, StepStats>; ticks: number; bytes: number; wallMs: number }> {
    const store = new MetricsStore(join(stateDir, "metrics"), silentLogger, { fsync: false });
    const steps = new Map<string, StepStats>();
    const startMs = endMs - DAYS * DAY_MS;
    const bytesBefore = writeCounter.bytes;
    const started = performance.now();
    let ticks = 0;
    let lastReport = started;
    for (let t = startMs; t < endMs; t += 30_000) {
        const before = writeCounter.bytes;
        const t0 = performance.now();
        const report: TickReport = await collectTick({
            store, log: silentLogger, uri: "bench:///", now: () => t,
            readDomstats: async () => fleetDomstats(t, { vms: VMS }),
        });
        const kind = report.fold?.step ?? "plain";
        let s = steps.get(kind);
        if (!s) steps.set(kind, s = { count: 0, bytes: [], ms: [] });
        s.count++;
        s.bytes.push(writeCounter.bytes - before);
        s.ms.push(performance.now() - t0);
        ticks++;
        if (performance.now() - lastReport > 30_000) {
            lastReport = performance.now();
            process.stderr.write(`  simulated ${((t - startMs) / DAY_MS).toFixed(1)} of ${DAYS} days\n`);
        }
    }
    return { steps, ticks, bytes: writeCounter.bytes - bytesBefore, wallMs: performance.now() - started };
}

// A year of 6-hour buckets, shaped like the fleet's (running VMs only), through writeTierRows.
async function writeYearOfSixHours(stateDir: string, endMs: number): Promise<void> {
    const store = new MetricsStore(join(stateDir, "metrics"), silentLogger);
    const tier = tierById("6h");
    const startMs = endMs - 366 * DAY_MS;
    for (let month = periodStart("month", startMs); month < endMs; month = periodEnd("month", month)) {
        const rows: BucketRow[] = [];
        const to = Math.min(periodEnd("month", month), endMs);
        for (let ts = Math.max(month, periodStart("day", startMs)); ts < to; ts += tier.stepMs) {
            for (let i = 0; i < VMS; i++) {
                if (i % 10 === 9) continue;
                const load = 0.5 + 0.45 * Math.sin(ts / 3_600_000 + i);
                const avg = emptyMetricValues();
                avg.cpuPercent = 60 * load;
                avg.memoryUsedKiB = Math.floor(1048576 * (1 + (i % 8)) * (0.3 + 0.5 * load));
                avg.memoryPercent = 100 * (0.3 + 0.5 * load);
                avg.diskReadBps = Math.floor(1_000_000 * load);
                avg.diskWriteBps = Math.floor(400_000 * load);
                avg.netRxBps = Math.floor(200_000 * load);
                avg.netTxBps = Math.floor(50_000 * load);
                const max = { ...avg };
                for (const k of Object.keys(max) as (keyof typeof max)[]) max[k] = Math.floor((avg[k] ?? 0) * 1.7);
                rows.push({ vm: fleetVmName(i), tsMs: ts, n: 720, avg, max });
            }
        }
        await store.writeTierRows("6h", month, rows, to);
    }
}

function line(label: string, value: string, target?: string, ok?: boolean): void {
    const verdict = target === undefined ? "" : `  (target ${target}: ${ok ? "met" : "NOT MET"})`;
    console.log(`  ${label.padEnd(46)} ${value}${verdict}`);
}

async function main(): Promise<void> {
    const work = mkdtempSync(join(tmpdir(), "kvmm-bench-"));
    const binDir = join(work, "bin");
    const stateDir = join(work, "state");
    mkdirSync(binDir);
    await bundleHelpers(binDir, ["kvm-manager-collect", "kvm-manager-history"]);

    // The simulated history ends where the current hour began, so the real ticks below find the
    // last simulated hour still in the journal: their first tick does a real hourly fold.
    const endMs = periodStart("hour", Date.now());
    console.log(`metrics storage benchmark: ${VMS} VMs (every 10th shut off), ${DAYS} days of history, 30-second ticks`);
    process.stderr.write(`simulating ${DAYS} days (${DAYS * 2880} ticks) ...\n`);
    const sim = await simulate(stateDir, endMs);
    const store = new MetricsStore(join(stateDir, "metrics"), silentLogger);
    const usage = store.diskUsage();

    // With --keep, the state as the simulation left it, for replaying the real ticks below by hand.
    if (args.keep) cpSync(stateDir, join(work, "state-after-simulation"), { recursive: true, preserveTimestamps: true });

    // Real processes from here on, fsync on.
    const domstatsFile = join(work, "domstats.txt");
    const fakeVirsh = join(binDir, "virsh");
    writeFileSync(fakeVirsh, `#!/bin/sh\nexec cat '${domstatsFile}'\n`);
    chmodSync(fakeVirsh, 0o755);
    const env = { KVM_MANAGER_VIRSH: fakeVirsh, KVM_MANAGER_STATE_DIR: stateDir };
    const tick = (): ProcessRun & { report: TickReport & { ok: boolean } } => {
        writeFileSync(domstatsFile, fleetDomstats(Date.now(), { vms: VMS }));
        const run = runHelper(binDir, "kvm-manager-collect", ["--json"], env);
        return { ...run, report: JSON.parse(run.stdout) as TickReport & { ok: boolean } };
    };
    const realTicks: { kind: string; wallMs: number; cpuMs: number; rssKiB: number; bytes: number; internalMs: number }[] = [];
    const record = (r: ReturnType<typeof tick>): void => {
        realTicks.push({
            kind: r.report.fold?.step ?? "plain", wallMs: r.wallMs, cpuMs: r.cpuMs, rssKiB: r.maxRssKiB,
            bytes: r.report.bytesWritten, internalMs: r.report.durationMs,
        });
    };
    record(tick()); // the last simulated hour leaves the journal
    record(tick()); // its 1m file and its buckets in the day's 30m file
    // Make the latest closed day look freshly changed, so the next tick merges it into its month; the
    // fold.pending mark is what makes a tick look at the directory.
    const lastDay = [...store.listSegments()].filter(s => s.tier === "30m" && s.endMs <= periodStart("day", Date.now())).pop();
    if (lastDay) {
        const future = new Date(Date.now() + 1000);
        utimesSync(lastDay.path, future, future);
        writeFileSync(join(stateDir, "metrics", FOLD_PENDING_FILE), "");
        record(tick());
    }
    for (let i = 0; i < PLAIN_TICKS; i++) record(tick());

    // History queries, as the page runs them.
    const vm = fleetVmName(7);
    const history: { range: string; ms: number; cpuMs: number; rssKiB: number; points: number; bytes: number; tier: string }[] = [];
    for (const range of Object.keys(HISTORY_RANGES)) {
        const runs = [0, 1, 2].map(() => runHelper(binDir, "kvm-manager-history", [`--vm=${vm}`, "--range", range, "--json"], env));
        const parsed = JSON.parse(runs[0].stdout) as { tier: string; samples: number[] };
        history.push({
            range, ms: median(runs.map(r => r.wallMs)), cpuMs: median(runs.map(r => r.cpuMs)), rssKiB: Math.max(...runs.map(r => r.maxRssKiB)),
            points: parsed.samples.filter(n => n > 0).length, bytes: runs[0].stdout.length, tier: parsed.tier,
        });
    }

    // A year: the steady tiers as simulated (raw 6 h, 1m 24 h, 30m 31 d, the journal's hour) plus a
    // full year of 6-hour buckets written through the same code.
    const yearDir = join(work, "year");
    await writeYearOfSixHours(yearDir, endMs);
    const steady = usage.byTier.raw + usage.byTier["1m"] + usage.byTier["30m"] + usage.byTier.journal;
    const yearBytes = steady + new MetricsStore(join(yearDir, "metrics"), silentLogger).diskUsage().byTier["6h"];

    console.log("\n1. History written through the collector (in-process, fsync off)");
    line("simulated ticks", `${sim.ticks} in ${(sim.wallMs / 1000).toFixed(0)} s`);
    const amortised = sim.bytes / sim.ticks;
    line("bytes written per tick, amortised", kib(amortised), kib(TARGETS.bytesPerTick), amortised <= TARGETS.bytesPerTick);
    for (const [kind, s] of sim.steps) {
        const peak = Math.max(...s.bytes);
        line(`  ${kind} ticks (${s.count})`, `avg ${kib(s.bytes.reduce((a, b) => a + b, 0) / s.count)}, peak ${kib(peak)}, ` +
            `in-process avg ${(s.ms.reduce((a, b) => a + b, 0) / s.count).toFixed(1)} ms, max ${Math.max(...s.ms).toFixed(0)} ms`);
    }
    line("database size now", `${mib(usage.bytes)} in ${usage.files} files`);
    for (const [tier, bytes] of Object.entries(usage.byTier)) line(`  ${tier}`, mib(bytes));

    console.log("\n2. Collector ticks as real processes (bundled helper, fsync on, stand-in virsh)");
    for (const kind of ["journal", "hour", "day", "plain"]) {
        const rows = realTicks.filter(r => r.kind === kind);
        if (rows.length === 0) continue;
        const wall = Math.max(...rows.map(r => r.wallMs));
        const rss = Math.max(...rows.map(r => r.rssKiB)) / 1024;
        const label = kind === "plain" ? `plain tick (median of ${rows.length}; worst)` : `tick with fold step "${kind}"`;
        const shown = kind === "plain" ? `${median(rows.map(r => r.wallMs)).toFixed(0)} ms (${wall.toFixed(0)} ms)` : `${wall.toFixed(0)} ms`;
        line(`${label}: wall`, `${shown}, of which in-process ${Math.max(...rows.map(r => r.internalMs))} ms`, `${TARGETS.tickMs} ms`, wall <= TARGETS.tickMs);
        line(`  CPU time (user + system, all threads)`, `${Math.max(...rows.map(r => r.cpuMs))} ms`);
        line(`  peak RSS`, `${rss.toFixed(1)} MiB`, `${TARGETS.tickRssMiB} MiB`, rss <= TARGETS.tickRssMiB);
        line(`  bytes written`, kib(Math.max(...rows.map(r => r.bytes))));
    }

    console.log(`\n3. kvm-manager-history --vm=${vm} --range R --json (bundled, median of 3)`);
    for (const h of history) {
        line(`${h.range} (${h.tier} tier)`, `${h.ms.toFixed(0)} ms (CPU ${h.cpuMs} ms), ${(h.rssKiB / 1024).toFixed(0)} MiB RSS, ${h.points} buckets with data, ${kib(h.bytes)} JSON`,
            h.range === "30d" ? `${TARGETS.historyMs} ms` : undefined, h.ms <= TARGETS.historyMs);
    }

    console.log("\n4. Size for a year");
    line("raw + 1m + 30m + journal (steady, simulated)", mib(steady));
    line("6h tier, 366 days written", mib(yearBytes - steady));
    line(`total for ${VMS} VMs over a year`, mib(yearBytes), `${TARGETS.yearMiB} MiB`, yearBytes <= TARGETS.yearMiB * 1024 * 1024);
    if (args.page) {
        console.log(`\n5. The page: picking "30 days" until the chart is drawn (${vm}, installed page, median of ${PAGE_RUNS})`);
        const times = await measurePageChart(join(stateDir, "metrics"), vm);
        line(`runs ${times.map(t => `${t.toFixed(0)} ms`).join(", ")}; median`, `${median(times).toFixed(0)} ms`,
            `${TARGETS.historyMs} ms`, median(times) <= TARGETS.historyMs);
    }

    console.log(`\nload average during the run: ${spawnSync("cat", ["/proc/loadavg"], { encoding: "utf8" }).stdout.trim()} on a ${cpus().length}-core machine`);

    if (args.keep) {
        console.log(`kept: ${work}`);
    } else {
        rmSync(work, { recursive: true, force: true });
    }
}

const PAGE_RUNS = 5;
const HOST_METRICS = "/var/lib/kvm-manager/metrics";

// In the page itself, so no round trip of the test driver counts: click, then wait for the CPU chart of
// the 30-day range to hold data and the next frame to be painted. A string, not a function: tsx would
// wrap a function with helpers that do not exist in the page.
const PICK_30D = `(async () => {
    const chartReady = () => {
        const card = document.querySelector("#kvm-history[data-range='30d'][data-state='ready']");
        return card !== null && Number(card.querySelector("#kvm-chart-cpu")?.getAttribute("data-values")) > 0;
    };
    const started = performance.now();
    document.querySelector("#kvm-range-30d").click();
    await new Promise(resolve => {
        const check = () => chartReady() ? requestAnimationFrame(() => resolve(undefined)) : requestAnimationFrame(check);
        check();
    });
    return performance.now() - started;
})()`;

async function measurePageChart(metricsDir: string, vm: string): Promise<number[]> {
    const { startPageSession } = await import("../test/support/session");
    const { defineTinyVm, removeVm } = await import("../test/support/virsh");
    const aside = `${HOST_METRICS}.bench-aside`;
    const hadMetrics = existsSync(HOST_METRICS);
    if (hadMetrics) renameSync(HOST_METRICS, aside);
    cpSync(metricsDir, HOST_METRICS, { recursive: true, preserveTimestamps: true });
    await defineTinyVm({ name: vm });
    const session = await startPageSession();
    try {
        const { page } = session.tab;
        await page.goto(`${session.cockpit.pageAloneUrl}#/vm/${encodeURIComponent(vm)}`);
        const times: number[] = [];
        for (let i = 0; i < PAGE_RUNS; i++) {
            // A fresh page each run: a page that already showed 30 days redraws that answer at once
            // while it fetches again, which is not what a first look costs.
            await page.reload();
            await page.locator("#kvm-range-30d").waitFor({ timeout: 30_000 });
            times.push(await page.evaluate(PICK_30D) as number);
        }
        return times;
    } finally {
        await session.close();
        await removeVm(vm);
        rmSync(HOST_METRICS, { recursive: true, force: true });
        if (hadMetrics) renameSync(aside, HOST_METRICS);
    }
}

main().catch(err => {
    console.error(err);
    process.exit(1);
});
