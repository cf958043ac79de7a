// Reads the parts of a libvirt domain XML that the details page shows. fast-xml-parser is pure JS, so the
// same code runs in the page and in helpers and is unit-tested on real `virsh dumpxml` output.
import { attr, libvirtXmlParser, node, nodes, text, type XmlNode } from "./xml-nodes";

export interface DiskDescription {
    device: string; // disk, cdrom, floppy, lun
    target: string;
    bus: string | null;
    sourceType: string; // file, block, volume, network, dir
    // Path for file/block/dir, "pool/volume" for volume, "protocol:name" for network; null for an empty drive.
    source: string | null;
    format: string | null;
    readOnly: boolean;
}

export interface InterfaceDescription {
    type: string; // network, bridge, user, direct, ...
    source: string | null; // network name, bridge name or host device
    mac: string | null;
    model: string | null;
    target: string | null; // host-side device (vnet0) while running
    linkUp: boolean; // <link state='down'/> unplugs the virtual cable; no <link> means up
}

export interface DomainDescription {
    name: string;
    uuid: string | null;
    title: string | null;
    description: string | null;
    hypervisor: string; // kvm, qemu
    osType: string | null;
    arch: string | null;
    machine: string | null;
    firmware: "uefi" | "bios";
    bootOrder: string[];
    vcpus: number | null;
    currentVcpus: number | null;
    cpuMode: string | null;
    cpuModel: string | null;
    memoryKiB: number | null;
    currentMemoryKiB: number | null;
    disks: DiskDescription[];
    interfaces: InterfaceDescription[];
}


const ARRAY_TAGS = new Set(["disk", "interface", "boot"]);

const parser = libvirtXmlParser({ trimValues: true, isArray: name => ARRAY_TAGS.has(name) });

const KIB_FACTORS: Record<string, number> = {
    b: 1 / 1024, bytes: 1 / 1024,
    k: 1, kib: 1, kb: 1000 / 1024,
    m: 1024, mib: 1024, mb: 1e6 / 1024,
    g: 1024 ** 2, gib: 1024 ** 2, gb: 1e9 / 1024,
    t: 1024 ** 3, tib: 1024 ** 3, tb: 1e12 / 1024,
};

export function toKiB(amount: string | null, unit: string | null): number | null {
    if (amount === null || amount.trim() === "" || Number.isNaN(Number(amount))) return null;
    const factor = KIB_FACTORS[(unit ?? "KiB").toLowerCase()];
    return factor === undefined ? null : Math.round(Number(amount) * factor);
}

function memory(value: unknown): number | null {
    return toKiB(text(value), attr(value, "unit"));
}

function int(value: string | null): number | null {
    return value === null || value.trim() === "" || Number.isNaN(Number(value)) ? null : Number(value);
}

function diskSource(disk: XmlNode, sourceType: string): string | null {
    const source = node(disk.source);
    if (!source) return null;
    switch (sourceType) {
    case "file": return attr(source, "file");
    case "block": return attr(source, "dev");
    case "dir": return attr(source, "dir");
    case "volume": {
        const pool = attr(source, "pool");
        const volume = attr(source, "volume");
        return pool && volume ? `${pool}/${volume}` : volume;
    }
    case "network": {
        const protocol = attr(source, "protocol");
        const name = attr(source, "name");
        return protocol ? `${protocol}:${name ?? ""}` : name;
    }
    default: return attr(source, "file") ?? attr(source, "dev");
    }
}

function describeDisk(disk: XmlNode): DiskDescription {
    const sourceType = attr(disk, "type") ?? "file";
    return {
        device: attr(disk, "device") ?? "disk",
        target: attr(disk.target, "dev") ?? "",
        bus: attr(disk.target, "bus"),
        sourceType,
        source: diskSource(disk, sourceType),
        format: attr(disk.driver, "type"),
        readOnly: "readonly" in disk,
    };
}

function describeInterface(nic: XmlNode): InterfaceDescription {
    const type = attr(nic, "type") ?? "unknown";
    const source = node(nic.source);
    return {
        type,
        source: source ? attr(source, "network") ?? attr(source, "bridge") ?? attr(source, "dev") : null,
        mac: attr(nic.mac, "address"),
        model: attr(nic.model, "type"),
        target: attr(nic.target, "dev"),
        linkUp: attr(nic.link, "state") !== "down",
    };
}

// <os><boot dev=.../> lists device classes; per-device <boot order=N/> names devices. libvirt allows one style.
function bootOrder(os: XmlNode | null, disks: XmlNode[], nics: XmlNode[]): string[] {
    const classes = nodes(os?.boot).map(b => attr(b, "dev")).filter((d): d is string => d !== null);
    if (classes.length > 0) return classes;
    const ordered: { order: number; label: string }[] = [];
    for (const disk of disks) {
        const order = int(attr(nodes(disk.boot)[0], "order"));
        if (order !== null) ordered.push({ order, label: attr(disk.target, "dev") ?? "disk" });
    }
    for (const nic of nics) {
        const order = int(attr(nodes(nic.boot)[0], "order"));
        if (order !== null) ordered.push({ order, label: attr(nic.mac, "address") ?? "network" });
    }
    return ordered.sort((a, b) => a.order - b.order).map(o => o.label);
}

export class DomainXmlError extends Error {}

export function parseDomainXml(xml: string): DomainDescription {
    let parsed: XmlNode;
    try {
        parsed = parser.parse(xml) as XmlNode;
    } catch (error) {
        throw new DomainXmlError(`Domain XML could not be read: ${(error as Error).message}`);
    }
    const domain = node(parsed.domain);
    if (!domain) throw new DomainXmlError("Domain XML has no <domain> element");
    const os = node(domain.os);
    const devices = node(domain.devices) ?? {};
    const disks = nodes(devices.disk);
    const nics = nodes(devices.interface);
    const loader = node(os?.loader);
    const cpu = node(domain.cpu);
    const vcpuNode = domain.vcpu;

    return {
        name: text(domain.name) ?? "",
        uuid: text(domain.uuid),
        title: text(domain.title),
        description: text(domain.description),
        hypervisor: attr(domain, "type") ?? "unknown",
        osType: text(os?.type),
        arch: attr(os?.type, "arch"),
        machine: attr(os?.type, "machine"),
        firmware: attr(os, "firmware") === "efi" || attr(loader, "type") === "pflash" ? "uefi" : "bios",
        bootOrder: bootOrder(os, disks, nics),
        vcpus: int(text(vcpuNode)),
        currentVcpus: int(attr(vcpuNode, "current")) ?? int(text(vcpuNode)),
        cpuMode: attr(cpu, "mode"),
        cpuModel: text(cpu?.model),
        memoryKiB: memory(domain.memory),
        currentMemoryKiB: memory(domain.currentMemory) ?? memory(domain.memory),
        disks: disks.map(describeDisk),
        interfaces: nics.map(describeInterface),
    };
}
