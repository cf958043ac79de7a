// The fired alerts for the VM list's markers: one `kvm-manager-alerts` call when the first subscriber
// appears and then every minute while the page is shown (the collector evaluates every 30 s), shared by
// every subscriber: never a call per row. Rows look their VM up in the map.
import { useSyncExternalStore } from "react";
import { fetchAlerts, type ActiveAlertRow } from "../../host/alerts";
import cockpit from "../../lib/cockpit";

export const ACTIVE_ALERTS_REFRESH_MS = 60_000;

export type AlertsByVm = ReadonlyMap<string, readonly ActiveAlertRow[]>;

let snapshot: AlertsByVm = new Map();
let lastText = "";
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | null = null;

async function refresh(): Promise<void> {
    timer = null;
    try {
        const { active } = await fetchAlerts({ history: false });
        // Unchanged alerts keep the same map, so no row redraws.
        const text = JSON.stringify(active);
        if (text !== lastText) {
            lastText = text;
            const byVm = new Map<string, ActiveAlertRow[]>();
            for (const alert of active) byVm.set(alert.vm, [...(byVm.get(alert.vm) ?? []), alert]);
            snapshot = byVm;
            listeners.forEach(l => l());
        }
    } catch {
        // No helper, no access to the state directory: the list simply shows no markers.
    }
    schedule();
}

function schedule(): void {
    if (timer === null && listeners.size > 0 && !cockpit.hidden) timer = setTimeout(() => void refresh(), ACTIVE_ALERTS_REFRESH_MS);
}

function onVisibility(): void {
    if (!cockpit.hidden && timer === null && listeners.size > 0) void refresh();
}

function subscribe(listener: () => void): () => void {
    listeners.add(listener);
    if (listeners.size === 1) {
        cockpit.addEventListener("visibilitychange", onVisibility);
        void refresh();
    }
    return () => {
        listeners.delete(listener);
        if (listeners.size === 0) {
            cockpit.removeEventListener("visibilitychange", onVisibility);
            if (timer !== null) clearTimeout(timer);
            timer = null;
        }
    };
}

export function useActiveAlertsByVm(): AlertsByVm {
    return useSyncExternalStore(subscribe, () => snapshot);
}
