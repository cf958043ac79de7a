// kvm-manager-retention: removes metrics older than the retention policy allows. The timer runs it
// hourly and it acts once a day, at the policy's clean-up hour (host local time) or at the first run
// after it; --now is the Settings page's "Clean up now", --status what the page shows as the last one.
import { RETENTION_POLICY_FILE, retentionPolicyDocument } from "../../src/core/metrics/retention";
import { EXIT_FAILURE, EXIT_OK, EXIT_TEMPFAIL, UsageError, parseCommandLine, printJson, runCommand } from "../lib/cli";
import { LockBusyError } from "../lib/lock";
import { createLogger } from "../lib/log";
import { MetricsStore } from "../lib/metrics-store";
import { metricsDir, resolveConfigDir, resolveStateDir } from "../lib/paths";
import { PolicyInvalidError, readLastCleanup, readRetentionPolicy, runRetention, type RetentionOutcome } from "../lib/retention-runner";

const PROGRAM = "kvm-manager-retention";
const USAGE = `Usage: ${PROGRAM} [--now | --dry-run | --status] [--json] [--state-dir DIR] [--config-dir DIR]

Applies the retention policy (CONFIG_DIR/${RETENTION_POLICY_FILE}) to the metrics history. The policy is
only read; when the last clean-up ran is kept in STATE_DIR/retention-state.json.
  (no flag)         what the hourly timer runs: clean up if enabled and the policy's hour has come
  --now             clean up now, whatever the hour and the enabled flag say
  --dry-run         report what a clean-up would remove; remove nothing
  --status          report when the last clean-up ran and whether the policy is usable; change nothing
  --json            print the outcome as JSON on stdout (a failure: {"ok": false, "error": ...})
  --state-dir DIR   (default: $KVM_MANAGER_STATE_DIR or /var/lib/kvm-manager)
  --config-dir DIR  (default: $KVM_MANAGER_CONFIG_DIR or /etc/kvm-manager)
Exit status: 0 done or not due; 1 invalid policy or error; 75 another writer busy; 2 usage.
`;

// The answer of --status --json, which the Settings page reads (src/host/retention.ts).
export interface RetentionStatusAnswer {
    ok: true;
    lastCleanup: string | null;
    // Why the policy cannot be used (the clean-up skips it), or null.
    policyProblem: string | null;
}

function outcomeJson(outcome: RetentionOutcome) {
    return { ok: true, ...outcome, policy: retentionPolicyDocument(outcome.policy) };
}

runCommand(PROGRAM, USAGE, async () => {
    const { values } = parseCommandLine(process.argv.slice(2), {
        now: { type: "boolean" },
        "dry-run": { type: "boolean" },
        status: { type: "boolean" },
        json: { type: "boolean" },
        "state-dir": { type: "string" },
        "config-dir": { type: "string" },
    }, USAGE);
    if ([values.now, values["dry-run"], values.status].filter(Boolean).length > 1) {
        throw new UsageError("--now, --dry-run and --status exclude each other");
    }
    const log = createLogger(PROGRAM);
    const stateDir = resolveStateDir(values["state-dir"]);
    const configDir = resolveConfigDir(values["config-dir"]);
    if (values.status) {
        let legacy: string | null = null;
        let policyProblem: string | null = null;
        try {
            legacy = readRetentionPolicy(configDir).policy.lastCleanup;
        } catch (err) {
            if (!(err instanceof PolicyInvalidError)) throw err;
            policyProblem = err.problem;
        }
        const { lastCleanup } = readLastCleanup(stateDir, legacy, log);
        if (values.json) printJson({ ok: true, lastCleanup, policyProblem } satisfies RetentionStatusAnswer);
        else process.stdout.write(`last clean-up: ${lastCleanup ?? "never"}\n${policyProblem ? `policy: ${policyProblem}\n` : ""}`);
        return EXIT_OK;
    }
    const store = new MetricsStore(metricsDir(stateDir), log);
    try {
        const outcome = await runRetention({
            store, log, configDir, stateDir, force: values.now ?? false, dryRun: values["dry-run"] ?? false,
        });
        if (outcome.ran || values.now) log.info(outcome.reason);
        if (values.json) printJson(outcomeJson(outcome));
        return EXIT_OK;
    } catch (err) {
        if (err instanceof PolicyInvalidError || err instanceof LockBusyError) {
            log.error(err.message);
            if (values.json) printJson({ ok: false, error: err.message, code: err instanceof LockBusyError ? "busy" : "invalid-policy" });
            return err instanceof LockBusyError ? EXIT_TEMPFAIL : EXIT_FAILURE;
        }
        throw err;
    }
});
