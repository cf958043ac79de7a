// libvirt network XML: reading what the Networks page shows (forward mode, bridge, IPv4 subnet and DHCP
// range) and writing the definition of a new network. Unit-tested on `virsh net-dumpxml` output.
import { attr, libvirtXmlParser, node, nodes, text, xmlEscape, type XmlNode } from "../xml-nodes";
import { netmaskToPrefix, type Ipv4Settings } from "./ipv4";

// What the page offers when creating a network. "isolated" has no <forward>; libvirt knows more modes
// (bridge, macvtap, hostdev), which the list shows as they are.
export type CreatableForwardMode = "nat" | "isolated" | "route" | "open";
export const CREATABLE_FORWARD_MODES: readonly CreatableForwardMode[] = ["nat", "isolated", "route", "open"];

export interface NetworkIpv4 {
    address: string;
    prefix: number;
    dhcpRange: { start: string; end: string } | null;
}

export interface NetworkDescription {
    name: string;
    uuid: string | null;
    // "nat", "route", "open", "bridge", ... or "isolated" when the XML has no <forward>.
    forwardMode: string;
    // The host device traffic leaves through (<forward dev=...>), when one is set.
    forwardDevice: string | null;
    bridge: string | null;
    // The first IPv4 address block; libvirt allows several, which is rare.
    ipv4: NetworkIpv4 | null;
    ipv6: { address: string; prefix: number }[];
}

export class NetworkXmlError extends Error {}

const parser = libvirtXmlParser({ trimValues: true, isArray: name => name === "ip" || name === "range" });

function ipPrefix(ip: XmlNode): number | null {
    const prefix = attr(ip, "prefix");
    if (prefix !== null && /^\d{1,3}$/.test(prefix)) return Number(prefix);
    const netmask = attr(ip, "netmask");
    return netmask === null ? null : netmaskToPrefix(netmask);
}

export function parseNetworkXml(xml: string): NetworkDescription {
    let parsed: XmlNode;
    try {
        parsed = parser.parse(xml) as XmlNode;
    } catch (error) {
        throw new NetworkXmlError(`Network XML could not be read: ${(error as Error).message}`);
    }
    const network = node(parsed.network);
    const name = text(network?.name);
    if (!network || name === null) throw new NetworkXmlError("Network XML has no <network> with a <name>");
    const forward = "forward" in network ? node(network.forward) ?? {} : null;
    const ips = nodes(network.ip);
    const v4 = ips.find(ip => (attr(ip, "family") ?? "ipv4") === "ipv4" && attr(ip, "address") !== null);
    const v4Prefix = v4 ? ipPrefix(v4) : null;
    const range = v4 ? nodes(node(v4.dhcp)?.range)[0] : undefined;
    const rangeStart = attr(range, "start");
    const rangeEnd = attr(range, "end");
    return {
        name,
        uuid: text(network.uuid),
        forwardMode: forward ? attr(forward, "mode") ?? "nat" : "isolated",
        forwardDevice: forward ? attr(forward, "dev") : null,
        bridge: attr(network.bridge, "name"),
        ipv4: v4 && v4Prefix !== null
            ? { address: attr(v4, "address") ?? "", prefix: v4Prefix, dhcpRange: rangeStart && rangeEnd ? { start: rangeStart, end: rangeEnd } : null }
            : null,
        ipv6: ips.filter(ip => attr(ip, "family") === "ipv6")
            .map(ip => ({ address: attr(ip, "address") ?? "", prefix: Number(attr(ip, "prefix") ?? "64") })),
    };
}

export interface NewNetwork {
    name: string;
    mode: CreatableForwardMode;
    // Empty: libvirt picks the next free virbrN.
    bridge: string;
    // Checked beforehand with ipv4SettingsProblems.
    ipv4: Ipv4Settings;
}

// The <network> for Connect.NetworkDefineXML.
export function buildNetworkXml({ name, mode, bridge, ipv4 }: NewNetwork): string {
    const forward = mode === "isolated" ? "" : `<forward mode='${mode}'/>`;
    const bridgeXml = bridge.trim() === "" ? "" : `<bridge name='${xmlEscape(bridge.trim())}'/>`;
    const dhcp = ipv4.dhcp
        ? `<dhcp><range start='${xmlEscape(ipv4.dhcp.start.trim())}' end='${xmlEscape(ipv4.dhcp.end.trim())}'/></dhcp>`
        : "";
    return `<network><name>${xmlEscape(name)}</name>${forward}${bridgeXml}` +
        `<ip address='${xmlEscape(ipv4.address.trim())}' prefix='${Number(ipv4.prefix.trim())}'>${dhcp}</ip></network>`;
}

export type NetworkNameProblem = "empty" | "slash" | "taken" | "too-long" | "hash-after-space";
export type BridgeNameProblem = "too-long" | "characters";

// libvirt refuses "/" (the name becomes a file name) and a name used by another network. A "#" after
// white space is accepted by libvirt but ends the pid-file line of the network's dnsmasq configuration
// (a comment there): the network then never starts and leaves dnsmasq running (libvirt 9.0, measured).
export function networkNameProblem(name: string, taken: readonly string[]): NetworkNameProblem | null {
    if (name.trim() === "") return "empty";
    if (name.includes("/")) return "slash";
    if (/\s#/.test(name)) return "hash-after-space";
    if (taken.includes(name)) return "taken";
    if (name.length > 200) return "too-long";
    return null;
}

// Linux interface names: at most 15 bytes, no "/", ":" or whitespace (IFNAMSIZ and dev_valid_name).
export function bridgeNameProblem(bridge: string): BridgeNameProblem | null {
    const trimmed = bridge.trim();
    if (trimmed === "") return null;
    if (new TextEncoder().encode(trimmed).length > 15) return "too-long";
    if (!/^[A-Za-z0-9_.-]+$/.test(trimmed) || trimmed === "." || trimmed === "..") return "characters";
    return null;
}

export interface DhcpLease {
    // Seconds since the epoch when the lease expires.
    expiryTime: number;
    mac: string;
    address: string;
    prefix: number;
    hostname: string | null;
    clientId: string | null;
    family: "ipv4" | "ipv6";
}

// Network.GetDHCPLeases rows: (iface, expirytime, type, mac, iaid, ipaddr, prefix, hostname, clientid);
// libvirt-dbus gives "" for a missing string.
export function dhcpLeasesFromDbus(rows: readonly (readonly [string, number, number, string, string, string, number, string, string])[]): DhcpLease[] {
    return rows.map(([, expiry, type, mac, , address, prefix, hostname, clientId]): DhcpLease => ({
        expiryTime: expiry,
        mac,
        address,
        prefix,
        hostname: hostname === "" ? null : hostname,
        clientId: clientId === "" ? null : clientId,
        family: type === 1 ? "ipv6" : "ipv4",
    })).sort((a, b) => a.address.localeCompare(b.address, "en", { numeric: true }));
}
