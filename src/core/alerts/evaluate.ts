// Alert evaluation, one collector tick at a time: the rules, the state the previous tick left, and this
// tick's VMs (their state and the usage the collector just computed) give the next state and the
// alerts that fired or resolved. Pure, so every rule is tested on crafted series.
//
// "Consecutive" means consecutive collector checks with a value:
// - a tick where a running VM has no value for the metric (its first sample, or the first after a
//   restart reset its counters) is a gap: a pending run starts again, a fired alert stays fired and
//   its clear count starts again. Nothing fires or resolves on a guess.
// - a tick more than MAX_CHECK_INTERVAL_MS after the collector's previous one (it was not running) is
//   a gap for every rule and VM.
// - a VM that is not running (or no longer defined) does not meet a metric condition: that is a clear
//   check. For a not-running rule it is the condition itself.
import type { Usage } from "../usage";
import { MAX_RATE_INTERVAL_MS } from "../metrics/rates";
import type { AlertCondition, AlertRule, AlertSeverity } from "./alert-rule";

export const MAX_CHECK_INTERVAL_MS = MAX_RATE_INTERVAL_MS;
export const ALERT_STATE_VERSION = 1;

export interface AlertTickVm {
    name: string;
    running: boolean;
    // libvirt's state name (running, paused, shut-off...), recorded with a not-running alert.
    state: string;
    // null when the collector has no rates for it this tick.
    usage: Usage | null;
}

export interface AlertTick {
    tMs: number;
    // The collector's previous tick (null: none). The state does not keep it, so a tick that changes
    // nothing writes nothing.
    previousTickMs: number | null;
    // Every VM libvirt reported, running or not.
    vms: readonly AlertTickVm[];
}

export interface ActiveAlert {
    seq: number;
    firedAtMs: number;
    severity: AlertSeverity;
    condition: AlertCondition;
    value: number | null;
}

// One rule and one VM: only kept while something is pending or fired.
export interface AlertEntry {
    rule: string;
    vm: string;
    // Values of the current run of holding checks until the alert fires (its length is the run).
    run: (number | null)[];
    // Clear checks in a row since the condition last held, counted while fired.
    clear: number;
    active: ActiveAlert | null;
}

export interface AlertState {
    version: typeof ALERT_STATE_VERSION;
    // Sequence number of the next event; an event's seq names it for good (history, notifications).
    nextSeq: number;
    entries: AlertEntry[];
}

export type ResolveReason = "cleared" | "rule-removed" | "rule-disabled" | "not-covered";

export interface AlertEvent {
    seq: number;
    kind: "fired" | "resolved";
    tMs: number;
    rule: string;
    vm: string;
    severity: AlertSeverity;
    condition: AlertCondition;
    // The value of the check that made it fire or resolve (null for not-running rules and for
    // resolutions that no check caused); `values` are the checks of the run that made it fire.
    value: number | null;
    values: (number | null)[];
    vmState: string | null;
    firedAtMs: number;
    reason: ResolveReason | null;
}

export function emptyAlertState(): AlertState {
    return { version: ALERT_STATE_VERSION, nextSeq: 1, entries: [] };
}

export interface NamedRule {
    name: string;
    rule: AlertRule;
}

type Check = { kind: "holds"; value: number | null } | { kind: "clear"; value: number | null } | { kind: "gap" };

function check(condition: AlertCondition, vm: AlertTickVm | undefined): Check {
    if (condition.type === "not-running") {
        return vm?.running ? { kind: "clear", value: null } : { kind: "holds", value: null };
    }
    if (!vm || !vm.running) return { kind: "clear", value: null };
    const value = vm.usage?.[condition.metric] ?? null;
    if (value === null) return { kind: "gap" };
    const holds = condition.comparison === "above" ? value > condition.threshold : value < condition.threshold;
    return holds ? { kind: "holds", value } : { kind: "clear", value };
}

function entryKey(rule: string, vm: string): string {
    return `${rule}\u0000${vm}`;
}

// The VMs a rule looks at this tick: "all" is every VM libvirt reported; named VMs count whether or
// not they exist (a must-run VM that was undefined is not running).
function vmsOfRule(rule: AlertRule, allNames: readonly string[]): readonly string[] {
    return rule.vms === "all" ? allNames : rule.vms;
}

// `unreadable`: rules whose files exist but cannot be read now (a hand edit half done): their pending
// runs and fired alerts are kept as they are, neither advanced nor resolved as if the rule were gone.
export function evaluateAlerts(rules: readonly NamedRule[], previous: AlertState, tick: AlertTick,
    unreadable: ReadonlySet<string> = new Set()): { state: AlertState; events: AlertEvent[] } {
    let nextSeq = previous.nextSeq;
    const events: AlertEvent[] = [];
    const gapForAll = tick.previousTickMs === null || tick.tMs - tick.previousTickMs > MAX_CHECK_INTERVAL_MS;
    const before = new Map(previous.entries.map(e => [entryKey(e.rule, e.vm), e]));
    const vmByName = new Map(tick.vms.map(v => [v.name, v]));
    const allNames = tick.vms.map(v => v.name);
    const entries: AlertEntry[] = [];
    const seen = new Set<string>();

    // `condition`: what no longer holds: the rule's condition now (it may have been edited since the
    // alert fired), or the one it fired on when the rule is gone.
    const resolve = (entry: AlertEntry, active: ActiveAlert, reason: ResolveReason, value: number | null, vmState: string | null,
        condition: AlertCondition = active.condition) => {
        events.push({
            seq: nextSeq++, kind: "resolved", tMs: tick.tMs, rule: entry.rule, vm: entry.vm, severity: active.severity,
            condition, value, values: [], vmState, firedAtMs: active.firedAtMs, reason,
        });
    };

    for (const { name, rule } of rules) {
        if (!rule.enabled) continue;
        for (const vmName of vmsOfRule(rule, allNames)) {
            const key = entryKey(name, vmName);
            if (seen.has(key)) continue;
            seen.add(key);
            const old = before.get(key);
            const vm = vmByName.get(vmName);
            const result = check(rule.condition, vm);
            // The common case, checked first and without allocating: nothing pending, nothing fired.
            if (!old && result.kind !== "holds") continue;
            const entry: AlertEntry = old && !gapForAll
                ? { ...old, run: [...old.run] }
                : { rule: name, vm: vmName, run: [], clear: 0, active: old?.active ?? null };
            const vmState = vm?.state ?? "undefined";
            if (result.kind === "gap") {
                entry.run = [];
                entry.clear = 0;
            } else if (result.kind === "holds") {
                entry.clear = 0;
                if (!entry.active) entry.run.push(result.value);
                if (entry.run.length > rule.forChecks) entry.run.shift();
                if (!entry.active && entry.run.length >= rule.forChecks) {
                    entry.active = { seq: nextSeq, firedAtMs: tick.tMs, severity: rule.severity, condition: rule.condition, value: result.value };
                    events.push({
                        seq: nextSeq++, kind: "fired", tMs: tick.tMs, rule: name, vm: vmName, severity: rule.severity,
                        condition: rule.condition, value: result.value, values: [...entry.run], vmState,
                        firedAtMs: tick.tMs, reason: null,
                    });
                    entry.run = [];
                }
            } else {
                entry.run = [];
                if (entry.active) {
                    entry.clear += 1;
                    if (entry.clear >= rule.clearChecks) {
                        resolve(entry, entry.active, "cleared", result.value, vmState, rule.condition);
                        entry.active = null;
                        entry.clear = 0;
                    }
                }
            }
            if (entry.active || entry.run.length > 0) entries.push(entry);
        }
    }

    // Fired alerts whose rule or VM is no longer looked at end now: nothing could ever resolve them.
    const ruleByName = new Map(rules.map(r => [r.name, r.rule]));
    for (const old of previous.entries) {
        if (seen.has(entryKey(old.rule, old.vm))) continue;
        if (unreadable.has(old.rule)) {
            entries.push(old);
            continue;
        }
        if (!old.active) continue;
        const rule = ruleByName.get(old.rule);
        const reason: ResolveReason = !rule ? "rule-removed" : !rule.enabled ? "rule-disabled" : "not-covered";
        resolve(old, old.active, reason, null, vmByName.get(old.vm)?.state ?? null);
    }
    return { state: { version: ALERT_STATE_VERSION, nextSeq, entries }, events };
}

// Fired alerts of a state, for the page and the VM list.
export function activeAlerts(state: AlertState): (ActiveAlert & { rule: string; vm: string })[] {
    return state.entries.filter(e => e.active).map(e => ({ ...(e.active as ActiveAlert), rule: e.rule, vm: e.vm }));
}
