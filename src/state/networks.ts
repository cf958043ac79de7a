// What libvirt says about its virtual networks and about every VM's interfaces, read through
// libvirt-dbus: the Networks pages list them, and a VM's interfaces card picks networks and checks MACs.
import { parseDomainXml } from "../core/domain-xml";
import type { DomainInterfaces } from "../core/network/attachments";
import { parseNetworkXml, type NetworkDescription } from "../core/network/network-xml";
import { toLibvirtError } from "../libvirt/connection";
import { getDomainXml, listDomainPaths } from "../libvirt/domains";
import { getNetworkProperties, getNetworkXml, listNetworkPaths, type NetworkProperties } from "../libvirt/networks";

export interface NetworkEntry extends NetworkProperties {
    path: string;
    description: NetworkDescription | null;
    // The XML could not be read or understood: the row still shows the name and state.
    problem: string | null;
}

// One network's row; null when it vanished between the list and this read.
async function readNetwork(path: string): Promise<NetworkEntry | null> {
    try {
        const [properties, xml] = await Promise.all([getNetworkProperties({ path }), getNetworkXml({ path })]);
        try {
            return { ...properties, path, description: parseNetworkXml(xml), problem: null };
        } catch (error) {
            return { ...properties, path, description: null, problem: (error as Error).message };
        }
    } catch (error) {
        if (toLibvirtError(error).kind === "not-found") return null;
        throw error;
    }
}

export async function readNetworks(): Promise<NetworkEntry[]> {
    const entries = await Promise.all((await listNetworkPaths()).map(readNetwork));
    return entries.filter((e): e is NetworkEntry => e !== null).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export async function readDomainInterfaces(): Promise<DomainInterfaces[]> {
    const [all, active] = await Promise.all([listDomainPaths(), listDomainPaths({ activeOnly: true })]);
    const running = new Set(active);
    const settled = await Promise.allSettled(all.map(async (path): Promise<DomainInterfaces> => {
        const description = parseDomainXml(await getDomainXml({ path }));
        return { name: description.name, active: running.has(path), interfaces: description.interfaces };
    }));
    // A VM undefined between the list and its read simply no longer counts.
    return settled.filter((r): r is PromiseFulfilledResult<DomainInterfaces> => r.status === "fulfilled").map(r => r.value);
}
