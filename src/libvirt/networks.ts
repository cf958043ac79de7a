// org.libvirt.Network: list, XML, start/stop, autostart, define/undefine, DHCP leases and the
// NetworkEvent signal. Small async functions with one object argument, all through connection.call.
import { dhcpLeasesFromDbus, type DhcpLease } from "../core/network/network-xml";
import { CONNECT_IFACE, CONNECT_PATH, call, libvirtClient, setProperty, unwrapRecord } from "./connection";

export const NETWORK_IFACE = "org.libvirt.Network";

export async function listNetworkPaths(): Promise<string[]> {
    const [paths] = await call<[string[]]>({ path: CONNECT_PATH, iface: CONNECT_IFACE, method: "ListNetworks", signature: "u", args: [0] });
    return paths;
}

export async function lookupNetworkPath({ name }: { name: string }): Promise<string> {
    const [path] = await call<[string]>({
        path: CONNECT_PATH, iface: CONNECT_IFACE, method: "NetworkLookupByName", signature: "s", args: [name],
    });
    return path;
}

export interface NetworkProperties {
    name: string;
    active: boolean;
    autostart: boolean;
    persistent: boolean;
}

// One GetAll instead of a call per property: the list reads every network this way.
export async function getNetworkProperties({ path }: { path: string }): Promise<NetworkProperties> {
    const [all] = await call<[Record<string, unknown>]>({
        path, iface: "org.freedesktop.DBus.Properties", method: "GetAll", signature: "s", args: [NETWORK_IFACE],
    });
    const values = unwrapRecord(all);
    return {
        name: String(values.Name ?? ""),
        active: values.Active === true,
        autostart: values.Autostart === true,
        persistent: values.Persistent === true,
    };
}

export async function getNetworkXml({ path }: { path: string }): Promise<string> {
    const [xml] = await call<[string]>({ path, iface: NETWORK_IFACE, method: "GetXMLDesc", signature: "u", args: [0] });
    return xml;
}

// Defined (persistent), so it survives a libvirtd restart; starting it is a separate step.
export async function defineNetwork({ xml, autostart }: { xml: string; autostart: boolean }): Promise<string> {
    const [path] = await call<[string]>({ path: CONNECT_PATH, iface: CONNECT_IFACE, method: "NetworkDefineXML", signature: "s", args: [xml] });
    if (autostart) await setNetworkAutostart({ path, autostart });
    return path;
}

export async function startNetwork({ path }: { path: string }): Promise<void> {
    await call({ path, iface: NETWORK_IFACE, method: "Create", signature: "", args: [] });
}

export async function stopNetwork({ path }: { path: string }): Promise<void> {
    await call({ path, iface: NETWORK_IFACE, method: "Destroy", signature: "", args: [] });
}

export async function undefineNetwork({ path }: { path: string }): Promise<void> {
    await call({ path, iface: NETWORK_IFACE, method: "Undefine", signature: "", args: [] });
}

export async function setNetworkAutostart({ path, autostart }: { path: string; autostart: boolean }): Promise<void> {
    await setProperty({ path, iface: NETWORK_IFACE, name: "Autostart", signature: "b", value: autostart });
}

export async function getDhcpLeases({ path }: { path: string }): Promise<DhcpLease[]> {
    const [rows] = await call<[[string, number, number, string, string, string, number, string, string][]]>({
        path, iface: NETWORK_IFACE, method: "GetDHCPLeases", signature: "su", args: ["", 0],
    });
    return dhcpLeasesFromDbus(rows);
}

// Every network's lifecycle (defined, undefined, started, stopped) arrives on the connection object.
export function subscribeNetworkEvents(onEvent: (path: string) => void): () => void {
    const subscription = libvirtClient().subscribe(
        { path: CONNECT_PATH, interface: CONNECT_IFACE, member: "NetworkEvent" },
        (_path, _iface, _signal, args) => onEvent((args as [string, number])[0]));
    return () => subscription.remove();
}
