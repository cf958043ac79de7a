// Cloning a shut-off VM: which disks are copied and where to, and the new domain XML (new name, no UUID and
// no MAC addresses, so libvirt makes new ones, the copied disks' paths and the clone's own UEFI variables
// file). The file work itself runs on the host (helpers/commands/kvm-manager-clone.ts); this is the pure
// part both sides agree on.
import { XMLBuilder } from "fast-xml-parser";
import type { DomainDescription } from "./domain-xml";
import { diskFileStem } from "./vm-name";
import { libvirtXmlParser } from "./xml-nodes";

export type CloneMode = "full" | "linked";

export interface DiskCopy {
    target: string;
    from: string;
    to: string;
    /** The original's format (qcow2, raw, ...): a full copy keeps it; a linked clone is a qcow2 on top of it. */
    format: string;
}

/** A disk that stops any clone: it cannot be copied as a file, and two VMs must not write to one disk. */
export interface CloneBlocker {
    target: string;
    sourceType: string;
}

export interface ClonePlan {
    copies: DiskCopy[];
    blockers: CloneBlocker[];
    /** Linked clones need qcow2 originals: an overlay on anything else is slower and confusing to keep. */
    linkedPossible: boolean;
}

const EXTENSIONS: Record<string, string> = { qcow2: "qcow2", raw: "img" };

function directoryOf(path: string): string {
    return path.slice(0, path.lastIndexOf("/") + 1) || "/";
}

/** A new suggestion "NAME-clone", "NAME-clone-2", ... not taken yet. */
export function defaultCloneName(name: string, existing: readonly string[]): string {
    const taken = new Set(existing);
    const base = `${name}-clone`;
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

export function planClone(domain: DomainDescription, newName: string, mode: CloneMode = "full"): ClonePlan {
    const copies: DiskCopy[] = [];
    const blockers: CloneBlocker[] = [];
    for (const disk of domain.disks) {
        // CD-ROMs, floppies and read-only images are shared with the original, as they are between VMs.
        if (disk.device !== "disk" || disk.readOnly || disk.source === null) continue;
        if (disk.sourceType !== "file") {
            blockers.push({ target: disk.target, sourceType: disk.sourceType });
            continue;
        }
        const format = disk.format ?? "raw";
        const extension = mode === "linked" ? "qcow2" : EXTENSIONS[format] ?? format;
        copies.push({
            target: disk.target,
            from: disk.source,
            to: `${directoryOf(disk.source)}${diskFileStem(newName)}-${disk.target}.${extension}`,
            format,
        });
    }
    return { copies, blockers, linkedPossible: copies.length > 0 && copies.every(copy => copy.format === "qcow2") };
}

// The XML is rewritten in document order, so everything libvirt wrote that this code does not know about
// (devices, features, metadata of other tools) reaches the clone unchanged.
const parser = libvirtXmlParser({ preserveOrder: true, trimValues: false });
// The parser's settings (src/core/xml-nodes.ts), written back.
const builder = new XMLBuilder({
    preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: "@", textNodeName: "#text", suppressEmptyNode: true,
});

type OrderedNode = Record<string, unknown> & { ":@"?: Record<string, string> };

function tagOf(entry: OrderedNode): string | null {
    return Object.keys(entry).find(key => key !== ":@" && key !== "#text") ?? null;
}

function childrenOf(entry: OrderedNode): OrderedNode[] {
    const tag = tagOf(entry);
    return tag === null ? [] : entry[tag] as OrderedNode[];
}

function find(entries: OrderedNode[], tag: string): OrderedNode | undefined {
    return entries.find(entry => tagOf(entry) === tag);
}

function withoutTags(entries: OrderedNode[], tags: readonly string[]): OrderedNode[] {
    return entries.filter(entry => !tags.includes(tagOf(entry) ?? ""));
}

function element(tag: string, attributes: Record<string, string>, children: OrderedNode[] = []): OrderedNode {
    return { [tag]: children, ":@": Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`@${k}`, v])) };
}

export class CloneXmlError extends Error {}

// Where libvirt keeps a UEFI VM's variables file when its definition names none (libvirt 9.0 with
// <os firmware='efi'> writes NAME_VARS.fd there at the first start).
export const LIBVIRT_NVRAM_DIR = "/var/lib/libvirt/qemu/nvram";

/** The clone's UEFI variables file: a copy of the original's, so its boot entries come along. */
export interface NvramCopy {
    from: string;
    to: string;
    format: string;
}

function parseDomain(xml: string): { document: OrderedNode[]; domain: OrderedNode } {
    let document: OrderedNode[];
    try {
        document = parser.parse(xml) as OrderedNode[];
    } catch (error) {
        throw new CloneXmlError(`Domain XML could not be read: ${(error as Error).message}`);
    }
    const domain = find(document, "domain");
    if (!domain) throw new CloneXmlError("Domain XML has no <domain> element");
    return { document, domain };
}

function textOf(entry: OrderedNode): string {
    return childrenOf(entry).map(child => (typeof child["#text"] === "string" ? child["#text"] : "")).join("").trim();
}

/**
 * The copy of the original's variables file for a UEFI VM, null for BIOS. Its own file, never the
 * original's: two VMs writing one file would overwrite each other's boot entries. The original's file
 * may not exist yet (never started): the host then lets libvirt make a fresh one at `to`.
 */
export function planNvramCopy(xml: string, originalName: string, newName: string): NvramCopy | null {
    const os = find(childrenOf(parseDomain(xml).domain), "os");
    if (!os) return null;
    const loader = find(childrenOf(os), "loader");
    if (os[":@"]?.["@firmware"] !== "efi" && loader?.[":@"]?.["@type"] !== "pflash") return null;
    const nvram = find(childrenOf(os), "nvram");
    const from = (nvram && textOf(nvram)) || `${LIBVIRT_NVRAM_DIR}/${originalName}_VARS.fd`;
    return { from, to: `${directoryOf(from)}${newName}_VARS.fd`, format: nvram?.[":@"]?.["@format"] ?? "raw" };
}

function rewriteDisk(disk: OrderedNode, copies: readonly DiskCopy[], mode: CloneMode): OrderedNode {
    const children = childrenOf(disk);
    const target = find(children, "target")?.[":@"]?.["@dev"];
    const copy = copies.find(c => c.target === target);
    if (!copy) return disk;
    const original = find(children, "backingStore");
    const rewritten = withoutTags(children, ["backingStore"]).map(child => {
        const tag = tagOf(child);
        if (tag === "source") return { ...child, ":@": { ...child[":@"], "@file": copy.to } };
        if (tag === "driver") return { ...child, ":@": { ...child[":@"], "@type": mode === "linked" ? "qcow2" : copy.format } };
        return child;
    });
    if (mode === "linked") {
        // The original becomes the clone's backing file; written out, so the list of which VMs use a file
        // (one stats call) sees the original's disk in use by the clone even while both are shut off.
        const chain = original ? [original] : [element("backingStore", {})];
        rewritten.push(element("backingStore", { type: "file" },
            [element("format", { type: copy.format }), element("source", { file: copy.from }), ...chain]));
    }
    return { ...disk, disk: rewritten };
}

/** The clone's domain XML, from the original's inactive XML. */
export function cloneDomainXml(xml: string, { name, copies, mode, nvram = null }: {
    name: string; copies: readonly DiskCopy[]; mode: CloneMode; nvram?: NvramCopy | null;
}): string {
    const { document, domain } = parseDomain(xml);
    const rewritten = withoutTags(childrenOf(domain), ["uuid"]).map(child => {
        switch (tagOf(child)) {
        case "name": return { name: [{ "#text": name }] };
        // The original's UEFI variables file is its own; the clone's is the copy.
        case "os": return {
            ...child,
            os: [...withoutTags(childrenOf(child), ["nvram"]),
                ...(nvram ? [element("nvram", nvram.format === "raw" ? {} : { format: nvram.format }, [{ "#text": nvram.to }])] : [])],
        };
        case "devices": return {
            ...child,
            devices: childrenOf(child).map(device => {
                switch (tagOf(device)) {
                case "disk": return rewriteDisk(device, copies, mode);
                // No MAC (libvirt generates one) and no host-side device name of the original.
                case "interface": return { ...device, interface: withoutTags(childrenOf(device), ["mac", "target"]) };
                default: return device;
                }
            }),
        };
        default: return child;
        }
    });
    return builder.build(document.map(entry => entry === domain ? { ...domain, domain: rewritten } : entry)) as string;
}
