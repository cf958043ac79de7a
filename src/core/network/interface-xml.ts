// A VM's network interfaces as device XML for Domain.AttachDevice / DetachDevice / UpdateDevice: a new
// interface built from the dialog's fields, an existing one taken out of the domain XML (libvirt finds
// the device to detach or update by its MAC and address, so everything it had is kept), and the MAC
// address rules. Unit-tested by parsing the results back.
import { XMLBuilder } from "fast-xml-parser";
import { attr, libvirtXmlParser, node, nodes, xmlEscape, type XmlNode } from "../xml-nodes";

export type InterfaceSourceType = "network" | "bridge";

// The models QEMU's pc and q35 machines offer for an interface, most capable first.
export const NIC_MODELS = ["virtio", "e1000e", "e1000", "rtl8139"] as const;

export interface NewInterface {
    sourceType: InterfaceSourceType;
    source: string;
    model: string;
    // Empty: libvirt generates one (52:54:00:...), the same for the live and the saved definition.
    mac: string;
}

export function buildInterfaceXml({ sourceType, source, model, mac }: NewInterface): string {
    const macXml = mac.trim() === "" ? "" : `<mac address='${xmlEscape(normaliseMac(mac) ?? mac.trim())}'/>`;
    return `<interface type='${sourceType}'>${macXml}<source ${sourceType}='${xmlEscape(source)}'/>` +
        `<model type='${xmlEscape(model)}'/></interface>`;
}

// "52-54-00-AB-CD-EF" or "52:54:00:ab:cd:ef" -> "52:54:00:ab:cd:ef"; null when it is no MAC address.
export function normaliseMac(text: string): string | null {
    const trimmed = text.trim();
    if (!/^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\1[0-9A-Fa-f]{2}){4}$/.test(trimmed)) return null;
    return trimmed.replace(/-/g, ":").toLowerCase();
}

export type MacProblem =
    | { code: "invalid" }
    | { code: "multicast" }
    | { code: "zero" }
    | { code: "in-use"; vm: string };

// The MACs of every VM's interfaces, with the VM's name.
export interface MacInUse {
    mac: string;
    vm: string;
}

export function macProblem(text: string, inUse: readonly MacInUse[]): MacProblem | null {
    if (text.trim() === "") return null;
    const mac = normaliseMac(text);
    if (mac === null) return { code: "invalid" };
    // The least significant bit of the first octet marks group (multicast and broadcast) addresses.
    if (parseInt(mac.slice(0, 2), 16) % 2 === 1) return { code: "multicast" };
    if (mac === "00:00:00:00:00:00") return { code: "zero" };
    const user = inUse.find(entry => normaliseMac(entry.mac) === mac);
    return user ? { code: "in-use", vm: user.vm } : null;
}

const parser = libvirtXmlParser({ trimValues: true, isArray: name => name === "interface" });
const builder = new XMLBuilder({
    ignoreAttributes: false, attributeNamePrefix: "@", textNodeName: "#text", suppressEmptyNode: true,
});

function interfaceNodes(domainXml: string): XmlNode[] {
    const domain = node((parser.parse(domainXml) as XmlNode).domain);
    return nodes(node(domain?.devices)?.interface);
}

// The <interface> with this MAC, as XML, from a domain's live or saved definition; null when it has none.
export function interfaceXmlByMac(domainXml: string, mac: string): string | null {
    const wanted = normaliseMac(mac);
    const found = interfaceNodes(domainXml).find(nic => normaliseMac(attr(nic.mac, "address") ?? "") === wanted);
    return found ? builder.build({ interface: found }) as string : null;
}

export type InterfaceChange =
    | { kind: "source"; sourceType: InterfaceSourceType; source: string }
    | { kind: "link"; up: boolean };

// The same interface with a new source or link state, for UpdateDevice. A live <source> carries what
// libvirt filled in (the network's bridge, a port id): a new source starts clean.
export function changedInterfaceXml(interfaceXml: string, change: InterfaceChange): string {
    const nic = nodes((parser.parse(interfaceXml) as XmlNode).interface)[0];
    if (!nic) throw new Error("No <interface> element to change");
    const changed: XmlNode = { ...nic };
    if (change.kind === "source") {
        changed["@type"] = change.sourceType;
        changed.source = { [`@${change.sourceType}`]: change.source };
    } else {
        changed.link = { "@state": change.up ? "up" : "down" };
    }
    return builder.build({ interface: changed }) as string;
}
