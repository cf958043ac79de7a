// What the alert files under /var/lib/kvm-manager/alerts hold, read back with the same care as any
// file a crash or a person may have damaged: the state (one JSON document) and the history (one event
// per line). A damaged state starts again empty; a damaged history line is skipped.
import { z } from "zod";
import { ALERT_SEVERITIES, alertConditionSchema, type AlertSeverity } from "./alert-rule";
import { ALERT_STATE_VERSION, emptyAlertState, type AlertEvent, type AlertState } from "./evaluate";

const conditionSchema = alertConditionSchema;
const num = z.number().finite();
const value = num.nullable();

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

// The state is read on every tick by a fresh process, so it is checked by hand: a zod schema's first
// use costs a few milliseconds of a tick's budget. Only this program writes it, so the check is for a
// damaged file (a torn write on a file system without ordered renames, a hand edit), field by field.
function isNumOrNull(v: unknown): v is number | null {
    return v === null || (typeof v === "number" && Number.isFinite(v));
}

function isActive(v: unknown): boolean {
    if (v === null) return true;
    if (typeof v !== "object") return false;
    const a = v as Record<string, unknown>;
    return Number.isInteger(a.seq) && typeof a.firedAtMs === "number" && (ALERT_SEVERITIES as readonly unknown[]).includes(a.severity) &&
        alertConditionSchema.safeParse(a.condition).success && isNumOrNull(a.value);
}

function isEntry(v: unknown): boolean {
    if (typeof v !== "object" || v === null) return false;
    const e = v as Record<string, unknown>;
    return typeof e.rule === "string" && typeof e.vm === "string" && Array.isArray(e.run) && e.run.every(isNumOrNull) &&
        Number.isInteger(e.clear) && isActive(e.active);
}

export function parseAlertState(text: string): { state: AlertState; damaged: boolean } {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch {
        return { state: emptyAlertState(), damaged: true };
    }
    const s = value as Record<string, unknown> | null;
    const ok = typeof s === "object" && s !== null && s.version === ALERT_STATE_VERSION && Number.isInteger(s.nextSeq) &&
        (s.nextSeq as number) >= 1 && Array.isArray(s.entries) && s.entries.every(isEntry);
    return ok ? { state: value as AlertState, damaged: false } : { state: emptyAlertState(), damaged: true };
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
