// kvm-manager-retention: removes metrics older than the retention policy allows. The timer runs it
// hourly and it acts once a day, at the policy's clean-up hour (host local time) or at the first run
// after it; --now is the Settings page's "Clean up now".
import { EXIT_FAILURE, EXIT_OK, EXIT_TEMPFAIL, parseCommandLine, printJson, runCommand } from "../lib/cli";
import { LockBusyError } from "../lib/lock";
import { createLogger } from "../lib/log";
import { MetricsStore } from "../lib/metrics-store";
import { metricsDir, resolveConfigDir, resolveStateDir } from "../lib/paths";
import { PolicyInvalidError, runRetention } from "../lib/retention-runner";

const PROGRAM = "kvm-manager-retention";
const USAGE = `Usage: ${PROGRAM} [--now] [--dry-run] [--json] [--state-dir DIR] [--config-dir DIR]

Applies the retention policy (CONFIG_DIR/retention.json) to the metrics history.
  (no flag)         what the hourly timer runs: clean up if enabled and the policy's hour has come
  --now             clean up now, whatever the hour and the enabled flag say
  --dry-run         report what a clean-up would remove; remove nothing
  --json            print the outcome as JSON on stdout
  --state-dir DIR   (default: $KVM_MANAGER_STATE_DIR or /var/lib/kvm-manager)
  --config-dir DIR  (default: $KVM_MANAGER_CONFIG_DIR or /etc/kvm-manager)
Exit status: 0 done or not due; 1 invalid policy or error; 75 another writer busy; 2 usage.
`;

runCommand(PROGRAM, USAGE, async () => {
    const { values } = parseCommandLine(process.argv.slice(2), {
        now: { type: "boolean" },
        "dry-run": { type: "boolean" },
        json: { type: "boolean" },
        "state-dir": { type: "string" },
        "config-dir": { type: "string" },
    }, USAGE);
    const log = createLogger(PROGRAM);
    const store = new MetricsStore(metricsDir(resolveStateDir(values["state-dir"])), log);
    try {
        const outcome = await runRetention({
            store, log, configDir: resolveConfigDir(values["config-dir"]),
            force: values.now ?? false, dryRun: values["dry-run"] ?? false,
        });
        if (outcome.ran || values.now) log.info(outcome.reason);
        if (values.json) printJson({ ok: true, ...outcome });
        return EXIT_OK;
    } catch (err) {
        if (err instanceof PolicyInvalidError || err instanceof LockBusyError) {
            log.error(err.message);
            if (values.json) printJson({ ok: false, error: err.message });
            return err instanceof LockBusyError ? EXIT_TEMPFAIL : EXIT_FAILURE;
        }
        throw err;
    }
});
