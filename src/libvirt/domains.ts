// org.libvirt.Domain: lookup, XML, lifecycle, autostart and guest addresses (state and usage come
// from stats.ts). Small async functions with one object
// argument, all through connection.call.
import type { LifecycleAction } from "../core/domain-state";
import { CONNECT_IFACE, CONNECT_PATH, DOMAIN_IFACE, call, getProperty, setProperty } from "./connection";

export async function lookupDomainPath({ name }: { name: string }): Promise<string> {
    const [path] = await call<[string]>({
        path: CONNECT_PATH, iface: CONNECT_IFACE, method: "DomainLookupByName", signature: "s", args: [name],
    });
    return path;
}

// virConnectListAllDomainsFlags: ACTIVE = 1; 0 lists every domain.
export async function listDomainPaths({ activeOnly = false }: { activeOnly?: boolean } = {}): Promise<string[]> {
    const [paths] = await call<[string[]]>({
        path: CONNECT_PATH, iface: CONNECT_IFACE, method: "ListDomains", signature: "u", args: [activeOnly ? 1 : 0],
    });
    return paths;
}

export async function getDomainName({ path }: { path: string }): Promise<string> {
    return String(await getProperty({ path, iface: DOMAIN_IFACE, name: "Name" }));
}

export async function getDomainXml({ path, inactive = false }: { path: string; inactive?: boolean }): Promise<string> {
    // VIR_DOMAIN_XML_INACTIVE = 2: the persistent definition rather than the running one.
    const [xml] = await call<[string]>({
        path, iface: DOMAIN_IFACE, method: "GetXMLDesc", signature: "u", args: [inactive ? 2 : 0],
    });
    return xml;
}

export async function getAutostart({ path }: { path: string }): Promise<boolean> {
    return Boolean(await getProperty({ path, iface: DOMAIN_IFACE, name: "Autostart" }));
}

export async function setAutostart({ path, autostart }: { path: string; autostart: boolean }): Promise<void> {
    await setProperty({ path, iface: DOMAIN_IFACE, name: "Autostart", signature: "b", value: autostart });
}

const LIFECYCLE_CALLS: Record<LifecycleAction, { method: string; signature: string; args: unknown[] }> = {
    start: { method: "Create", signature: "u", args: [0] },
    shutdown: { method: "Shutdown", signature: "u", args: [0] },
    forceOff: { method: "Destroy", signature: "u", args: [0] },
    reboot: { method: "Reboot", signature: "u", args: [0] },
    pause: { method: "Suspend", signature: "", args: [] },
    resume: { method: "Resume", signature: "", args: [] },
};

export async function runLifecycleAction({ path, action }: { path: string; action: LifecycleAction }): Promise<void> {
    const { method, signature, args } = LIFECYCLE_CALLS[action];
    // Starting a guest can take a while on a busy host; libvirt answers once QEMU is up.
    await call({ path, iface: DOMAIN_IFACE, method, signature, args, timeout: 5 * 60 * 1000 });
}

export interface InterfaceAddresses {
    name: string;
    mac: string;
    addresses: { family: "ipv4" | "ipv6"; address: string; prefix: number }[];
}

// virDomainInterfaceAddressesSource: where the guest's addresses come from.
export type AddressSource = "lease" | "agent" | "arp";
const ADDRESS_SOURCES: Record<AddressSource, number> = { lease: 0, agent: 1, arp: 2 };

export async function getInterfaceAddresses({ path, source }: { path: string; source: AddressSource }): Promise<InterfaceAddresses[]> {
    const [ifaces] = await call<[[string, string, [number, string, number][]][]]>({
        path, iface: DOMAIN_IFACE, method: "InterfaceAddresses", signature: "uu", args: [ADDRESS_SOURCES[source], 0],
    });
    return ifaces.map(([name, mac, addrs]) => ({
        name,
        mac,
        addresses: addrs.map(([type, address, prefix]) => ({ family: type === 1 ? "ipv6" : "ipv4", address, prefix })),
    }));
}

// VIR_DOMAIN_VCPU_LIVE = 1: the running guest's vCPU count, from its live definition, without a call to QEMU
// (which answers slowly while guests boot).
export async function getLiveVcpuCount({ path }: { path: string }): Promise<number> {
    const [count] = await call<[number]>({ path, iface: DOMAIN_IFACE, method: "GetVcpus", signature: "u", args: [1] });
    return count;
}

// virDomainUndefineFlagsValues: MANAGED_SAVE 1, SNAPSHOTS_METADATA 2, NVRAM 4, CHECKPOINTS_METADATA 16. libvirt
// refuses to undefine a VM with snapshots or a UEFI variables file unless told what to do with them: the
// snapshots' metadata goes with the VM (internal snapshots live in its disks), and so does its nvram file.
const UNDEFINE_EVERYTHING = 1 | 2 | 4 | 16;

export async function undefineDomain({ path }: { path: string }): Promise<void> {
    await call({ path, iface: DOMAIN_IFACE, method: "Undefine", signature: "u", args: [UNDEFINE_EVERYTHING] });
}

export async function defineDomainXml({ xml }: { xml: string }): Promise<string> {
    const [path] = await call<[string]>({ path: CONNECT_PATH, iface: CONNECT_IFACE, method: "DomainDefineXML", signature: "s", args: [xml] });
    return path;
}

// One step of resizing a VM (core/insights/apply-plan.ts): Domain.SetVcpus (count) or Domain.SetMemory
// (KiB) with libvirt's flags for the persistent definition, the running VM and the maximum.
export async function setDomainSize({ path, method, value, flags }: {
    path: string; method: "SetVcpus" | "SetMemory"; value: number; flags: number;
}): Promise<void> {
    await call({ path, iface: DOMAIN_IFACE, method, signature: method === "SetVcpus" ? "uu" : "tu", args: [value, flags] });
}
