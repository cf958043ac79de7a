// Which VMs use which virtual network, from the VMs' definitions: an interface of type "network" names
// the network; one of type "bridge" on the network's own bridge uses it just as much.
import type { InterfaceDescription } from "../domain-xml";

export interface DomainInterfaces {
    name: string;
    active: boolean;
    interfaces: readonly InterfaceDescription[];
}

export interface NetworkIdentity {
    name: string;
    bridge: string | null;
}

export interface AttachedVm {
    name: string;
    active: boolean;
}

// Per network name, the VMs attached to it (each VM once, sorted by name).
export function attachedVms(networks: readonly NetworkIdentity[], domains: readonly DomainInterfaces[]): Map<string, AttachedVm[]> {
    const result = new Map<string, AttachedVm[]>(networks.map(network => [network.name, []]));
    for (const network of networks) {
        const list = result.get(network.name) as AttachedVm[];
        for (const domain of domains) {
            const uses = domain.interfaces.some(nic =>
                (nic.type === "network" && nic.source === network.name) ||
                (nic.type === "bridge" && network.bridge !== null && nic.source === network.bridge));
            if (uses) list.push({ name: domain.name, active: domain.active });
        }
        list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    return result;
}
