// kvm-manager-collect: one metrics tick for every VM. kvm-manager-collect.timer runs it every 30 s;
// a person or a test runs the same thing by hand.
import { LibvirtUnavailableError, collectTick } from "../lib/collector";
import { EXIT_OK, EXIT_TEMPFAIL, UsageError, parseCommandLine, printJson, runCommand } from "../lib/cli";
import { LockBusyError } from "../lib/lock";
import { createLogger } from "../lib/log";
import { MetricsStore } from "../lib/metrics-store";
import { metricsDir, resolveConfigDir, resolveLibvirtUri, resolveStateDir } from "../lib/paths";

const PROGRAM = "kvm-manager-collect";
const USAGE = `Usage: ${PROGRAM} [--once] [--state-dir DIR] [--config-dir DIR] [--uri URI] [--json] [--verbose]

Collects one sample of every running VM into the metrics history: one virsh run for all VMs
(domstats and the domain IDs), never one per VM. Then evaluates the alert rules (CONFIG_DIR/alerts)
on those samples; alert state and history live in STATE_DIR/alerts.
  --once            what the timer runs; one tick is all this command ever does
  --state-dir DIR   history lives in DIR/metrics (default: $KVM_MANAGER_STATE_DIR or /var/lib/kvm-manager)
  --config-dir DIR  alert rules are read from DIR/alerts (default: $KVM_MANAGER_CONFIG_DIR or /etc/kvm-manager)
  --uri URI         libvirt connection (default: $KVM_MANAGER_LIBVIRT_URI or qemu:///system)
  --json            print what the tick did as JSON on stdout (a failure: {"ok": false, "error": ...})
  --verbose         log a line for every tick, not only for folds and problems
Exit status: 0 done; 75 libvirt unreachable or another writer busy (nothing written); 1 error; 2 usage.
`;

// scheme:rest, as virsh -c takes it; anything else would only fail later with a less clear message.
const LIBVIRT_URI = /^[a-z][a-z0-9+.-]*:\S*$/i;

runCommand(PROGRAM, USAGE, async () => {
    const { values } = parseCommandLine(process.argv.slice(2), {
        once: { type: "boolean" },
        "state-dir": { type: "string" },
        "config-dir": { type: "string" },
        uri: { type: "string" },
        json: { type: "boolean" },
        verbose: { type: "boolean" },
    }, USAGE);
    if (values.uri !== undefined && !LIBVIRT_URI.test(values.uri)) {
        throw new UsageError(`--uri must be a libvirt connection URI such as qemu:///system or qemu+ssh://host/system`);
    }
    const log = createLogger(PROGRAM);
    const stateDir = resolveStateDir(values["state-dir"]);
    const store = new MetricsStore(metricsDir(stateDir), log);
    const uri = resolveLibvirtUri(values.uri);
    const alerts = { configDir: resolveConfigDir(values["config-dir"]), stateDir, log, program: PROGRAM };
    try {
        const report = await collectTick({ store, log, uri, alerts });
        const f = report.fold;
        if (f && (f.written.length > 0 || f.expired.length > 0)) {
            log.info(`history step "${f.step ?? "expiry"}": wrote ${f.written.map(w => `${w.name} (${w.rows} rows)`).join(", ") || "nothing"}` +
                (f.expired.length ? `; removed expired ${f.expired.join(", ")}` : ""));
        }
        if (values.verbose) {
            log.info(`collected ${report.running} running of ${report.vms} VMs in ${report.durationMs} ms, wrote ${report.bytesWritten} bytes`);
        }
        if (values.json) printJson({ ok: true, ...report, maxRssKiB: process.resourceUsage().maxRSS });
        return EXIT_OK;
    } catch (err) {
        if (err instanceof LibvirtUnavailableError || err instanceof LockBusyError) {
            log.error(err.message);
            if (values.json) printJson({ ok: false, error: err.message, code: err instanceof LockBusyError ? "busy" : "libvirt-unavailable" });
            return EXIT_TEMPFAIL;
        }
        throw err;
    }
});
