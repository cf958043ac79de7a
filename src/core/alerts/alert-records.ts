// What the alert files under /var/lib/kvm-manager/alerts hold, read back with the same care as any
// file a crash or a person may have damaged: the state (one JSON document) and the history (one event
// per line). A damaged state starts again empty; a damaged history line is skipped.
import { z } from "zod";
import { ALERT_SEVERITIES, alertConditionSchema, type AlertSeverity } from "./alert-rule";
import { ALERT_STATE_VERSION, emptyAlertState, type AlertEvent, type AlertState } from "./evaluate";

const conditionSchema = alertConditionSchema;
const num = z.number().finite();
const value = num.nullable();

const activeSchema = z.object({
    seq: z.number().int(), firedAtMs: num, severity: z.enum(ALERT_SEVERITIES), condition: conditionSchema, value,
});

const stateSchema = z.object({
    version: z.literal(ALERT_STATE_VERSION),
    nextSeq: z.number().int().min(1),
    lastTickMs: num.nullable(),
    entries: z.array(z.object({
        rule: z.string(), vm: z.string(), run: z.array(value), clear: z.number().int().min(0), active: activeSchema.nullable(),
    })),
});

export const eventSchema = z.object({
    seq: z.number().int(),
    kind: z.enum(["fired", "resolved"]),
    tMs: num,
    rule: z.string(),
    vm: z.string(),
    severity: z.enum(ALERT_SEVERITIES),
    condition: conditionSchema,
    value,
    values: z.array(value),
    vmState: z.string().nullable(),
    firedAtMs: num,
    reason: z.enum(["cleared", "rule-removed", "rule-disabled", "not-covered"]).nullable(),
});

export function parseAlertState(text: string): { state: AlertState; damaged: boolean } {
    try {
        const parsed = stateSchema.safeParse(JSON.parse(text));
        if (parsed.success) return { state: parsed.data, damaged: false };
    } catch {
        // Not JSON: reported below like any other damage.
    }
    return { state: emptyAlertState(), damaged: true };
}

export function parseAlertEvent(line: string): AlertEvent | null {
    try {
        const parsed = eventSchema.safeParse(JSON.parse(line));
        return parsed.success ? parsed.data : null;
    } catch {
        return null;
    }
}

// History lines in file order, newest last. An event whose tick was cut short by a crash before the
// state was saved is evaluated again on the next tick with the same seq: the later line wins.
export function historyFromLines(lines: Iterable<string>): AlertEvent[] {
    const bySeq = new Map<number, AlertEvent>();
    for (const line of lines) {
        if (line.trim() === "") continue;
        const event = parseAlertEvent(line);
        if (!event) continue;
        bySeq.delete(event.seq);
        bySeq.set(event.seq, event);
    }
    return [...bySeq.values()];
}

export interface HistoryFilter {
    vm?: string;
    rule?: string;
    severity?: AlertSeverity;
    sinceMs?: number;
    limit?: number;
}

// Newest first.
export function filterHistory(events: readonly AlertEvent[], filter: HistoryFilter): AlertEvent[] {
    const out: AlertEvent[] = [];
    for (let i = events.length - 1; i >= 0 && (filter.limit === undefined || out.length < filter.limit); i--) {
        const e = events[i];
        if (filter.vm !== undefined && e.vm !== filter.vm) continue;
        if (filter.rule !== undefined && e.rule !== filter.rule) continue;
        if (filter.severity !== undefined && e.severity !== filter.severity) continue;
        if (filter.sinceMs !== undefined && e.tMs < filter.sinceMs) continue;
        out.push(e);
    }
    return out;
}

// History kept: the newest HISTORY_KEEP_EVENTS events no older than HISTORY_KEEP_MS.
export const HISTORY_KEEP_EVENTS = 5000;
export const HISTORY_KEEP_MS = 90 * 24 * 3600 * 1000;

export function retainedHistory(events: readonly AlertEvent[], nowMs: number): AlertEvent[] {
    return events.slice(-HISTORY_KEEP_EVENTS).filter(e => e.tMs >= nowMs - HISTORY_KEEP_MS);
}
