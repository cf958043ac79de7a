// What the pool and volume readers share: one parser setting, the root element or a clear error, and
// libvirt's byte figures.
import { attr, libvirtXmlParser, node, text, type XmlNode } from "../xml-nodes";

const parser = libvirtXmlParser({ trimValues: true });

export class StorageXmlError extends Error {}

// `what` names the document in the error ("Storage pool", "Storage volume").
export function storageRoot(xml: string, root: string, what: string): XmlNode {
    let parsed: XmlNode;
    try {
        parsed = parser.parse(xml) as XmlNode;
    } catch (error) {
        throw new StorageXmlError(`${what} XML could not be read: ${(error as Error).message}`);
    }
    const element = node(parsed[root]);
    if (!element) throw new StorageXmlError(`${what} XML has no <${root}> element`);
    return element;
}

// <capacity unit='bytes'>N</capacity>; older libvirt wrote no unit, which also means bytes.
export function bytes(value: unknown): number | null {
    const amount = text(value);
    if (amount === null || amount === "" || Number.isNaN(Number(amount))) return null;
    const unit = (attr(value, "unit") ?? "bytes").toLowerCase();
    return unit === "bytes" || unit === "b" ? Number(amount) : null;
}
