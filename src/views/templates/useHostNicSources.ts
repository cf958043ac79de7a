// This host's libvirt networks (active or not) and Linux bridges, for the network interface pickers of
// the template editor and "Create VM". Read once when the form opens; a list that cannot be read is
// null with libvirt's or the shell's message, and the field then keeps the name it holds.
import { useEffect, useState } from "react";
import type { HostNicSource } from "../../core/template/nic-sources";
import { readHostBridges } from "../../host/host-bridges";
import { getNetworkProperties, listNetworkPaths } from "../../libvirt/networks";

export interface NicSourceList {
    sources: HostNicSource[] | null;
    error: string | null;
}

export interface HostNicSources {
    networks: NicSourceList;
    bridges: NicSourceList;
}

const LOADING: NicSourceList = { sources: null, error: null };

async function readNetworks(): Promise<HostNicSource[]> {
    const networks = await Promise.all((await listNetworkPaths()).map(path => getNetworkProperties({ path })));
    return networks.map(({ name, active }) => ({ name, active }));
}

function settle(read: Promise<HostNicSource[]>): Promise<NicSourceList> {
    return read.then(sources => ({ sources, error: null }), (e: Error) => ({ sources: null, error: e.message }));
}

export function useHostNicSources(): HostNicSources {
    const [lists, setLists] = useState<HostNicSources>({ networks: LOADING, bridges: LOADING });
    useEffect(() => {
        let current = true;
        Promise.all([settle(readNetworks()), settle(readHostBridges().then(names => names.map(name => ({ name }))))])
            .then(([networks, bridges]) => {
                if (current) setLists({ networks, bridges });
            });
        return () => {
            current = false;
        };
    }, []);
    return lists;
}
