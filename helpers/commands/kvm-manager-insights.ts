// kvm-manager-insights: optimization suggestions for every VM over a range, the host's capacity
// against what its VMs are given, and the busiest VMs. One read of the history for all VMs, one virsh
// run for all VMs' sizes: the Insights page and the VM details page call it once, never per VM.
import { readFileSync } from "node:fs";
import { parseVirshDomstats } from "../../src/core/metrics/virsh-domstats";
import { historiesFromRows } from "../../src/core/insights/histories";
import { hostResources } from "../../src/core/insights/host-resources";
import {
    INSIGHTS_RANGES, buildInsights, insightsForVm, insightsWindow, isInsightsRange, vmConfigFromStats, type InsightsResponse,
} from "../../src/core/insights/summary";
import type { VmConfig } from "../../src/core/insights/types";
import { EXIT_OK, UsageError, parseCommandLine, parseEndArgument, printJson, runCommand } from "../lib/cli";
import { createLogger } from "../lib/log";
import { MetricsStore } from "../lib/metrics-store";
import { metricsDir, resolveLibvirtUri, resolveStateDir } from "../lib/paths";
import { runVirsh } from "../lib/virsh";

const PROGRAM = "kvm-manager-insights";
const USAGE = `Usage: ${PROGRAM} [--range RANGE] [--vm=NAME] [--end TIME] [--state-dir DIR] [--uri URI] [--json]

Suggestions for every VM from its metrics history (vCPUs and memory too small or too large, CPU
spikes, growth trends, disk and network I/O hot spots), the host's CPUs and memory against what the
VMs are given, and the busiest VMs over the range.
  --range RANGE    ${INSIGHTS_RANGES.join(", ")} (default: 24h)
  --vm=NAME        only this VM's suggestions (I/O shares are still against every VM)
  --end TIME       end of the range (default: now), as kvm-manager-history takes it
  --state-dir DIR  (default: $KVM_MANAGER_STATE_DIR or /var/lib/kvm-manager)
  --uri URI        libvirt connection (default: $KVM_MANAGER_LIBVIRT_URI or qemu:///system)
  --json           machine-readable answer (InsightsResponse in src/core/insights/summary.ts)
Exit status: 0 done; 1 error; 2 usage.
`;

// Sizes of every VM, running or not, in one virsh run (argv only: no VM name is on it).
const CONFIG_ARGS = ["domstats", "--raw", "--state", "--balloon", "--vcpu"] as const;

async function readConfigs(uri: string): Promise<{ configs: VmConfig[]; warning: string | null }> {
    try {
        const text = await runVirsh(uri, CONFIG_ARGS);
        return { configs: parseVirshDomstats(text).map(e => vmConfigFromStats(e.name, e.record)), warning: null };
    } catch (err) {
        return { configs: [], warning: `the VMs' sizes could not be read, so no suggestions are made: ${(err as Error).message}` };
    }
}

function readProc(path: string): string | null {
    try {
        return readFileSync(path, "utf8");
    } catch {
        return null;
    }
}

function printTable(response: InsightsResponse): void {
    const c = response.counts;
    const out = [`${response.range} up to ${new Date(response.endMs).toISOString()}: ${c.vms} VMs, ${c.running} running; ` +
        `${c.critical} critical, ${c.warning} warning, ${c.info} info; ${c.notEnoughData} running VMs without enough history yet`];
    const h = response.host;
    out.push(`host: ${h.vcpusAllocated} vCPUs given (${h.vcpusRunning} running) on ${h.cpus ?? "?"} CPUs; ` +
        `${Math.round(h.memoryAllocatedKiB / 1024)} MiB given (${Math.round(h.memoryRunningKiB / 1024)} running) of ${h.memoryKiB === null ? "?" : Math.round(h.memoryKiB / 1024)} MiB`);
    for (const s of response.suggestions) {
        const change = s.change === null ? "" : s.change.kind === "vcpus" ? `  vCPUs ${s.change.from} -> ${s.change.to}`
            : `  memory ${Math.round(s.change.fromKiB / 1024)} -> ${Math.round(s.change.toKiB / 1024)} MiB`;
        out.push(`${s.severity}\t${s.vm}\t${s.kind}\t${JSON.stringify(s.evidence.values)}${change}`);
    }
    for (const v of response.vms) {
        if (v.config?.active && !v.coverage.enough) {
            out.push(`${v.vm}: not enough data yet (${v.coverage.dataHours.toFixed(1)} of ${v.coverage.requiredHours} hours)`);
        }
    }
    for (const w of response.warnings) out.push(`warning: ${w}`);
    process.stdout.write(out.join("\n") + "\n");
}

runCommand(PROGRAM, USAGE, async () => {
    const { values } = parseCommandLine(process.argv.slice(2), {
        range: { type: "string" },
        vm: { type: "string" },
        end: { type: "string" },
        "state-dir": { type: "string" },
        uri: { type: "string" },
        json: { type: "boolean" },
    }, USAGE);
    const range = values.range ?? "24h";
    if (!isInsightsRange(range)) throw new UsageError(`--range must be one of ${INSIGHTS_RANGES.join(", ")}`);
    const endMs = parseEndArgument(values.end);
    const window = insightsWindow(range, endMs);
    const store = new MetricsStore(metricsDir(resolveStateDir(values["state-dir"])), createLogger(PROGRAM, { quiet: true }));
    const [{ rows, warnings }, { configs, warning }] = await Promise.all([
        store.readVmRows(null, window.tier.id, window.startMs, window.endMs),
        readConfigs(resolveLibvirtUri(values.uri)),
    ]);
    const span = { startMs: window.startMs, endMs: window.endMs, stepMs: window.stepMs };
    let response = buildInsights({
        range, window: span, histories: historiesFromRows(rows, span), configs, asOfMs: endMs,
        host: hostResources(readProc("/proc/cpuinfo"), readProc("/proc/meminfo")),
        warnings: warning === null ? warnings : [...warnings, warning],
    });
    if (values.vm !== undefined) response = insightsForVm(response, values.vm);
    if (values.json) printJson(response);
    else printTable(response);
    return EXIT_OK;
});
