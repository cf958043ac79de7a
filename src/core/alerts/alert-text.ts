// Alert events in English for the journal, the command's output and notifications (the page words its
// own through gettext), and the JSON body a webhook receives.
import type { AlertCondition } from "./alert-rule";
import type { AlertEvent } from "./evaluate";

const METRIC_LABEL = {
    cpuPercent: "CPU", memoryPercent: "memory", diskReadBps: "disk read", diskWriteBps: "disk write",
    netRxBps: "network receive", netTxBps: "network transmit",
} as const;

export function formatConditionValue(condition: AlertCondition, value: number): string {
    if (condition.type !== "metric") return String(value);
    return condition.metric === "cpuPercent" || condition.metric === "memoryPercent"
        ? `${Math.round(value * 10) / 10} %`
        : `${Math.round(value)} B/s`;
}

export function describeCondition(condition: AlertCondition): string {
    if (condition.type === "not-running") return "not running";
    return `${METRIC_LABEL[condition.metric]} ${condition.comparison} ${formatConditionValue(condition, condition.threshold)}`;
}

export function describeEvent(event: AlertEvent): string {
    const head = `alert "${event.rule}" ${event.kind === "fired" ? "fired" : "resolved"} for VM "${event.vm}"`;
    const condition = describeCondition(event.condition);
    const value = event.value === null ? "" : ` (value ${formatConditionValue(event.condition, event.value)})`;
    if (event.kind === "fired") {
        const state = event.condition.type === "not-running" && event.vmState ? ` (state ${event.vmState})` : "";
        return `${head}: ${condition}${value}${state} for ${event.values.length} consecutive checks`;
    }
    const why = event.reason === "cleared" ? `no longer ${condition}${value}`
        : event.reason === "rule-removed" ? "the rule was removed"
            : event.reason === "rule-disabled" ? "the rule was disabled" : "the rule no longer covers the VM";
    return `${head}: ${why}`;
}

export const NOTIFICATION_VERSION = 1;

// What a webhook receives as its POST body and a command on its stdin.
export interface AlertNotification {
    version: typeof NOTIFICATION_VERSION;
    host: string;
    event: "fired" | "resolved";
    seq: number;
    rule: string;
    vm: string;
    severity: string;
    condition: AlertCondition;
    value: number | null;
    values: (number | null)[];
    vmState: string | null;
    reason: string | null;
    at: string;
    firedAt: string;
    summary: string;
}

export function notificationOf(event: AlertEvent, host: string): AlertNotification {
    return {
        version: NOTIFICATION_VERSION, host, event: event.kind, seq: event.seq, rule: event.rule, vm: event.vm,
        severity: event.severity, condition: event.condition, value: event.value, values: event.values,
        vmState: event.vmState, reason: event.reason, at: new Date(event.tMs).toISOString(),
        firedAt: new Date(event.firedAtMs).toISOString(), summary: describeEvent(event),
    };
}

// Delay before retry `attempt` (1 for the first retry): 5 s, 10 s, 20 s... at most 5 minutes.
export function retryDelayMs(attempt: number): number {
    return Math.min(5 * 60_000, 5000 * 2 ** Math.max(0, attempt - 1));
}
