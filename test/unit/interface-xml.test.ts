import { parseDomainXml } from "../../src/core/domain-xml";
import {
    buildInterfaceXml, changedInterfaceXml, interfaceXmlByMac, macProblem, normaliseMac,
} from "../../src/core/network/interface-xml";

const wrap = (devices: string) => `<domain type='kvm'><name>vm</name><devices>${devices}</devices></domain>`;

// A running VM's live <interface> as `virsh dumpxml` prints it (libvirt 9.0).
const LIVE = wrap(`
    <disk type='file' device='disk'><source file='/a.qcow2'/><target dev='vda'/></disk>
    <interface type='network'>
      <mac address='52:54:00:46:d5:9d'/>
      <source network='lab &amp; co' portid='0a4c1c2f-1111-2222-3333-444455556666' bridge='virbr-kvmmt1'/>
      <target dev='vnet3'/>
      <model type='virtio'/>
      <alias name='net0'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x03' function='0x0'/>
    </interface>
    <interface type='user'>
      <mac address='52:54:00:00:00:02'/>
      <model type='e1000'/>
      <link state='down'/>
    </interface>`);

describe("buildInterfaceXml", () => {
    test("network and bridge interfaces parse back with source, model, MAC and link up", () => {
        const network = parseDomainXml(wrap(buildInterfaceXml({ sourceType: "network", source: `n "ü" <&> $(x)`, model: "virtio", mac: "52-54-00-AB-CD-EF" })));
        expect(network.interfaces).toEqual([
            { type: "network", source: `n "ü" <&> $(x)`, mac: "52:54:00:ab:cd:ef", model: "virtio", target: null, linkUp: true },
        ]);
        const bridge = parseDomainXml(wrap(buildInterfaceXml({ sourceType: "bridge", source: "br0", model: "e1000e", mac: "" })));
        expect(bridge.interfaces).toEqual([{ type: "bridge", source: "br0", mac: null, model: "e1000e", target: null, linkUp: true }]);
    });
});

describe("MAC addresses", () => {
    test("normaliseMac", () => {
        expect(normaliseMac(" 52:54:00:AB:cd:EF ")).toBe("52:54:00:ab:cd:ef");
        expect(normaliseMac("52-54-00-ab-cd-ef")).toBe("52:54:00:ab:cd:ef");
        expect(normaliseMac("52:54-00:ab:cd:ef")).toBeNull();
        expect(normaliseMac("52:54:00:ab:cd")).toBeNull();
        expect(normaliseMac("525400abcdef")).toBeNull();
        expect(normaliseMac("52:54:00:ab:cd:eg")).toBeNull();
    });

    const inUse = [{ mac: "52:54:00:46:D5:9D", vm: "web \u200F" }];

    test("empty is fine (libvirt picks one); malformed, multicast, broadcast, zero and used ones are refused", () => {
        expect(macProblem("", inUse)).toBeNull();
        expect(macProblem("52:54:00:12:34:56", inUse)).toBeNull();
        expect(macProblem("nonsense", inUse)).toEqual({ code: "invalid" });
        expect(macProblem("01:00:5e:00:00:01", inUse)).toEqual({ code: "multicast" });
        expect(macProblem("ff:ff:ff:ff:ff:ff", inUse)).toEqual({ code: "multicast" });
        expect(macProblem("53:54:00:12:34:56", inUse)).toEqual({ code: "multicast" });
        expect(macProblem("00:00:00:00:00:00", inUse)).toEqual({ code: "zero" });
        expect(macProblem("52-54-00-46-d5-9d", inUse)).toEqual({ code: "in-use", vm: "web \u200F" });
    });
});

describe("interfaceXmlByMac / changedInterfaceXml", () => {
    test("takes out the whole interface, whatever the MAC's case", () => {
        const xml = interfaceXmlByMac(LIVE, "52:54:00:46:D5:9D") as string;
        expect(parseDomainXml(wrap(xml)).interfaces).toEqual([
            { type: "network", source: "lab & co", mac: "52:54:00:46:d5:9d", model: "virtio", target: "vnet3", linkUp: true },
        ]);
        expect(xml).toContain("slot=\"0x03\"");
        expect(xml).toContain("<alias name=\"net0\"");
        expect(interfaceXmlByMac(LIVE, "52:54:00:00:00:99")).toBeNull();
        expect(interfaceXmlByMac(wrap(""), "52:54:00:00:00:99")).toBeNull();
    });

    test("a new source starts clean (no port id or bridge of the old network); the rest stays", () => {
        const xml = interfaceXmlByMac(LIVE, "52:54:00:46:d5:9d") as string;
        const toBridge = changedInterfaceXml(xml, { kind: "source", sourceType: "bridge", source: "br'0" });
        expect(parseDomainXml(wrap(toBridge)).interfaces[0]).toEqual(
            { type: "bridge", source: "br'0", mac: "52:54:00:46:d5:9d", model: "virtio", target: "vnet3", linkUp: true });
        expect(toBridge).not.toContain("portid");
        expect(toBridge).toContain("slot=\"0x03\"");
        const toNetwork = changedInterfaceXml(xml, { kind: "source", sourceType: "network", source: "other" });
        expect(toNetwork).toContain("<source network=\"other\"");
        expect(toNetwork).not.toContain("virbr-kvmmt1");
    });

    test("link down and up again", () => {
        const down = changedInterfaceXml(interfaceXmlByMac(LIVE, "52:54:00:46:d5:9d") as string, { kind: "link", up: false });
        expect(parseDomainXml(wrap(down)).interfaces[0].linkUp).toBe(false);
        const up = changedInterfaceXml(interfaceXmlByMac(LIVE, "52:54:00:00:00:02") as string, { kind: "link", up: true });
        expect(parseDomainXml(wrap(up)).interfaces[0]).toMatchObject({ type: "user", linkUp: true, model: "e1000" });
    });

    test("no interface to change is an error", () => {
        expect(() => changedInterfaceXml("<disk/>", { kind: "link", up: true })).toThrow("No <interface>");
    });
});
