// The Networks page's data: every virtual network (properties and XML) and, to count who uses which,
// every VM's interfaces. Read once on open; NetworkEvent and DomainEvent signals trigger a re-read
// (coalesced), so nothing is polled.
import { useCallback, useEffect, useRef, useState } from "react";
import type { DomainInterfaces } from "../../core/network/attachments";
import { toLibvirtError, type LibvirtError } from "../../libvirt/connection";
import { subscribeDomainEvents } from "../../libvirt/events";
import { subscribeNetworkEvents } from "../../libvirt/networks";
import { readDomainInterfaces, readNetworks, type NetworkEntry } from "../../state/networks";

export type { NetworkEntry } from "../../state/networks";

export interface NetworksData {
    networks: NetworkEntry[] | null;
    domains: DomainInterfaces[];
    error: LibvirtError | null;
    reload: () => Promise<void>;
}

const EVENT_COALESCE_MS = 100;

export function useNetworks(): NetworksData {
    const [networks, setNetworks] = useState<NetworkEntry[] | null>(null);
    const [domains, setDomains] = useState<DomainInterfaces[]>([]);
    const [error, setError] = useState<LibvirtError | null>(null);
    const generation = useRef(0);

    const reload = useCallback(async (): Promise<void> => {
        const mine = ++generation.current;
        try {
            const [networkList, domainList] = await Promise.all([readNetworks(), readDomainInterfaces()]);
            if (mine !== generation.current) return;
            setNetworks(networkList);
            setDomains(domainList);
            setError(null);
        } catch (err) {
            if (mine === generation.current) setError(toLibvirtError(err));
        }
    }, []);

    useEffect(() => {
        void reload();
        let timer: ReturnType<typeof setTimeout> | null = null;
        const later = (): void => {
            if (timer) clearTimeout(timer);
            timer = setTimeout(() => void reload(), EVENT_COALESCE_MS);
        };
        const unsubscribeNetworks = subscribeNetworkEvents(later);
        const unsubscribeDomains = subscribeDomainEvents(later);
        return () => {
            generation.current++;
            if (timer) clearTimeout(timer);
            unsubscribeNetworks();
            unsubscribeDomains();
        };
    }, [reload]);

    return { networks, domains, error, reload };
}
