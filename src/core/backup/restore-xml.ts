// The domain XML a restore defines, made from the XML saved in a backup. Pure, so it is unit-tested on
// real `virsh dumpxml` output.
//
// - Over the same VM: the saved definition, with every backed-up disk pointing at its restored image in
//   the format it was restored to and without its <backingStore> (a restored disk is one flat image).
// - As a new VM: the same, plus the new name, no <uuid> and no MAC addresses (libvirt then makes new
//   ones, so the copy can run next to the original), and no per-VM NVRAM path (libvirt makes a fresh
//   variable store from the template for the new name).
//
// The document is edited as a tree read with preserveOrder, so everything this code does not touch is
// written back in its order; only attribute quotes and insignificant formatting may differ.
import { XMLBuilder, XMLParser } from "fast-xml-parser";

type OrderedNode = Record<string, unknown>;

const OPTIONS = {
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    preserveOrder: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: false,
    commentPropName: "#comment",
} as const;

export interface RestoredDisk {
    // The device name the disk had (vda), its new image, and that image's format.
    target: string;
    path: string;
    format: string;
}

export interface RestoreXmlOptions {
    disks: RestoredDisk[];
    // Set for a restore as a new VM.
    newName?: string;
}

export class RestoreXmlError extends Error {}

function tagOf(n: OrderedNode): string | null {
    return Object.keys(n).find(k => k !== ":@") ?? null;
}

function childrenOf(n: OrderedNode): OrderedNode[] {
    const tag = tagOf(n);
    const value = tag === null ? null : n[tag];
    return Array.isArray(value) ? value as OrderedNode[] : [];
}

function setChildren(n: OrderedNode, children: OrderedNode[]): void {
    const tag = tagOf(n);
    if (tag !== null) n[tag] = children;
}

function attrsOf(n: OrderedNode): Record<string, string> {
    const a = n[":@"];
    if (typeof a !== "object" || a === null) {
        const created: Record<string, string> = {};
        n[":@"] = created;
        return created;
    }
    return a as Record<string, string>;
}

function child(n: OrderedNode, tag: string): OrderedNode | undefined {
    return childrenOf(n).find(c => tagOf(c) === tag);
}

export function restoreDomainXml(savedXml: string, options: RestoreXmlOptions): string {
    let tree: OrderedNode[];
    try {
        tree = new XMLParser(OPTIONS).parse(savedXml) as OrderedNode[];
    } catch (error) {
        throw new RestoreXmlError(`the saved domain XML cannot be read: ${(error as Error).message}`);
    }
    const domain = tree.find(n => tagOf(n) === "domain");
    if (!domain) throw new RestoreXmlError("the saved domain XML has no <domain> element");
    const devices = child(domain, "devices");
    const byTarget = new Map(options.disks.map(d => [d.target, d]));
    const found = new Set<string>();

    for (const disk of devices ? childrenOf(devices).filter(c => tagOf(c) === "disk") : []) {
        const target = child(disk, "target");
        const dev = target ? attrsOf(target)["@dev"] : undefined;
        const restored = dev === undefined ? undefined : byTarget.get(dev);
        if (!restored) continue;
        found.add(restored.target);
        attrsOf(disk)["@type"] = "file";
        const kept = childrenOf(disk).filter(c => !["backingStore", "source"].includes(tagOf(c) ?? ""));
        const driver = kept.find(c => tagOf(c) === "driver");
        if (driver) attrsOf(driver)["@type"] = restored.format;
        const source: OrderedNode = { source: [], ":@": { "@file": restored.path } };
        // <source> right after <driver> (or first), where libvirt writes it.
        const at = driver ? kept.indexOf(driver) + 1 : 0;
        kept.splice(at, 0, source);
        setChildren(disk, kept);
    }
    const missing = options.disks.filter(d => !found.has(d.target)).map(d => d.target);
    if (missing.length > 0) throw new RestoreXmlError(`the saved domain XML has no disk ${missing.join(", ")}`);

    if (options.newName !== undefined) {
        const name = child(domain, "name");
        if (!name) throw new RestoreXmlError("the saved domain XML has no <name>");
        setChildren(name, [{ "#text": options.newName }]);
        setChildren(domain, childrenOf(domain).filter(c => tagOf(c) !== "uuid"));
        for (const nic of devices ? childrenOf(devices).filter(c => tagOf(c) === "interface") : []) {
            setChildren(nic, childrenOf(nic).filter(c => tagOf(c) !== "mac"));
        }
        const os = child(domain, "os");
        if (os) setChildren(os, childrenOf(os).filter(c => tagOf(c) !== "nvram"));
    }
    return new XMLBuilder({ ...OPTIONS, suppressEmptyNode: true }).build(tree) as string;
}
