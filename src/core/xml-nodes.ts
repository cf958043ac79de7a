// Reading libvirt's XML documents with fast-xml-parser: one set of parser settings (attributes as "@name",
// text as "#text", nothing converted) and the small accessors the readers of domain and snapshot XML share.
import { XMLParser, type X2jOptions } from "fast-xml-parser";

export type XmlNode = Record<string, unknown>;

export function libvirtXmlParser(options: Pick<X2jOptions, "isArray" | "stopNodes" | "trimValues" | "preserveOrder">): XMLParser {
    return new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: "@",
        textNodeName: "#text",
        parseTagValue: false,
        parseAttributeValue: false,
        ...options,
    });
}

export function node(value: unknown): XmlNode | null {
    return typeof value === "object" && value !== null && !Array.isArray(value) ? value as XmlNode : null;
}

export function nodes(value: unknown): XmlNode[] {
    return Array.isArray(value) ? value.map(node).filter((n): n is XmlNode => n !== null) : [];
}

export function attr(value: unknown, name: string): string | null {
    const a = node(value)?.[`@${name}`];
    return typeof a === "string" ? a : null;
}

export function text(value: unknown): string | null {
    if (typeof value === "string") return value;
    const t = node(value)?.["#text"];
    return typeof t === "string" ? t : null;
}

// Text for an attribute value or element content of XML this project builds for libvirt.
export function xmlEscape(value: string): string {
    return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
