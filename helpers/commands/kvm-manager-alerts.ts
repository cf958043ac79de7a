// kvm-manager-alerts: the alerts' state for the page and for people (fired alerts and the history, in
// one call), and the notifications' deliverer that the collector starts in the background.
import { ALERT_SEVERITIES, type AlertSeverity } from "../../src/core/alerts/alert-rule";
import { filterHistory } from "../../src/core/alerts/alert-records";
import { describeEvent } from "../../src/core/alerts/alert-text";
import { activeAlerts, emptyAlertState } from "../../src/core/alerts/evaluate";
import { deliverOutbox } from "../lib/alerts/delivery";
import { AlertStore } from "../lib/alerts/store";
import { EXIT_OK, UsageError, parseCommandLine, printJson, runCommand } from "../lib/cli";
import { createLogger, silentLogger } from "../lib/log";
import { resolveStateDir } from "../lib/paths";

const PROGRAM = "kvm-manager-alerts";
const USAGE = `Usage: ${PROGRAM} [--active] [--history] [filters] [--json] [--state-dir DIR]
       ${PROGRAM} --deliver [--state-dir DIR]

Alerts fired by the rules in /etc/kvm-manager/alerts, as kvm-manager-collect evaluates them.
  --active          the alerts that are fired now
  --history         fired and resolved events, newest first; filters:
    --vm NAME         only this VM's
    --rule NAME       only this rule's
    --severity S      info, warning or critical
    --limit N         at most N events (default 500)
  --json            one JSON object: {"ok": true, "active": [...], "history": [...]}
  --deliver         deliver the queued webhook and command notifications (the collector starts this)
  --state-dir DIR   (default: $KVM_MANAGER_STATE_DIR or /var/lib/kvm-manager)
Exit status: 0 done; 1 an error; 2 usage.
`;

function logWithTime(): ReturnType<typeof createLogger> {
    return createLogger(PROGRAM, { sink: line => process.stderr.write(`${new Date().toISOString()} ${line}\n`) });
}

runCommand(PROGRAM, USAGE, async () => {
    const { values } = parseCommandLine(process.argv.slice(2), {
        active: { type: "boolean" },
        history: { type: "boolean" },
        vm: { type: "string" },
        rule: { type: "string" },
        severity: { type: "string" },
        limit: { type: "string" },
        deliver: { type: "boolean" },
        json: { type: "boolean" },
        "state-dir": { type: "string" },
    }, USAGE);
    const stateDir = resolveStateDir(values["state-dir"]);
    if (values.deliver) {
        if (values.active || values.history) throw new UsageError("--deliver goes alone");
        await deliverOutbox(new AlertStore(stateDir, logWithTime()), logWithTime());
        return EXIT_OK;
    }
    if (values.severity !== undefined && !(ALERT_SEVERITIES as readonly string[]).includes(values.severity)) {
        throw new UsageError(`--severity is one of ${ALERT_SEVERITIES.join(", ")}`);
    }
    if (values.limit !== undefined && !/^[1-9][0-9]{0,5}$/.test(values.limit)) throw new UsageError("--limit is a whole number from 1");
    const showActive = values.active || !values.history;
    const store = new AlertStore(stateDir, silentLogger);
    const exists = store.exists();
    const state = exists ? store.loadState() : emptyAlertState();
    const active = showActive ? activeAlerts(state) : [];
    const history = values.history && exists
        ? filterHistory(store.readHistory(), {
            vm: values.vm, rule: values.rule, severity: values.severity as AlertSeverity | undefined,
            limit: values.limit === undefined ? 500 : Number(values.limit),
        })
        : [];
    if (values.json) {
        printJson({ ok: true, active, ...(values.history ? { history } : {}) });
        return EXIT_OK;
    }
    if (showActive) {
        if (active.length === 0) process.stdout.write("no alerts fired now\n");
        for (const a of active) {
            process.stdout.write(`${new Date(a.firedAtMs).toISOString()}  ${a.severity.padEnd(8)} ${a.rule}: ${a.vm}\n`);
        }
    }
    for (const e of history) process.stdout.write(`${new Date(e.tMs).toISOString()}  ${e.severity.padEnd(8)} ${describeEvent(e)}\n`);
    return EXIT_OK;
});
