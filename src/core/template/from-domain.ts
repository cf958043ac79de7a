// "Save as template": a template from a VM's domain XML. What the XML cannot say (a disk's size, where
// a copy of it went) comes from the host helper as DiskFacts; what a template cannot hold (a direct
// NIC, a network disk) is left out and listed, so the page can say so.
import { DEFAULT_DISK_LOCATION, DISK_BUSES, NIC_MODELS, type DiskBus, type TemplateDisk, type TemplateDocument, type TemplateNic } from "./template-document";
import { parseDomainXml, type DiskDescription } from "../domain-xml";
import { attr, libvirtXmlParser, node, nodes, type XmlNode } from "../xml-nodes";

// For each disk of the domain, by target: its size, or the base image made from it.
export type DiskFacts = Record<string, { sizeMiB: number } | { baseImage: string }>;

export interface TemplateFromDomain {
    template: TemplateDocument;
    // Targets of disks and MACs (or types) of interfaces that the template leaves out.
    leftOut: string[];
}

const parser = libvirtXmlParser({ trimValues: true, isArray: name => ["graphics", "serial", "console"].includes(name) });

function devicesOf(xml: string): { graphics: XmlNode[]; serial: XmlNode[]; osVariant: string | null } {
    const domain = node((parser.parse(xml) as XmlNode).domain) ?? {};
    const devices = node(domain.devices) ?? {};
    const metadata = node(domain.metadata) ?? {};
    // The prefix is the writer's choice (virt-install writes "libosinfo:"); the namespace is fixed.
    let osVariant: string | null = null;
    for (const [key, value] of Object.entries(metadata)) {
        if (key.endsWith("libosinfo")) {
            const os = Object.entries(node(value) ?? {}).find(([k]) => k.endsWith(":os") || k === "os")?.[1];
            osVariant = attr(os, "id");
        }
    }
    return { graphics: nodes(devices.graphics), serial: [...nodes(devices.serial), ...nodes(devices.console)], osVariant };
}

function dirname(path: string): string {
    const cut = path.lastIndexOf("/");
    return cut > 0 ? path.slice(0, cut) : DEFAULT_DISK_LOCATION;
}

function busOf(disk: DiskDescription): DiskBus {
    return (DISK_BUSES as readonly string[]).includes(disk.bus ?? "") ? disk.bus as DiskBus : "virtio";
}

function templateDisk(disk: DiskDescription, facts: DiskFacts): TemplateDisk | null {
    if (disk.sourceType !== "file") return null;
    if (disk.device === "cdrom") return disk.source ? { source: "cdrom", image: disk.source } : null;
    if (disk.device !== "disk" || !disk.source) return null;
    const fact = facts[disk.target];
    if (!fact) return null;
    const format = disk.format === "raw" ? "raw" : "qcow2";
    if ("baseImage" in fact) {
        return { source: "base-image", image: fact.baseImage, clone: "linked", format: "qcow2", location: dirname(disk.source), bus: busOf(disk) };
    }
    return { source: "new", sizeMiB: Math.max(1, fact.sizeMiB), format, location: dirname(disk.source), bus: busOf(disk) };
}

function modelOf(model: string | null): TemplateNic["model"] {
    return (NIC_MODELS as readonly string[]).includes(model ?? "") ? model as TemplateNic["model"] : "virtio";
}

export function templateFromDomain(xml: string, facts: DiskFacts, description: string): TemplateFromDomain {
    const domain = parseDomainXml(xml);
    const extra = devicesOf(xml);
    const leftOut: string[] = [];
    const disks: TemplateDisk[] = [];
    for (const disk of domain.disks) {
        const made = templateDisk(disk, facts);
        if (made) disks.push(made);
        else if (disk.device !== "cdrom" || disk.source) leftOut.push(disk.target);
    }
    const interfaces: TemplateNic[] = [];
    for (const nic of domain.interfaces) {
        const model = modelOf(nic.model);
        if (nic.type === "network" && nic.source) interfaces.push({ type: "network", network: nic.source, model });
        else if (nic.type === "bridge" && nic.source) interfaces.push({ type: "bridge", bridge: nic.source, model });
        else if (nic.type === "user") interfaces.push({ type: "user", model });
        else leftOut.push(nic.mac ?? nic.type);
    }
    const machine = domain.machine && /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(domain.machine) ? domain.machine : "q35";
    return {
        template: {
            version: 1,
            description,
            vcpus: Math.max(1, domain.vcpus ?? 1),
            memoryMiB: Math.max(16, Math.round((domain.memoryKiB ?? 1024 * 1024) / 1024)),
            firmware: domain.firmware,
            machine,
            osVariant: extra.osVariant,
            disks,
            interfaces,
            graphics: {
                vnc: extra.graphics.some(g => attr(g, "type") === "vnc"),
                serial: extra.serial.some(s => attr(s, "type") === "pty"),
            },
            autostart: false,
        },
        leftOut,
    };
}
