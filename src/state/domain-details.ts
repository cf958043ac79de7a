// What the details page knows about one VM: its definition (re-read when its state changes, since a
// start or shutdown can change the live XML), autostart, guest addresses, and live rates from its own
// 5 s samples. The list's store stays the source of truth for state, pending actions and errors.
import { useCallback, useEffect, useRef, useState } from "react";
import cockpit from "../lib/cockpit";
import { parseDomainXml, type DomainDescription } from "../core/domain-xml";
import { appendLivePoint, type LivePoint } from "../core/metrics/live-series";
import type { BlockInfo } from "../core/domain-stats";
import { computeUsage, NO_USAGE, type TimedSample, type Usage } from "../core/usage";
import { toLibvirtError } from "../libvirt/connection";
import { getAutostart, getDomainXml, getInterfaceAddresses, setAutostart, type InterfaceAddresses } from "../libvirt/domains";
import { getDetailedDomainStats } from "../libvirt/stats";
import { FIRST_RATE_DELAY_MS, REFRESH_INTERVAL_MS, vmStore } from "./vm-store";
import type { DomainState } from "../core/domain-state";

// The "Live" graphs keep the last half hour of this page's own samples.
export const LIVE_KEEP_MS = 30 * 60 * 1000;

export interface DomainDetails {
    live: LivePoint[];
    description: DomainDescription | null;
    autostart: boolean | null;
    addresses: InterfaceAddresses[];
    blocks: BlockInfo[];
    usage: Usage;
    error: string | null;
}

const EMPTY: DomainDetails = { live: [], description: null, autostart: null, addresses: [], blocks: [], usage: NO_USAGE, error: null };

async function loadAddresses(path: string): Promise<InterfaceAddresses[]> {
    // DHCP leases answer for NICs on libvirt networks; the guest agent (where installed) for the rest.
    const results = await Promise.allSettled([
        getInterfaceAddresses({ path, source: "lease" }),
        getInterfaceAddresses({ path, source: "agent" }),
    ]);
    const byMac = new Map<string, InterfaceAddresses>();
    for (const result of results) {
        if (result.status !== "fulfilled") continue;
        for (const iface of result.value) {
            const known = byMac.get(iface.mac);
            if (!known) {
                byMac.set(iface.mac, iface);
                continue;
            }
            const seen = new Set(known.addresses.map(a => a.address));
            known.addresses.push(...iface.addresses.filter(a => !seen.has(a.address)));
        }
    }
    return [...byMac.values()];
}

export function useDomainDetails(name: string, state: DomainState | null): DomainDetails & {
    toggleAutostart: (value: boolean) => Promise<void>;
    reloadDefinition: () => void;
} {
    const [details, setDetails] = useState<DomainDetails>(EMPTY);
    // Bumped after changes that send no domain event but change the definition (an external snapshot
    // moves the VM onto an overlay file).
    const [definitionVersion, setDefinitionVersion] = useState(0);
    const previous = useRef<TimedSample | undefined>(undefined);

    // Definition, autostart and addresses: on open, whenever the state changes, and on reloadDefinition().
    useEffect(() => {
        if (state === null) return;
        let cancelled = false;
        (async () => {
            try {
                const path = await vmStore.resolvePath(name);
                const [xml, autostart, addresses] = await Promise.all([
                    getDomainXml({ path }), getAutostart({ path }), loadAddresses(path),
                ]);
                if (!cancelled) {
                    setDetails(d => ({ ...d, description: parseDomainXml(xml), autostart, addresses, error: null }));
                }
            } catch (error) {
                if (!cancelled) setDetails(d => ({ ...d, error: toLibvirtError(error).message }));
            }
        })();
        return () => {
            cancelled = true;
        };
    }, [name, state, definitionVersion]);

    // Live rates: one GetStats for this VM every 5 s while the page is visible.
    useEffect(() => {
        let timer: ReturnType<typeof setTimeout> | null = null;
        let stopped = false;
        let samples = 0;
        previous.current = undefined;
        const sample = async (): Promise<void> => {
            if (stopped) return;
            try {
                const path = await vmStore.resolvePath(name);
                const startedAt = performance.now();
                const { sample: current, blocks } = await getDetailedDomainStats({ path, name });
                const timed = { sample: current, atMs: (startedAt + performance.now()) / 2 };
                const usage = computeUsage(previous.current, timed);
                previous.current = timed;
                const point = { atMs: Date.now(), usage };
                if (!stopped) setDetails(d => ({ ...d, usage, blocks, live: appendLivePoint(d.live, point, LIVE_KEEP_MS) }));
            } catch (error) {
                // The list store reports libvirt going away; the details page keeps its last figures.
                console.warn(`Sampling ${name} for the live graphs failed:`, error);
            }
            samples++;
            // A quick second sample gives the first rates without waiting a full interval.
            if (!stopped && !cockpit.hidden) timer = setTimeout(() => void sample(), samples === 1 ? FIRST_RATE_DELAY_MS : REFRESH_INTERVAL_MS);
        };
        const onVisibility = (): void => {
            if (timer) clearTimeout(timer);
            timer = null;
            if (!cockpit.hidden) void sample();
        };
        cockpit.addEventListener("visibilitychange", onVisibility);
        void sample();
        return () => {
            stopped = true;
            if (timer) clearTimeout(timer);
            cockpit.removeEventListener("visibilitychange", onVisibility);
        };
    }, [name]);

    const toggleAutostart = async (value: boolean): Promise<void> => {
        const path = await vmStore.resolvePath(name);
        await setAutostart({ path, autostart: value });
        setDetails(d => ({ ...d, autostart: value }));
    };

    const reloadDefinition = useCallback(() => setDefinitionVersion(v => v + 1), []);

    return { ...details, toggleAutostart, reloadDefinition };
}
