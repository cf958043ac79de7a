// An alert rule as stored in /etc/kvm-manager/alerts/NAME.json: which VMs, what condition, how many
// consecutive collector checks it must hold before it fires (and stop holding before it resolves), how
// serious it is, and where to send word of it besides the journal.
import { z } from "zod";
import type { DocumentKind } from "../config/documents";
import { existingVmNameSchema } from "../vm-name";

// The usage figures the collector computes every tick (src/core/usage.ts) that a rule may watch.
export const ALERT_METRICS = ["cpuPercent", "memoryPercent", "diskReadBps", "diskWriteBps", "netRxBps", "netTxBps"] as const;
export type AlertMetric = typeof ALERT_METRICS[number];

export function isPercentMetric(metric: AlertMetric): boolean {
    return metric === "cpuPercent" || metric === "memoryPercent";
}

export const ALERT_SEVERITIES = ["info", "warning", "critical"] as const;
export type AlertSeverity = typeof ALERT_SEVERITIES[number];

// A run of checks long enough for an hour at the collector's 30 s.
export const ALERT_CHECKS_MAX = 120;
// Webhook delivery: each try's time limit and how many more tries after the first.
export const WEBHOOK_TIMEOUT_MAX_SECONDS = 60;
export const WEBHOOK_RETRIES_MAX = 10;

export const alertConditionSchema = z.discriminatedUnion("type", [
    z.object({
        type: z.literal("metric"),
        metric: z.enum(ALERT_METRICS),
        comparison: z.enum(["above", "below"]),
        // Percent for CPU and memory, bytes per second for disk and network.
        threshold: z.number().min(0).max(1e15),
    }).strict(),
    // For VMs that must run: holds while the VM is not running (shut off, crashed, paused, undefined).
    z.object({ type: z.literal("not-running") }).strict(),
]);

const webhook = z.object({
    url: z.string().max(2048).refine(isHttpUrl, { message: "the webhook is an http:// or https:// URL" }),
    timeoutSeconds: z.number().int().min(1).max(WEBHOOK_TIMEOUT_MAX_SECONDS),
    retries: z.number().int().min(0).max(WEBHOOK_RETRIES_MAX),
}).strict();

export const alertRuleSchema = z.object({
    version: z.literal(1),
    vms: z.union([z.literal("all"), z.array(existingVmNameSchema).min(1).max(1000)]),
    condition: alertConditionSchema,
    // Consecutive checks the condition must hold before the alert fires.
    forChecks: z.number().int().min(1).max(ALERT_CHECKS_MAX),
    // Consecutive checks it must not hold before a fired alert resolves: more than 1 keeps a value
    // that flaps around the threshold from firing again every minute.
    clearChecks: z.number().int().min(1).max(ALERT_CHECKS_MAX),
    severity: z.enum(ALERT_SEVERITIES),
    enabled: z.boolean(),
    notify: z.object({
        webhook: webhook.optional(),
        // An absolute path run without a shell or arguments; the event arrives as JSON on stdin.
        command: z.string().max(1024).regex(/^\/[^\0\n]*$/, "the command is an absolute path (starting with /)").optional(),
    }).strict().optional(),
}).strict().superRefine((rule, ctx) => {
    const c = rule.condition;
    if (c.type === "metric" && isPercentMetric(c.metric) && c.threshold > 100) {
        ctx.addIssue({ code: "custom", message: "a percentage threshold is at most 100", path: ["condition", "threshold"] });
    }
}, { when: payload => payload.issues.length === 0 });

export type AlertRule = z.infer<typeof alertRuleSchema>;
export type AlertCondition = AlertRule["condition"];

export const ALERT_RULE_KIND: DocumentKind<AlertRule> = {
    directory: "alerts",
    version: 1,
    schema: alertRuleSchema,
    migrations: {},
};

function isHttpUrl(text: string): boolean {
    try {
        const url = new URL(text);
        return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
    } catch {
        return false;
    }
}

export function ruleCoversVm(rule: Pick<AlertRule, "vms">, vm: string): boolean {
    return rule.vms === "all" || rule.vms.includes(vm);
}

const SEVERITY_RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

// The most severe of some alerts (null for none): what a VM's marker shows.
export function mostSevere(alerts: readonly { severity: AlertSeverity }[]): AlertSeverity | null {
    let worst: AlertSeverity | null = null;
    for (const a of alerts) if (worst === null || SEVERITY_RANK[a.severity] > SEVERITY_RANK[worst]) worst = a.severity;
    return worst;
}
