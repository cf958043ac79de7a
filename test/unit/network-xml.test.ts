import { attachedVms } from "../../src/core/network/attachments";
import {
    bridgeNameProblem, buildNetworkXml, dhcpLeasesFromDbus, networkNameProblem, NetworkXmlError, parseNetworkXml,
} from "../../src/core/network/network-xml";
import { parseDomainXml } from "../../src/core/domain-xml";

// `virsh net-dumpxml default` on Debian 12 (libvirt 9.0).
const DEFAULT_XML = `<network>
  <name>default</name>
  <uuid>4c1d3f6e-8a4e-4a57-9a6c-4a3d9c2b1a00</uuid>
  <forward mode='nat'>
    <nat>
      <port start='1024' end='65535'/>
    </nat>
  </forward>
  <bridge name='virbr0' stp='on' delay='0'/>
  <mac address='52:54:00:12:34:56'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
    </dhcp>
  </ip>
</network>`;

describe("parseNetworkXml", () => {
    test("reads libvirt's default NAT network, netmask turned into a prefix", () => {
        expect(parseNetworkXml(DEFAULT_XML)).toEqual({
            name: "default",
            uuid: "4c1d3f6e-8a4e-4a57-9a6c-4a3d9c2b1a00",
            forwardMode: "nat",
            forwardDevice: null,
            bridge: "virbr0",
            ipv4: { address: "192.168.122.1", prefix: 24, dhcpRange: { start: "192.168.122.2", end: "192.168.122.254" } },
            ipv6: [],
        });
    });

    test("no <forward> is isolated; <forward/> without mode is NAT; IPv6 blocks are listed apart", () => {
        const isolated = parseNetworkXml(`<network><name>iso &amp; "q"</name><bridge name='virbr9'/>
            <ip family='ipv6' address='fd00::1' prefix='64'/><ip address='10.213.1.1' prefix='24'/></network>`);
        expect(isolated).toMatchObject({
            name: 'iso & "q"', forwardMode: "isolated", ipv4: { address: "10.213.1.1", prefix: 24, dhcpRange: null },
            ipv6: [{ address: "fd00::1", prefix: 64 }],
        });
        expect(parseNetworkXml("<network><name>n</name><forward dev='eth0'/></network>"))
            .toMatchObject({ forwardMode: "nat", forwardDevice: "eth0", ipv4: null, bridge: null });
        expect(parseNetworkXml("<network><name>b</name><forward mode='bridge'/><bridge name='br0'/></network>"))
            .toMatchObject({ forwardMode: "bridge", bridge: "br0" });
    });

    test("broken or foreign XML is an error", () => {
        expect(() => parseNetworkXml("not XML at all")).toThrow(NetworkXmlError);
        expect(() => parseNetworkXml("<domain><name>x</name></domain>")).toThrow(NetworkXmlError);
        expect(() => parseNetworkXml("<network/>")).toThrow(NetworkXmlError);
    });
});

describe("buildNetworkXml", () => {
    test("each mode parses back to what was asked, names escaped", () => {
        for (const mode of ["nat", "isolated", "route", "open"] as const) {
            const xml = buildNetworkXml({
                name: `n <'&"> $(id) #?% \u200F`, mode, bridge: " virbr-kvmmt1 ",
                ipv4: { address: "10.213.7.1", prefix: "24", dhcp: { start: "10.213.7.100", end: "10.213.7.200" } },
            });
            expect(parseNetworkXml(xml)).toEqual({
                name: `n <'&"> $(id) #?% \u200F`, uuid: null, forwardMode: mode, forwardDevice: null, bridge: "virbr-kvmmt1",
                ipv4: { address: "10.213.7.1", prefix: 24, dhcpRange: { start: "10.213.7.100", end: "10.213.7.200" } }, ipv6: [],
            });
        }
    });

    test("without bridge name and DHCP", () => {
        const xml = buildNetworkXml({ name: "n", mode: "isolated", bridge: "", ipv4: { address: "10.213.7.1", prefix: "30", dhcp: null } });
        expect(xml).toBe("<network><name>n</name><ip address='10.213.7.1' prefix='30'></ip></network>");
    });
});

describe("network and bridge names", () => {
    test("network names", () => {
        expect(networkNameProblem("", [])).toBe("empty");
        expect(networkNameProblem("  ", [])).toBe("empty");
        expect(networkNameProblem("a/b", [])).toBe("slash");
        expect(networkNameProblem("default", ["default"])).toBe("taken");
        expect(networkNameProblem("x".repeat(201), [])).toBe("too-long");
        expect(networkNameProblem("lab #1", [])).toBe("hash-after-space");
        expect(networkNameProblem("lab\t#1", [])).toBe("hash-after-space");
        expect(networkNameProblem(`lab "ü" $(id)-#?%`, ["default"])).toBeNull();
        expect(networkNameProblem("#lab", [])).toBeNull();
    });

    test("bridge names: 15 bytes, interface-name characters, empty lets libvirt choose", () => {
        expect(bridgeNameProblem("")).toBeNull();
        expect(bridgeNameProblem("virbr-kvmmt1")).toBeNull();
        expect(bridgeNameProblem("x".repeat(15))).toBeNull();
        expect(bridgeNameProblem("x".repeat(16))).toBe("too-long");
        expect(bridgeNameProblem("üüüüüüüü")).toBe("too-long");
        expect(bridgeNameProblem("br 0")).toBe("characters");
        expect(bridgeNameProblem("br:0")).toBe("characters");
        expect(bridgeNameProblem("..")).toBe("characters");
    });
});

describe("dhcpLeasesFromDbus", () => {
    test("maps libvirt-dbus rows, empty strings as missing, sorted by address numerically", () => {
        expect(dhcpLeasesFromDbus([
            ["virbr1", 1764180000, 0, "52:54:00:aa:bb:cc", "", "10.213.7.110", 24, "", "01:52:54:00:aa:bb:cc"],
            ["virbr1", 1764180001, 0, "52:54:00:aa:bb:cd", "", "10.213.7.12", 24, "guest", ""],
        ])).toEqual([
            { expiryTime: 1764180001, mac: "52:54:00:aa:bb:cd", address: "10.213.7.12", prefix: 24, hostname: "guest", clientId: null, family: "ipv4" },
            { expiryTime: 1764180000, mac: "52:54:00:aa:bb:cc", address: "10.213.7.110", prefix: 24, hostname: null, clientId: "01:52:54:00:aa:bb:cc", family: "ipv4" },
        ]);
    });
});

describe("attachedVms", () => {
    const domain = (name: string, active: boolean, nics: string) =>
        ({ name, active, interfaces: parseDomainXml(`<domain type='kvm'><name>${name}</name><devices>${nics}</devices></domain>`).interfaces });

    test("network and bridge interfaces count, each VM once, sorted; unused networks have an empty list", () => {
        const domains = [
            domain("web", true, "<interface type='network'><source network='lab' portid='x' bridge='virbr7'/></interface>" +
                "<interface type='network'><source network='lab'/></interface>"),
            domain("db", false, "<interface type='bridge'><source bridge='virbr7'/></interface>"),
            domain("other", true, "<interface type='user'/><interface type='network'><source network='default'/></interface>"),
        ];
        const result = attachedVms([{ name: "lab", bridge: "virbr7" }, { name: "empty", bridge: null }], domains);
        expect(result.get("lab")).toEqual([{ name: "db", active: false }, { name: "web", active: true }]);
        expect(result.get("empty")).toEqual([]);
        expect(result.has("default")).toBe(false);
    });
});
