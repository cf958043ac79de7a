// Alert evaluation on crafted series: every condition, consecutive checks, hysteresis, gaps, counter
// resets, the collector not running, rules and VMs that go away; and the files' records read back.
import { ALERT_METRICS, ALERT_RULE_KIND, type AlertMetric, type AlertRule } from "../../src/core/alerts/alert-rule";
import { filterHistory, historyFromLines, parseAlertState, retainedHistory, HISTORY_KEEP_EVENTS } from "../../src/core/alerts/alert-records";
import { describeEvent, notificationOf, retryDelayMs } from "../../src/core/alerts/alert-text";
import {
    activeAlerts, emptyAlertState, evaluateAlerts, MAX_CHECK_INTERVAL_MS,
    type AlertEvent, type AlertState, type AlertTickVm, type NamedRule,
} from "../../src/core/alerts/evaluate";
import { describeDocumentError, validateDocument } from "../../src/core/config/documents";
import type { DomainSample } from "../../src/core/domain-stats";
import { buildTickRecord } from "../../src/core/metrics/rates";
import type { TickRecord } from "../../src/core/metrics/tick-record";
import { NO_USAGE, type Usage } from "../../src/core/usage";

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const STEP = 30_000;

function rule(overrides: Partial<AlertRule> = {}): AlertRule {
    return {
        version: 1, vms: "all", condition: { type: "metric", metric: "cpuPercent", comparison: "above", threshold: 80 },
        forChecks: 3, clearChecks: 1, severity: "warning", enabled: true, ...overrides,
    };
}

function running(name: string, usage: Partial<Usage> | null): AlertTickVm {
    return { name, running: true, state: "running", usage: usage === null ? null : { ...NO_USAGE, ...usage } };
}

function stopped(name: string): AlertTickVm {
    return { name, running: false, state: "shut-off", usage: null };
}

// Runs the rules over a series of ticks, 30 s apart unless a tick gives its own time; returns every
// event with the index of the tick that made it.
function run(rules: NamedRule[], ticks: (AlertTickVm[] | { tMs: number; vms: AlertTickVm[] })[], start: AlertState = emptyAlertState()) {
    let state = start;
    const events: (AlertEvent & { tick: number })[] = [];
    // As if the collector's previous tick was 30 s before the first.
    let previousTickMs = T0 - STEP;
    ticks.forEach((t, i) => {
        const tick = { ...(Array.isArray(t) ? { tMs: T0 + i * STEP, vms: t } : t), previousTickMs };
        previousTickMs = tick.tMs;
        const result = evaluateAlerts(rules, state, tick);
        state = result.state;
        events.push(...result.events.map(e => ({ ...e, tick: i })));
    });
    return { state, events };
}

function withoutTick(event: AlertEvent & { tick: number }): AlertEvent {
    const copy: Partial<AlertEvent & { tick: number }> = { ...event };
    delete copy.tick;
    return copy as AlertEvent;
}

const cpu = (values: (number | null)[], name = "web 1") => values.map(v => [running(name, v === null ? null : { cpuPercent: v })]);

describe("consecutive checks and hysteresis", () => {
    const rules = [{ name: "busy", rule: rule() }];

    it("fires once on the third check in a row above the threshold, with the values of those checks", () => {
        const { events, state } = run(rules, cpu([90, 95, 50, 85, 90, 99, 97, 100]));
        expect(events.map(e => [e.kind, e.tick])).toEqual([["fired", 5]]);
        expect(events[0]).toMatchObject({ rule: "busy", vm: "web 1", severity: "warning", value: 99, values: [85, 90, 99], seq: 1 });
        expect(activeAlerts(state)).toEqual([expect.objectContaining({ rule: "busy", vm: "web 1", value: 99, firedAtMs: T0 + 5 * STEP })]);
    });

    it("a value equal to the threshold is not above it", () => {
        expect(run(rules, cpu([80, 80, 80, 80])).events).toEqual([]);
    });

    it("resolves once, on the first clear check, recording that check's value", () => {
        const { events, state } = run(rules, cpu([90, 90, 90, 90, 10, 12]));
        expect(events.map(e => [e.kind, e.tick, e.value])).toEqual([["fired", 2, 90], ["resolved", 4, 10]]);
        expect(events[1]).toMatchObject({ reason: "cleared", firedAtMs: T0 + 2 * STEP, seq: 2 });
        expect(state.entries).toEqual([]);
    });

    it("with clearChecks 3 a value flapping around the threshold fires once and stays fired", () => {
        const flapping = [{ name: "busy", rule: rule({ forChecks: 2, clearChecks: 3 }) }];
        const { events } = run(flapping, cpu([90, 90, 70, 90, 70, 70, 90, 90, 70, 70, 70, 90]));
        expect(events.map(e => [e.kind, e.tick])).toEqual([["fired", 1], ["resolved", 10]]);
    });

    it("without hysteresis the same series fires and resolves with every swing", () => {
        const { events } = run([{ name: "busy", rule: rule({ forChecks: 1, clearChecks: 1 }) }], cpu([90, 70, 90, 70]));
        expect(events.map(e => e.kind)).toEqual(["fired", "resolved", "fired", "resolved"]);
        expect(events.map(e => e.seq)).toEqual([1, 2, 3, 4]);
    });

    it("below: fires when the value stays under the threshold", () => {
        const idle = [{ name: "idle", rule: rule({ condition: { type: "metric", metric: "cpuPercent", comparison: "below", threshold: 1 }, forChecks: 2 }) }];
        const { events } = run(idle, cpu([0.5, 2, 0.2, 0, 0.9, 5]));
        expect(events.map(e => [e.kind, e.tick, e.value])).toEqual([["fired", 3, 0], ["resolved", 5, 5]]);
    });

    it.each(ALERT_METRICS)("%s is read from the collector's usage", (metric: AlertMetric) => {
        const r = [{ name: "m", rule: rule({ condition: { type: "metric", metric, comparison: "above", threshold: 50 }, forChecks: 1 }) }];
        const other = ALERT_METRICS.find(m => m !== metric) as AlertMetric;
        const { events } = run(r, [[running("a", { [other]: 99, [metric]: 10 })], [running("a", { [other]: 10, [metric]: 51 })]]);
        expect(events.map(e => [e.kind, e.tick, e.value])).toEqual([["fired", 1, 51]]);
    });
});

describe("gaps", () => {
    const rules = [{ name: "busy", rule: rule() }];

    it("a tick without a value restarts a pending run: it never counts as holding", () => {
        expect(run(rules, cpu([90, 90, null, 90, 90])).events).toEqual([]);
        expect(run(rules, cpu([90, 90, null, 90, 90, 90])).events.map(e => e.tick)).toEqual([5]);
    });

    it("a fired alert stays fired through a gap, and its clear checks start again after it", () => {
        const r = [{ name: "busy", rule: rule({ clearChecks: 2 }) }];
        const { events } = run(r, cpu([90, 90, 90, null, null, 10, null, 10, 10]));
        expect(events.map(e => [e.kind, e.tick])).toEqual([["fired", 2], ["resolved", 8]]);
    });

    it("the collector not running for longer than a rate interval restarts every run", () => {
        const at = (i: number, gap = 0) => ({ tMs: T0 + i * STEP + gap, vms: [running("web 1", { cpuPercent: 90 })] });
        const late = MAX_CHECK_INTERVAL_MS + 1;
        expect(run(rules, [at(0), at(1), at(2, late), at(3, late)]).events).toEqual([]);
        expect(run(rules, [at(0), at(1), at(2, MAX_CHECK_INTERVAL_MS - STEP), at(3, MAX_CHECK_INTERVAL_MS - STEP)]).events
            .map(e => e.tick)).toEqual([2]);
    });

    it("a counter reset (the VM restarted between two ticks) is a gap, not a drop to zero", () => {
        // Real samples through the collector's rate code: CPU time climbs at 90 % of one vCPU, then the
        // VM restarts (new domain ID, counters from 0) and climbs again.
        const sample = (cpuTimeNs: number): DomainSample => ({
            name: "web 1", state: "running", vcpus: 1, maxVcpus: 1, memoryMaxKiB: 1024, memoryCurrentKiB: 1024,
            memoryUsedKiB: 512, memoryUsedSource: "rss", cpuTimeNs, disks: [], nics: [],
        });
        const counters = [0, 27e9, 54e9, 1e9, 28e9, 55e9, 82e9];
        const ids = [1, 1, 1, 2, 2, 2, 2];
        let prev: TickRecord | null = null;
        const ticks = counters.map((ns, i) => {
            prev = buildTickRecord(prev, T0 + i * STEP, [sample(ns)], new Map([["web 1", ids[i]]]));
            return [running("web 1", prev.vms[0].usage)];
        });
        expect(ticks.map(t => t[0].usage?.cpuPercent ?? null)).toEqual([null, 90, 90, null, 90, 90, 90]);
        const { events } = run([{ name: "busy", rule: rule() }], ticks);
        expect(events.map(e => [e.kind, e.tick, e.values])).toEqual([["fired", 6, [90, 90, 90]]]);
    });

    it("a VM that stops is a clear check for a metric rule, and is never a value", () => {
        const { events } = run(rules, [...cpu([90, 90, 90]), [stopped("web 1")]]);
        expect(events.map(e => [e.kind, e.tick, e.value, e.vmState])).toEqual([["fired", 2, 90, "running"], ["resolved", 3, null, "shut-off"]]);
    });
});

describe("VMs that must run", () => {
    const mustRun = (vms: AlertRule["vms"]) => [{ name: "must run", rule: rule({ vms, condition: { type: "not-running" }, forChecks: 2, severity: "critical" }) }];

    it("fires when a named VM is shut off for the checks required, resolves when it runs", () => {
        const { events } = run(mustRun(["db"]), [[running("db", null)], [stopped("db")], [stopped("db")], [stopped("db")], [running("db", null)]]);
        expect(events.map(e => [e.kind, e.tick, e.vmState, e.severity])).toEqual([["fired", 2, "shut-off", "critical"], ["resolved", 4, "running", "critical"]]);
        expect(describeEvent(events[0])).toBe("alert \"must run\" fired for VM \"db\": not running (state shut-off) for 2 consecutive checks");
    });

    it("a named VM that is not defined at all is not running", () => {
        const { events } = run(mustRun(["gone"]), [[running("other", null)], [running("other", null)]]);
        expect(events.map(e => [e.kind, e.vm, e.vmState])).toEqual([["fired", "gone", "undefined"]]);
    });

    it("a running VM whose rates are not known yet is running, not a gap", () => {
        expect(run(mustRun(["db"]), [[running("db", null)], [running("db", null)]]).events).toEqual([]);
    });

    it("all: every VM libvirt reports; one that is undefined while fired resolves as no longer covered", () => {
        const { events } = run(mustRun("all"), [[stopped("a"), running("b", null)], [stopped("a"), running("b", null)], [running("b", null)]]);
        expect(events.map(e => [e.kind, e.vm, e.reason])).toEqual([["fired", "a", null], ["resolved", "a", "not-covered"]]);
    });
});

describe("rules that change", () => {
    it("a fired alert resolves when its rule is disabled or removed, and only once", () => {
        const on = [{ name: "busy", rule: rule({ forChecks: 1 }) }];
        const fired = run(on, cpu([90]));
        const disabled = run([{ name: "busy", rule: rule({ forChecks: 1, enabled: false }) }], cpu([90, 90]), fired.state);
        expect(disabled.events.map(e => [e.kind, e.reason, e.seq])).toEqual([["resolved", "rule-disabled", 2]]);
        const removed = run([], cpu([90, 90]), fired.state);
        expect(removed.events.map(e => [e.kind, e.reason])).toEqual([["resolved", "rule-removed"]]);
    });

    it("a rule whose file cannot be read keeps its fired alerts and pending runs untouched", () => {
        const rules = [{ name: "busy", rule: rule({ forChecks: 2 }) }];
        const fired = run(rules, [[running("a", { cpuPercent: 90 }), running("b", { cpuPercent: 10 })], [running("a", { cpuPercent: 90 }), running("b", { cpuPercent: 90 })]]);
        const damaged = evaluateAlerts([], fired.state, { tMs: T0 + 2 * STEP, previousTickMs: T0 + STEP, vms: [running("a", { cpuPercent: 1 })] }, new Set(["busy"]));
        expect(damaged.events).toEqual([]);
        expect(damaged.state.entries).toEqual(fired.state.entries);
    });

    it("raising the threshold above the value resolves the alert at the next check", () => {
        const fired = run([{ name: "busy", rule: rule({ forChecks: 1 }) }], cpu([90]));
        const raised = run([{ name: "busy", rule: rule({ forChecks: 1, condition: { type: "metric", metric: "cpuPercent", comparison: "above", threshold: 95 } }) }],
            cpu([90]), fired.state);
        expect(raised.events.map(e => [e.kind, e.reason, e.value])).toEqual([["resolved", "cleared", 90]]);
        // The event says what no longer holds: the condition as it is now.
        expect(describeEvent(withoutTick(raised.events[0]))).toBe("alert \"busy\" resolved for VM \"web 1\": no longer CPU above 95 % (value 90 %)");
    });

    it("a VM taken out of a rule's list resolves as no longer covered", () => {
        const fired = run([{ name: "r", rule: rule({ vms: ["a", "b"], forChecks: 1 }) }], [[running("a", { cpuPercent: 90 }), running("b", { cpuPercent: 90 })]]);
        const narrowed = run([{ name: "r", rule: rule({ vms: ["b"], forChecks: 1 }) }], [[running("a", { cpuPercent: 90 }), running("b", { cpuPercent: 90 })]], fired.state);
        expect(narrowed.events.map(e => [e.kind, e.vm, e.reason])).toEqual([["resolved", "a", "not-covered"]]);
        expect(activeAlerts(narrowed.state).map(a => a.vm)).toEqual(["b"]);
    });

    it("two rules on the same VM keep separate runs; only VMs with something pending are kept in the state", () => {
        const rules = [{ name: "busy", rule: rule({ forChecks: 2 }) }, { name: "very busy", rule: rule({ forChecks: 1, severity: "critical", condition: { type: "metric", metric: "cpuPercent", comparison: "above", threshold: 95 } }) }];
        const { events, state } = run(rules, [[running("a", { cpuPercent: 96 }), running("b", { cpuPercent: 1 })], [running("a", { cpuPercent: 90 }), running("b", { cpuPercent: 1 })]]);
        expect(events.map(e => [e.kind, e.rule, e.tick])).toEqual([["fired", "very busy", 0], ["fired", "busy", 1], ["resolved", "very busy", 1]]);
        expect(state.entries.map(e => [e.rule, e.vm, e.run.length, e.active?.seq])).toEqual([["busy", "a", 0, 2]]);
    });
});

describe("rule documents", () => {
    const check = (value: unknown) => {
        const r = validateDocument(ALERT_RULE_KIND, value);
        return r.ok ? "ok" : describeDocumentError(r.error);
    };

    it("takes names with quotes, $(...), RTL marks and unicode, a webhook and a command", () => {
        expect(check(rule({ vms: ["it's \"odd\" $(id)", "\u200fweb ü #1"], notify: { webhook: { url: "http://127.0.0.1:8080/hook?x=1", timeoutSeconds: 5, retries: 3 }, command: "/usr/local/bin/page me" } }))).toBe("ok");
    });

    it.each([
        [rule({ condition: { type: "metric", metric: "memoryPercent", comparison: "above", threshold: 101 } }), "condition.threshold: a percentage threshold is at most 100"],
        [rule({ notify: { webhook: { url: "file:///etc/shadow", timeoutSeconds: 5, retries: 0 } } }), "notify.webhook.url: the webhook is an http:// or https:// URL"],
        [rule({ notify: { command: "rm -rf /" } }), "notify.command: the command is an absolute path (starting with /)"],
        [rule({ vms: [] }), "vms: Too small: expected array to have >=1 items"],
        [rule({ vms: ["a\nb"] }), "vms.0: a VM name cannot contain control characters"],
        [{ ...rule(), forChecks: 0 }, "forChecks: Too small: expected number to be >=1"],
        [{ ...rule(), extra: 1 }, "Unrecognized key: \"extra\""],
    ])("refuses %#", (value, message) => {
        expect(check(value)).toBe(message);
    });

    it("a rate threshold above 100 is fine", () => {
        expect(check(rule({ condition: { type: "metric", metric: "netRxBps", comparison: "above", threshold: 125e6 } }))).toBe("ok");
    });
});

describe("state and history files", () => {
    const fired = run([{ name: "busy", rule: rule({ forChecks: 1 }) }], cpu([90, 10, 90]));

    it("the state reads back as it was written; a damaged one starts again empty and says so", () => {
        expect(parseAlertState(JSON.stringify(fired.state))).toEqual({ state: fired.state, damaged: false });
        expect(parseAlertState("{\"version\":1,\"nextSeq\":")).toEqual({ state: emptyAlertState(), damaged: true });
        expect(parseAlertState(JSON.stringify({ ...fired.state, nextSeq: "7" })).damaged).toBe(true);
    });

    it("history skips torn lines and keeps the later of two lines with the same seq", () => {
        const lines = fired.events.map(e => JSON.stringify(withoutTick(e)));
        const replayed = JSON.stringify({ ...JSON.parse(lines[1]), value: 11 });
        const events = historyFromLines([lines[0], lines[1], replayed, lines[2], lines[2].slice(0, 40), ""]);
        expect(events.map(e => [e.seq, e.value])).toEqual([[1, 90], [2, 11], [3, 90]]);
        expect(filterHistory(events, { limit: 2 }).map(e => e.seq)).toEqual([3, 2]);
        expect(filterHistory(events, { vm: "web 1", severity: "critical" })).toEqual([]);
        expect(filterHistory(events, { rule: "busy", sinceMs: T0 + STEP }).map(e => e.seq)).toEqual([3, 2]);
    });

    it("history keeps the newest events within the age limit", () => {
        const base = fired.events[0];
        const many = Array.from({ length: HISTORY_KEEP_EVENTS + 10 }, (_, i) => ({ ...base, seq: i + 1, tMs: T0 + i }));
        const kept = retainedHistory(many, T0);
        expect(kept.length).toBe(HISTORY_KEEP_EVENTS);
        expect(kept[0].seq).toBe(11);
        expect(retainedHistory(many, T0 + 200 * 24 * 3600 * 1000)).toEqual([]);
    });

    it("a notification carries the event and its English summary", () => {
        expect(notificationOf(withoutTick(fired.events[0]), "host1")).toEqual({
            version: 1, host: "host1", event: "fired", seq: 1, rule: "busy", vm: "web 1", severity: "warning",
            condition: { type: "metric", metric: "cpuPercent", comparison: "above", threshold: 80 }, value: 90, values: [90],
            vmState: "running", reason: null, at: "2026-11-26T12:00:00.000Z", firedAt: "2026-11-26T12:00:00.000Z",
            summary: "alert \"busy\" fired for VM \"web 1\": CPU above 80 % (value 90 %) for 1 consecutive checks",
        });
        expect([1, 2, 3, 10].map(retryDelayMs)).toEqual([5000, 10000, 20000, 300000]);
    });
});
