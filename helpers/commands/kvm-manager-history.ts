// kvm-manager-history: one VM's metrics over a range, as the VM details page charts them. The page
// calls it through cockpit.spawn with --json; without --json it prints a table for a person.
import { HISTORY_RANGES, isHistoryRange } from "../../src/core/metrics/tiers";
import { buildHistoryResponse, historyWindowForRange, type HistoryResponse } from "../../src/core/metrics/history";
import { METRIC_NAMES } from "../../src/core/metrics/rollup";
import { EXIT_OK, UsageError, parseCommandLine, parseEndArgument, printJson, runCommand } from "../lib/cli";
import { createLogger } from "../lib/log";
import { MetricsStore } from "../lib/metrics-store";
import { metricsDir, resolveStateDir } from "../lib/paths";

const PROGRAM = "kvm-manager-history";
const USAGE = `Usage: ${PROGRAM} --vm=NAME --range RANGE [--end TIME] [--state-dir DIR] [--json]

Prints one VM's metrics history: one bucket per step of the tier the range reads, null where nothing
was collected (the VM was off, or the collector or libvirtd was down).
  --vm=NAME        the VM (the = form keeps a name that starts with '-' a value)
  --range RANGE    ${Object.keys(HISTORY_RANGES).join(", ")}
  --end TIME       end of the range (default: now): milliseconds since the epoch, an ISO 8601 date
                   (2026-01-01, midnight UTC) or time with its zone (2026-01-01T12:00:00Z)
  --state-dir DIR  (default: $KVM_MANAGER_STATE_DIR or /var/lib/kvm-manager)
  --json           machine-readable answer (see HistoryResponse in src/core/metrics/history.ts); a
                   failure answers {"ok": false, "error": ..., "code": ...}
Exit status: 0 done; 1 error; 2 usage.
`;

function printTable(response: HistoryResponse): void {
    const out: string[] = [`${response.vm}: ${response.range} from the ${response.tier} tier, ${response.stepMs / 1000} s buckets`];
    out.push(["time (UTC)", ...METRIC_NAMES].join("\t"));
    let shown = 0;
    response.timestamps.forEach((t, i) => {
        if (response.samples[i] === 0) return;
        shown++;
        const cells = METRIC_NAMES.map(m => {
            const v = response.series[m].avg[i];
            return v === null ? "-" : String(Math.round(v * 100) / 100);
        });
        out.push([new Date(t).toISOString(), ...cells].join("\t"));
    });
    out.push(`${shown} of ${response.timestamps.length} buckets have data`);
    for (const w of response.warnings) out.push(`warning: ${w}`);
    process.stdout.write(out.join("\n") + "\n");
}

runCommand(PROGRAM, USAGE, async () => {
    const { values } = parseCommandLine(process.argv.slice(2), {
        vm: { type: "string" },
        range: { type: "string" },
        end: { type: "string" },
        "state-dir": { type: "string" },
        json: { type: "boolean" },
    }, USAGE);
    if (values.vm === undefined) throw new UsageError("--vm is required");
    const range = values.range ?? "1h";
    if (!isHistoryRange(range)) throw new UsageError(`--range must be one of ${Object.keys(HISTORY_RANGES).join(", ")}`);
    const endMs = parseEndArgument(values.end);
    const window = historyWindowForRange(range, endMs);
    const store = new MetricsStore(metricsDir(resolveStateDir(values["state-dir"])), createLogger(PROGRAM, { quiet: true }));
    const { rows, warnings } = await store.readVmRows(values.vm, window.tier.id, window.startMs, window.endMs);
    const response = buildHistoryResponse(values.vm, range, window, rows, warnings);
    if (values.json) printJson(response);
    else printTable(response);
    return EXIT_OK;
});
