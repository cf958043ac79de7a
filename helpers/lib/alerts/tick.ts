// The alerts' part of a collector tick, run right after the metrics are written, on the VMs and
// usage the tick just computed (no second libvirt call): read the rules, evaluate, record the events
// (history, journal), queue notifications and start their deliverer, save the state.
import type { AlertRule } from "../../../src/core/alerts/alert-rule";
import { evaluateAlerts, type AlertEvent, type AlertTick } from "../../../src/core/alerts/evaluate";
import type { Logger } from "../log";
import { enqueueNotifications, outboxHasDue, startDeliverer } from "./delivery";
import { writeAlertsToJournal } from "./journal";
import { readAlertRules } from "./rules";
import { AlertStore } from "./store";

export interface AlertTickOptions {
    configDir: string;
    stateDir: string;
    log: Logger;
    program: string;
    // Replaced by the benchmark and tests: what starts the deliverer, and the journal writer.
    startDeliverer?: (store: AlertStore) => void;
    journal?: (events: readonly AlertEvent[]) => void;
}

export interface AlertTickReport {
    rules: number;
    fired: number;
    resolved: number;
    active: number;
    queued: number;
}

export function runAlertTick(tick: AlertTick, options: AlertTickOptions): AlertTickReport {
    const store = new AlertStore(options.stateDir, options.log);
    const hasState = store.exists();
    // The cache lives in the alerts' directory, which only a host that has rules gets.
    const { rules, unreadable } = readAlertRules(options.configDir, hasState ? store.dir : null);
    if (rules.length === 0 && unreadable.length === 0 && !hasState) {
        return { rules: 0, fired: 0, resolved: 0, active: 0, queued: 0 };
    }
    store.ensureDir();
    const previous = store.loadState();
    const { state, events } = evaluateAlerts(rules, previous, tick, new Set(unreadable));
    store.appendHistory(events, tick.tMs);
    (options.journal ?? (e => writeAlertsToJournal(options.program, e)))(events);
    const byName = new Map<string, AlertRule>(rules.map(r => [r.name, r.rule]));
    const queued = enqueueNotifications(store, events, byName, tick.tMs);
    store.saveState(state);
    if (queued > 0 || outboxHasDue(store, tick.tMs)) {
        (options.startDeliverer ?? (s => startDeliverer(s, options.stateDir, options.log)))(store);
    }
    return {
        rules: rules.length,
        fired: events.filter(e => e.kind === "fired").length,
        resolved: events.filter(e => e.kind === "resolved").length,
        active: state.entries.filter(e => e.active).length,
        queued,
    };
}
