// The page's words for alert rules and events (core's describeEvent is English, for logs).
import type { AlertCondition, AlertMetric, AlertRule, AlertSeverity } from "../../core/alerts/alert-rule";
import type { AlertEvent } from "../../core/alerts/evaluate";
import { formatBytesPerSecond, formatPercent } from "../../core/format";
import cockpit, { _, ngettext } from "../../lib/cockpit";

export function severityLabel(severity: AlertSeverity): string {
    switch (severity) {
    case "info": return _("Info");
    case "warning": return _("Warning");
    case "critical": return _("Critical");
    }
}

export function metricLabel(metric: AlertMetric): string {
    switch (metric) {
    case "cpuPercent": return _("CPU usage");
    case "memoryPercent": return _("Memory usage");
    case "diskReadBps": return _("Disk read");
    case "diskWriteBps": return _("Disk write");
    case "netRxBps": return _("Network receive");
    case "netTxBps": return _("Network transmit");
    }
}

export function metricValueText(metric: AlertMetric, value: number): string {
    return metric === "cpuPercent" || metric === "memoryPercent"
        ? formatPercent(value, cockpit.language)
        : formatBytesPerSecond(value, cockpit.language);
}

export function conditionText(condition: AlertCondition): string {
    if (condition.type === "not-running") return _("Not running");
    const threshold = metricValueText(condition.metric, condition.threshold);
    return condition.comparison === "above"
        ? cockpit.format(_("$0 above $1"), metricLabel(condition.metric), threshold)
        : cockpit.format(_("$0 below $1"), metricLabel(condition.metric), threshold);
}

export function valueText(condition: AlertCondition, value: number | null): string {
    if (condition.type === "not-running" || value === null) return "–";
    return metricValueText(condition.metric, value);
}

export function checksText(rule: Pick<AlertRule, "forChecks" | "clearChecks">): string {
    return cockpit.format(_("fires after $0, resolves after $1"),
        cockpit.format(ngettext("$0 check", "$0 checks", rule.forChecks), rule.forChecks),
        cockpit.format(ngettext("$0 check", "$0 checks", rule.clearChecks), rule.clearChecks));
}

export function vmsText(vms: AlertRule["vms"]): string {
    return vms === "all" ? _("All VMs") : cockpit.format(ngettext("$0 VM", "$0 VMs", vms.length), vms.length);
}

export function eventText(event: AlertEvent): string {
    if (event.kind === "fired") return _("Fired");
    switch (event.reason) {
    case "rule-removed": return _("Resolved: rule deleted");
    case "rule-disabled": return _("Resolved: rule disabled");
    case "not-covered": return _("Resolved: VM no longer covered");
    default: return _("Resolved");
    }
}

export function timeText(ms: number): string {
    return new Date(ms).toLocaleString(cockpit.language, { dateStyle: "medium", timeStyle: "medium" });
}
