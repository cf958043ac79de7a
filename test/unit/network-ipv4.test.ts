import {
    formatIpv4, ipv4SettingsProblems, netmaskToPrefix, parseIpAddrJson, parseIpv4, subnetBounds, suggestIpv4Settings,
    type HostAddress, type Ipv4Settings, type OtherNetwork,
} from "../../src/core/network/ipv4";

const settings = (address: string, prefix: string, dhcp: [string, string] | null = null): Ipv4Settings =>
    ({ address, prefix, dhcp: dhcp ? { start: dhcp[0], end: dhcp[1] } : null });

describe("parseIpv4 / formatIpv4", () => {
    test("round-trips the extremes", () => {
        expect(parseIpv4("0.0.0.0")).toBe(0);
        expect(parseIpv4("255.255.255.255")).toBe(2 ** 32 - 1);
        expect(formatIpv4(2 ** 32 - 1)).toBe("255.255.255.255");
        expect(formatIpv4(parseIpv4("10.213.7.1") as number)).toBe("10.213.7.1");
    });

    test.each(["", "10.0.0", "10.0.0.0.1", "10.0.0.256", "10.0.0.-1", "010.0.0.1", "10.0.0.1a", "1e1.0.0.1", " . . . ", "10..0.1"])(
        "refuses %j", text => expect(parseIpv4(text)).toBeNull());
});

describe("subnetBounds / netmaskToPrefix", () => {
    test("/8, /24, /30 and /32", () => {
        const a = parseIpv4("10.213.7.77") as number;
        expect(subnetBounds(a, 8)).toEqual({ first: parseIpv4("10.0.0.0"), last: parseIpv4("10.255.255.255") });
        expect(subnetBounds(a, 24)).toEqual({ first: parseIpv4("10.213.7.0"), last: parseIpv4("10.213.7.255") });
        expect(subnetBounds(a, 30)).toEqual({ first: parseIpv4("10.213.7.76"), last: parseIpv4("10.213.7.79") });
        expect(subnetBounds(a, 32)).toEqual({ first: a, last: a });
        expect(subnetBounds(a, 0)).toEqual({ first: 0, last: 2 ** 32 - 1 });
    });

    test("netmasks with and without holes", () => {
        expect(netmaskToPrefix("255.255.255.0")).toBe(24);
        expect(netmaskToPrefix("255.0.0.0")).toBe(8);
        expect(netmaskToPrefix("255.255.255.255")).toBe(32);
        expect(netmaskToPrefix("0.0.0.0")).toBe(0);
        expect(netmaskToPrefix("255.0.255.0")).toBeNull();
        expect(netmaskToPrefix("nonsense")).toBeNull();
    });
});

describe("ipv4SettingsProblems", () => {
    test("a sound /24 with a DHCP range has no problem", () => {
        expect(ipv4SettingsProblems(settings("10.213.7.1", "24", ["10.213.7.100", "10.213.7.200"]), [], [])).toEqual([]);
    });

    test("a /8 is accepted, /32 and /31 are too small, /7 too wide, 33 and text are invalid", () => {
        expect(ipv4SettingsProblems(settings("10.0.0.1", "8", ["10.0.0.2", "10.255.255.254"]), [], [])).toEqual([]);
        expect(ipv4SettingsProblems(settings("10.213.7.1", "32"), [], [])).toEqual([{ field: "prefix", code: "too-long", min: 8, max: 30 }]);
        expect(ipv4SettingsProblems(settings("10.213.7.1", "31"), [], [])).toEqual([{ field: "prefix", code: "too-long", min: 8, max: 30 }]);
        expect(ipv4SettingsProblems(settings("10.213.7.1", "7"), [], [])).toEqual([{ field: "prefix", code: "too-short", min: 8, max: 30 }]);
        expect(ipv4SettingsProblems(settings("10.213.7.1", "33"), [], [])).toEqual([{ field: "prefix", code: "invalid" }]);
        expect(ipv4SettingsProblems(settings("10.213.7.1", "24x"), [], [])).toEqual([{ field: "prefix", code: "invalid" }]);
    });

    test("a /30 leaves exactly one address for DHCP", () => {
        expect(ipv4SettingsProblems(settings("10.213.7.1", "30", ["10.213.7.2", "10.213.7.2"]), [], [])).toEqual([]);
    });

    test("the host's address may not be the network or broadcast address", () => {
        expect(ipv4SettingsProblems(settings("10.213.7.0", "24"), [], []))
            .toEqual([{ field: "address", code: "network-address", subnet: "10.213.7.0/24" }]);
        expect(ipv4SettingsProblems(settings("10.213.7.255", "24"), [], []))
            .toEqual([{ field: "address", code: "broadcast-address", subnet: "10.213.7.0/24" }]);
    });

    test("a DHCP range outside the subnet, partly outside, reversed, or over the special addresses", () => {
        expect(ipv4SettingsProblems(settings("10.213.7.1", "24", ["10.213.8.10", "10.213.8.20"]), [], [])).toEqual([
            { field: "dhcp-start", code: "outside-subnet", subnet: "10.213.7.0/24" },
            { field: "dhcp-end", code: "outside-subnet", subnet: "10.213.7.0/24" },
        ]);
        expect(ipv4SettingsProblems(settings("10.213.7.1", "24", ["10.213.7.10", "10.213.8.20"]), [], []))
            .toEqual([{ field: "dhcp-end", code: "outside-subnet", subnet: "10.213.7.0/24" }]);
        expect(ipv4SettingsProblems(settings("10.213.7.1", "24", ["10.213.7.200", "10.213.7.100"]), [], []))
            .toEqual([{ field: "dhcp-end", code: "reversed" }]);
        expect(ipv4SettingsProblems(settings("10.213.7.1", "24", ["10.213.7.0", "10.213.7.255"]), [], [])).toEqual([
            { field: "dhcp-start", code: "network-address" },
            { field: "dhcp-end", code: "broadcast-address" },
        ]);
        expect(ipv4SettingsProblems(settings("10.213.7.50", "24", ["10.213.7.10", "10.213.7.100"]), [], []))
            .toEqual([{ field: "dhcp-start", code: "includes-gateway", gateway: "10.213.7.50" }]);
        expect(ipv4SettingsProblems(settings("10.213.7.1", "24", ["", "x"]), [], [])).toEqual([
            { field: "dhcp-start", code: "invalid" }, { field: "dhcp-end", code: "invalid" },
        ]);
    });

    const others: OtherNetwork[] = [{ name: "default", subnet: { address: "192.168.122.1", prefix: 24 } }];

    test("overlap with another network in either direction, touching is fine", () => {
        expect(ipv4SettingsProblems(settings("192.168.122.129", "25"), others, []))
            .toEqual([{ field: "address", code: "overlaps-network", network: "default", subnet: "192.168.122.0/24" }]);
        expect(ipv4SettingsProblems(settings("192.168.0.1", "16"), others, []))
            .toEqual([{ field: "address", code: "overlaps-network", network: "default", subnet: "192.168.122.0/24" }]);
        expect(ipv4SettingsProblems(settings("192.168.123.1", "24"), others, [])).toEqual([]);
        expect(ipv4SettingsProblems(settings("192.168.121.1", "24"), others, [])).toEqual([]);
    });

    const host: HostAddress[] = [
        { interface: "lo", address: "127.0.0.1", prefix: 8 },
        { interface: "eth0", address: "192.0.2.2", prefix: 24 },
        { interface: "tun0", address: "10.9.8.7", prefix: 32 },
        { interface: "virbr0", address: "192.168.122.1", prefix: 24 },
    ];

    test("overlap with a host address: its subnet, a /32 host route, and a network bridge reported once", () => {
        expect(ipv4SettingsProblems(settings("192.0.2.129", "25"), [], host))
            .toEqual([{ field: "address", code: "overlaps-host", interface: "eth0", subnet: "192.0.2.2/24" }]);
        expect(ipv4SettingsProblems(settings("10.0.0.1", "8"), [], host))
            .toEqual([{ field: "address", code: "overlaps-host", interface: "tun0", subnet: "10.9.8.7/32" }]);
        expect(ipv4SettingsProblems(settings("192.168.122.1", "24"), others, host, ["virbr0"]))
            .toEqual([{ field: "address", code: "overlaps-network", network: "default", subnet: "192.168.122.0/24" }]);
        expect(ipv4SettingsProblems(settings("10.213.7.1", "24"), others, host, ["virbr0"])).toEqual([]);
    });

    test("an invalid address stops before range and overlap checks", () => {
        expect(ipv4SettingsProblems(settings("10.213.7", "24", ["10.213.7.2", "10.213.7.3"]), others, host))
            .toEqual([{ field: "address", code: "invalid" }]);
    });
});

describe("suggestIpv4Settings", () => {
    test("skips taken /24s from 192.168.100.0", () => {
        const taken: OtherNetwork[] = [{ name: "a", subnet: { address: "192.168.100.1", prefix: 24 } }];
        const host: HostAddress[] = [{ interface: "eth1", address: "192.168.101.5", prefix: 24 }];
        expect(suggestIpv4Settings(taken, host)).toEqual(settings("192.168.102.1", "24", ["192.168.102.2", "192.168.102.254"]));
    });

    test("null when everything is taken", () => {
        expect(suggestIpv4Settings([{ name: "all", subnet: { address: "192.168.0.1", prefix: 16 } }], [])).toBeNull();
    });
});

describe("parseIpAddrJson", () => {
    test("reads IPv4 addresses of `ip -j addr` and skips IPv6 and junk", () => {
        const json = JSON.stringify([
            { ifindex: 1, ifname: "lo", addr_info: [{ family: "inet", local: "127.0.0.1", prefixlen: 8 }, { family: "inet6", local: "::1", prefixlen: 128 }] },
            { ifindex: 2, ifname: "eth0", addr_info: [{ family: "inet", local: "192.0.2.2", prefixlen: 24 }] },
            { ifindex: 3, ifname: "br0" },
            { ifname: 7, addr_info: [] },
            null,
            { ifname: "odd", addr_info: [{ family: "inet", local: "999.1.1.1", prefixlen: 24 }, "x"] },
        ]);
        expect(parseIpAddrJson(json)).toEqual([
            { interface: "lo", address: "127.0.0.1", prefix: 8 },
            { interface: "eth0", address: "192.0.2.2", prefix: 24 },
        ]);
    });

    test("not JSON, or not a list: nothing", () => {
        expect(parseIpAddrJson("Error: something")).toEqual([]);
        expect(parseIpAddrJson("{}")).toEqual([]);
    });
});
