// Benchmark of alert evaluation: `npx tsx bench/alerts-tick.ts [--vms 100] [--rules 50] [--ticks 240]`.
//
// VMS pretend VMs (test/support/synthetic-fleet.ts: every 10th shut off, loads that swing over the
// hours) and RULES rules of every kind, thresholds spread so alerts fire and resolve as loads swing;
// a fifth of the rules (the memory rules) notify a webhook on 127.0.0.1 (a receiver in this process),
// through the real outbox and detached deliverer.
// 1. In one process, fsync on: the collector's own tick function for TICKS ticks of 30 s simulated
//    time, with the rules and (a second state directory) without: the alert step's time per tick.
// 2. Real processes: the bundled kvm-manager-collect, with a stand-in virsh that prints the fleet's
//    `domstats --raw`, run alternately with the rules and with none: the added wall time of a tick as
//    the timer runs it (a fresh process each time, so schema set-up and file reads are paid each tick).
// Target: at most 20 ms added per tick.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { startDeliverer } from "../helpers/lib/alerts/delivery";
import { AlertStore } from "../helpers/lib/alerts/store";
import { collectTick, type TickReport } from "../helpers/lib/collector";
import { silentLogger } from "../helpers/lib/log";
import { MetricsStore } from "../helpers/lib/metrics-store";
import { ALERT_METRICS, type AlertRule } from "../src/core/alerts/alert-rule";
import { fleetDomstats, fleetVmName } from "../test/support/synthetic-fleet";

const TARGET_MS = 20;
const { values: args } = parseArgs({
    options: {
        vms: { type: "string", default: "100" },
        rules: { type: "string", default: "50" },
        ticks: { type: "string", default: "240" },
        processes: { type: "string", default: "9" },
    },
});
const VMS = Number(args.vms);
const RULES = Number(args.rules);
const TICKS = Number(args.ticks);
const PROCESS_RUNS = Number(args.processes);
const root = join(__dirname, "..");

function quantile(values: number[], q: number): number {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function ms(value: number): string {
    return `${value.toFixed(1)} ms`;
}

// Rule i of RULES: a metric rule on every VM, a rate rule on ten VMs, an idle rule, or a must-run rule,
// with thresholds near the fleet's peaks (CPU up to about 57 %, memory 32 to 77 %), as an
// administrator would set them: a few VMs cross them as their loads swing.
function makeRule(i: number, webhook: string): AlertRule {
    const names = (from: number, count: number) => Array.from({ length: count }, (_, k) => fleetVmName((from + k) % VMS));
    const base = { version: 1 as const, forChecks: 1 + (i % 3), clearChecks: 1 + (i % 2), severity: (["info", "warning", "critical"] as const)[i % 3], enabled: true };
    // The memory rules notify: their alerts come and go as loads swing, so notifications are queued and
    // delivered throughout.
    const notify = i % 5 === 1 ? { notify: { webhook: { url: webhook, timeoutSeconds: 5, retries: 2 } } } : {};
    switch (i % 5) {
    case 0: return { ...base, ...notify, vms: "all", condition: { type: "metric", metric: "cpuPercent", comparison: "above", threshold: 50 + (i % 7) } };
    case 1: return { ...base, ...notify, vms: "all", condition: { type: "metric", metric: "memoryPercent", comparison: "above", threshold: 70 + (i % 8) } };
    case 2: {
        const metric = ALERT_METRICS[2 + (i % 4)];
        const threshold = { diskReadBps: 900_000, diskWriteBps: 360_000, netRxBps: 180_000, netTxBps: 45_000 }[metric as "diskReadBps"];
        return { ...base, ...notify, vms: names(i, 10), condition: { type: "metric", metric, comparison: "above", threshold } };
    }
    case 3: return { ...base, ...notify, vms: "all", condition: { type: "metric", metric: "cpuPercent", comparison: "below", threshold: 3 + (i % 3) } };
    default: return { ...base, ...notify, vms: names(i * 3, 5), condition: { type: "not-running" } };
    }
}

async function main(): Promise<void> {
    const work = mkdtempSync(join(tmpdir(), "kvmm-bench-alerts-"));
    const received = { posts: 0 };
    const server = createServer((req, res) => { req.resume(); req.on("end", () => { received.posts++; res.end(); }); });
    await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    const webhook = `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`;
    try {
        const bin = join(work, "bin");
        await esbuild.build({
            entryPoints: ["kvm-manager-collect", "kvm-manager-alerts"].map(n => join(root, "helpers", "commands", `${n}.ts`)),
            bundle: true, platform: "node", target: ["node18"], format: "cjs", outdir: bin, logLevel: "warning",
        });
        copyFileSync(join(root, "node_modules", "sql.js", "dist", "sql-wasm.wasm"), join(bin, "sql-wasm.wasm"));
        writeFileSync(join(bin, "report-cpu.js"), "process.on('exit', () => { const u = process.resourceUsage(); " +
            "process.stderr.write('\\nBENCH-CPU-MS ' + (u.userCPUTime + u.systemCPUTime) / 1000 + '\\n'); });\n");
        const configDir = join(work, "etc");
        const noRules = join(work, "etc-empty");
        mkdirSync(join(configDir, "alerts"), { recursive: true });
        mkdirSync(noRules);
        for (let i = 0; i < RULES; i++) {
            writeFileSync(join(configDir, "alerts", `rule ${String(i).padStart(2, "0")}.json`), JSON.stringify(makeRule(i, webhook), null, 2));
        }
        console.log(`alert benchmark: ${VMS} VMs (every 10th shut off), ${RULES} rules (${Math.ceil(RULES / 5)} with a webhook on 127.0.0.1), ` +
            `${cpus().length} CPUs, load ${loadavg().map(l => l.toFixed(2)).join(" ")}`);

        // 1. In one process.
        const withDir = join(work, "state-with");
        const withoutDir = join(work, "state-without");
        const withStore = new MetricsStore(join(withDir, "metrics"), silentLogger);
        const withoutStore = new MetricsStore(join(withoutDir, "metrics"), silentLogger);
        const startMs = Date.now() - TICKS * 30_000;
        const step: number[] = [];
        const tickWith: number[] = [];
        const tickWithout: number[] = [];
        let fired = 0;
        let queued = 0;
        let resolved = 0;
        let maxActive = 0;
        for (let i = 0; i < TICKS; i++) {
            const t = startMs + i * 30_000;
            const readDomstats = async () => fleetDomstats(t, { vms: VMS });
            const without: TickReport = await collectTick({ store: withoutStore, log: silentLogger, uri: "test:///", readDomstats, now: () => t });
            const report: TickReport = await collectTick({
                store: withStore, log: silentLogger, uri: "test:///", readDomstats, now: () => t,
                alerts: {
                    configDir, stateDir: withDir, log: silentLogger, program: "bench", journal: () => {},
                    startDeliverer: store => startDeliverer(store, withDir, silentLogger, join(bin, "kvm-manager-alerts.js")),
                },
            });
            if (!report.alerts) throw new Error("the alert step failed");
            step.push(report.alerts.durationMs);
            tickWith.push(report.durationMs);
            tickWithout.push(without.durationMs);
            fired += report.alerts.fired;
            resolved += report.alerts.resolved;
            queued += report.alerts.queued;
            maxActive = Math.max(maxActive, report.alerts.active);
        }
        const warm = step.slice(1);
        console.log(`in one process, ${TICKS} ticks of 30 s simulated time (metrics fsynced as always): ${fired} fired, ${resolved} resolved, up to ${maxActive} active at once`);
        console.log(`  alert step per tick: median ${ms(quantile(warm, 0.5))}, p95 ${ms(quantile(warm, 0.95))}, max ${ms(Math.max(...warm))}; first tick ${ms(step[0])}`);
        console.log(`  whole tick: with alerts median ${ms(quantile(tickWith.slice(1), 0.5))}, without ${ms(quantile(tickWithout.slice(1), 0.5))}`);

        // 2. Real processes, as the timer runs them.
        const domstatsFile = join(work, "domstats.txt");
        const fakeVirsh = join(bin, "virsh");
        writeFileSync(fakeVirsh, `#!/bin/sh\nexec cat '${domstatsFile}'\n`);
        chmodSync(fakeVirsh, 0o755);
        const run = (config: string, stateDir: string) => {
            writeFileSync(domstatsFile, fleetDomstats(Date.now(), { vms: VMS }));
            const started = performance.now();
            const result = spawnSync(process.execPath, ["-r", join(bin, "report-cpu.js"), join(bin, "kvm-manager-collect.js"), "--json", "--config-dir", config, "--state-dir", stateDir],
                { encoding: "utf8", env: { ...process.env, KVM_MANAGER_VIRSH: fakeVirsh } });
            const wallMs = performance.now() - started;
            if (result.status !== 0) throw new Error(`kvm-manager-collect exited ${result.status}: ${result.stderr}`);
            const cpuMs = Number(/BENCH-CPU-MS ([\d.]+)/.exec(result.stderr)?.[1] ?? NaN);
            return { wallMs, cpuMs, report: JSON.parse(result.stdout) as TickReport };
        };
        const procWith: number[] = [];
        const procWithout: number[] = [];
        const procStep: number[] = [];
        const cpuWith: number[] = [];
        const cpuWithout: number[] = [];
        let procQueued = 0;
        for (let i = 0; i < PROCESS_RUNS; i++) {
            const a = run(configDir, join(work, "proc-with"));
            const b = run(noRules, join(work, "proc-without"));
            procQueued += a.report.alerts?.queued ?? 0;
            if (i === 0) continue;
            procWith.push(a.wallMs);
            procWithout.push(b.wallMs);
            cpuWith.push(a.cpuMs);
            cpuWithout.push(b.cpuMs);
            procStep.push(a.report.alerts?.durationMs ?? NaN);
        }
        const addedWall = quantile(procWith, 0.5) - quantile(procWithout, 0.5);
        const addedCpu = quantile(cpuWith, 0.5) - quantile(cpuWithout, 0.5);
        const stepMedian = quantile(procStep, 0.5);
        console.log(`real kvm-manager-collect processes (${procWith.length} each, alternating, the first left out):`);
        console.log(`  wall median with rules ${ms(quantile(procWith, 0.5))}, without ${ms(quantile(procWithout, 0.5))} (difference ${ms(addedWall)}); ` +
            `CPU median ${ms(quantile(cpuWith, 0.5))} vs ${ms(quantile(cpuWithout, 0.5))} (difference ${ms(addedCpu)})`);
        console.log(`  the alert step inside the process (a fresh process's first evaluation): median ${ms(stepMedian)}, max ${ms(Math.max(...procStep))}`);
        console.log(`added per tick (the alert step in a real process, median): ${ms(stepMedian)}; target <= ${TARGET_MS} ms: ${stepMedian <= TARGET_MS ? "met" : "MISSED"}`);
        // The deliverers run on in the background: wait (at most a minute) until they are done.
        const outboxes = [withDir, join(work, "proc-with")].map(d => new AlertStore(d, silentLogger));
        const waitUntil = Date.now() + 60_000;
        while (outboxes.some(o => o.outbox().length > 0) && Date.now() < waitUntil) await new Promise(r => setTimeout(r, 200));
        console.log(`webhook: ${received.posts} POSTs received for ${queued + procQueued} notifications queued` +
            `${outboxes.some(o => o.outbox().length > 0) ? " (some still queued after a minute)" : ""}`);
    } finally {
        server.close();
        rmSync(work, { recursive: true, force: true });
    }
}

main().catch(err => {
    console.error(err);
    process.exit(1);
});
