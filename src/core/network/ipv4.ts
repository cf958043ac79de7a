// IPv4 arithmetic for virtual networks: addresses as unsigned 32-bit numbers, subnets as address plus
// prefix, and the checks a new network's settings must pass before libvirt sees them (the address and
// DHCP range inside the subnet, no overlap with another network or an address of the host). The checks
// return structured problems; the page words them.

export interface Ipv4Subnet {
    address: string;
    prefix: number;
}

// Strict dotted quad: four decimal octets 0-255 without leading zeros ("010" could mean octal to some tools).
export function parseIpv4(text: string): number | null {
    const parts = text.trim().split(".");
    if (parts.length !== 4) return null;
    let value = 0;
    for (const part of parts) {
        if (!/^(0|[1-9]\d{0,2})$/.test(part)) return null;
        const octet = Number(part);
        if (octet > 255) return null;
        value = value * 256 + octet;
    }
    return value;
}

export function formatIpv4(value: number): string {
    return [24, 16, 8, 0].map(shift => Math.floor(value / 2 ** shift) % 256).join(".");
}

// The first and last address of the subnet an address lies in (network and broadcast address).
export function subnetBounds(address: number, prefix: number): { first: number; last: number } {
    const size = 2 ** (32 - prefix);
    const first = Math.floor(address / size) * size;
    return { first, last: first + size - 1 };
}

// A dotted netmask (255.255.255.0) as a prefix length; null for a mask with holes.
export function netmaskToPrefix(netmask: string): number | null {
    const value = parseIpv4(netmask);
    if (value === null) return null;
    for (let prefix = 0; prefix <= 32; prefix++) {
        if (value === 2 ** 32 - 2 ** (32 - prefix)) return prefix;
    }
    return null;
}

function rangesOverlap(a: { first: number; last: number }, b: { first: number; last: number }): boolean {
    return a.first <= b.last && b.first <= a.last;
}

export interface Ipv4Settings {
    address: string;
    prefix: string;
    dhcp: { start: string; end: string } | null;
}

// Another virtual network's subnet, as its XML says.
export interface OtherNetwork {
    name: string;
    subnet: Ipv4Subnet;
}

// An address configured on the host (`ip -j addr`), with its interface.
export interface HostAddress {
    interface: string;
    address: string;
    prefix: number;
}

export type Ipv4Problem =
    | { field: "address"; code: "invalid" }
    | { field: "address"; code: "network-address" | "broadcast-address"; subnet: string }
    | { field: "prefix"; code: "invalid" }
    | { field: "prefix"; code: "too-short" | "too-long"; min: number; max: number }
    | { field: "dhcp-start" | "dhcp-end"; code: "invalid" }
    | { field: "dhcp-start" | "dhcp-end"; code: "outside-subnet"; subnet: string }
    | { field: "dhcp-start" | "dhcp-end"; code: "network-address" | "broadcast-address" }
    | { field: "dhcp-end"; code: "reversed" }
    | { field: "dhcp-start"; code: "includes-gateway"; gateway: string }
    | { field: "address"; code: "overlaps-network"; network: string; subnet: string }
    | { field: "address"; code: "overlaps-host"; interface: string; subnet: string };

// A /30 holds the host's address and one guest, the smallest useful network; /8 is the widest a
// dnsmasq-served network is sensibly given here.
export const MIN_PREFIX = 8;
export const MAX_PREFIX = 30;

function subnetText(first: number, prefix: number): string {
    return `${formatIpv4(first)}/${prefix}`;
}

function checkDhcpEnd(field: "dhcp-start" | "dhcp-end", value: number | null, bounds: { first: number; last: number }, subnet: string): Ipv4Problem | null {
    if (value === null) return { field, code: "invalid" };
    if (value < bounds.first || value > bounds.last) return { field, code: "outside-subnet", subnet };
    if (value === bounds.first) return { field, code: "network-address" };
    if (value === bounds.last) return { field, code: "broadcast-address" };
    return null;
}

// Every problem of the settings, at most one per field (the first that applies) plus every overlap.
// `others` excludes the network being created; `host` may include the bridges of existing networks,
// which `networkBridges` names so they are reported once, as networks.
export function ipv4SettingsProblems(settings: Ipv4Settings, others: readonly OtherNetwork[], host: readonly HostAddress[],
    networkBridges: readonly string[] = []): Ipv4Problem[] {
    const problems: Ipv4Problem[] = [];
    const address = parseIpv4(settings.address);
    const prefix = /^\d{1,2}$/.test(settings.prefix.trim()) ? Number(settings.prefix.trim()) : null;
    if (address === null) problems.push({ field: "address", code: "invalid" });
    if (prefix === null || prefix > 32) problems.push({ field: "prefix", code: "invalid" });
    else if (prefix < MIN_PREFIX) problems.push({ field: "prefix", code: "too-short", min: MIN_PREFIX, max: MAX_PREFIX });
    else if (prefix > MAX_PREFIX) problems.push({ field: "prefix", code: "too-long", min: MIN_PREFIX, max: MAX_PREFIX });
    if (address === null || problems.some(p => p.field === "prefix") || prefix === null) return problems;

    const bounds = subnetBounds(address, prefix);
    const subnet = subnetText(bounds.first, prefix);
    if (address === bounds.first) problems.push({ field: "address", code: "network-address", subnet });
    else if (address === bounds.last) problems.push({ field: "address", code: "broadcast-address", subnet });

    if (settings.dhcp) {
        const start = parseIpv4(settings.dhcp.start);
        const end = parseIpv4(settings.dhcp.end);
        const startProblem = checkDhcpEnd("dhcp-start", start, bounds, subnet);
        const endProblem = checkDhcpEnd("dhcp-end", end, bounds, subnet);
        if (startProblem) problems.push(startProblem);
        if (endProblem) problems.push(endProblem);
        if (!startProblem && !endProblem && start !== null && end !== null) {
            if (start > end) problems.push({ field: "dhcp-end", code: "reversed" });
            else if (address >= start && address <= end) problems.push({ field: "dhcp-start", code: "includes-gateway", gateway: formatIpv4(address) });
        }
    }

    for (const other of others) {
        const otherAddress = parseIpv4(other.subnet.address);
        if (otherAddress === null) continue;
        const otherBounds = subnetBounds(otherAddress, other.subnet.prefix);
        if (rangesOverlap(bounds, otherBounds)) {
            problems.push({ field: "address", code: "overlaps-network", network: other.name, subnet: subnetText(otherBounds.first, other.subnet.prefix) });
        }
    }
    for (const entry of host) {
        if (networkBridges.includes(entry.interface)) continue;
        const hostAddress = parseIpv4(entry.address);
        if (hostAddress === null) continue;
        // A host address inside the new subnet, or the new subnet inside the host's: either way the
        // host would route the guests' traffic to the wrong side.
        if (rangesOverlap(bounds, subnetBounds(hostAddress, entry.prefix))) {
            problems.push({ field: "address", code: "overlaps-host", interface: entry.interface, subnet: `${entry.address}/${entry.prefix}` });
        }
    }
    return problems;
}

// The first free /24 from 192.168.100.0 on, with .1 as the host's address and .2-.254 for DHCP: the
// create dialog's starting point. null when all of 192.168.100-254 are taken.
export function suggestIpv4Settings(others: readonly OtherNetwork[], host: readonly HostAddress[], networkBridges: readonly string[] = []): Ipv4Settings | null {
    for (let third = 100; third <= 254; third++) {
        const settings: Ipv4Settings = {
            address: `192.168.${third}.1`, prefix: "24", dhcp: { start: `192.168.${third}.2`, end: `192.168.${third}.254` },
        };
        if (ipv4SettingsProblems(settings, others, host, networkBridges).length === 0) return settings;
    }
    return null;
}

// `ip -j addr` output -> the host's IPv4 addresses. Anything unexpected in the JSON is skipped.
export function parseIpAddrJson(json: string): HostAddress[] {
    let parsed: unknown;
    try {
        parsed = JSON.parse(json);
    } catch {
        return [];
    }
    if (!Array.isArray(parsed)) return [];
    const result: HostAddress[] = [];
    for (const link of parsed as unknown[]) {
        if (typeof link !== "object" || link === null) continue;
        const { ifname, addr_info: info } = link as { ifname?: unknown; addr_info?: unknown };
        if (typeof ifname !== "string" || !Array.isArray(info)) continue;
        for (const entry of info as unknown[]) {
            if (typeof entry !== "object" || entry === null) continue;
            const { family, local, prefixlen } = entry as { family?: unknown; local?: unknown; prefixlen?: unknown };
            if (family === "inet" && typeof local === "string" && typeof prefixlen === "number" && parseIpv4(local) !== null) {
                result.push({ interface: ifname, address: local, prefix: prefixlen });
            }
        }
    }
    return result;
}
