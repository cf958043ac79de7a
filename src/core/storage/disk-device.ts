// A VM's disk devices as the Disks card changes them: the <disk> XML for Domain.AttachDevice, the exact
// element of an existing disk for DetachDevice and UpdateDevice (a CD/DVD's medium), the next free target
// name on a bus, and which changes a running VM takes at once (hot-plug) and which only at its next boot.
import { XMLBuilder } from "fast-xml-parser";
import type { DomainState } from "../domain-state";
import { isActive } from "../domain-state";
import { AFFECT_CONFIG, AFFECT_LIVE } from "../domain-modify-flags";
import { attr, libvirtXmlParser, node, nodes, xmlEscape, type XmlNode } from "../xml-nodes";

export type DiskBus = "virtio" | "scsi" | "sata" | "usb";
export const DISK_BUSES: readonly DiskBus[] = ["virtio", "scsi", "sata", "usb"];

// QEMU adds and removes devices on these buses while the guest runs; SATA and IDE drives are fixed.
const HOTPLUG_BUSES = new Set<string>(["virtio", "scsi", "usb"]);

export function busAllowsHotplug(bus: string | null): boolean {
    return bus !== null && HOTPLUG_BUSES.has(bus);
}

const TARGET_PREFIX: Record<string, string> = { virtio: "vd", scsi: "sd", sata: "sd", usb: "sd", ide: "hd" };

function targetSuffix(index: number): string {
    let suffix = "";
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) suffix = String.fromCharCode(97 + ((n - 1) % 26)) + suffix;
    return suffix;
}

// The first target name on the bus's prefix that no disk uses: vda, vdb, ... vdz, vdaa. `used` must hold
// the targets of both the running and the persistent definition, which differ after a next-boot change.
export function nextDiskTarget(bus: string, used: Iterable<string>): string {
    const prefix = TARGET_PREFIX[bus] ?? "sd";
    const taken = new Set(used);
    for (let i = 0; ; i++) {
        const target = `${prefix}${targetSuffix(i)}`;
        if (!taken.has(target)) return target;
    }
}

export { AFFECT_CONFIG, AFFECT_LIVE };

export type DeviceChangeTiming = "now" | "next-boot";

// Where an attach goes: a running VM gets a hot-pluggable disk now and in its definition; otherwise the
// definition only, and the running guest sees the disk after its next boot.
export function attachPlan(state: DomainState, bus: string): { flags: number; timing: DeviceChangeTiming } {
    return isActive(state) && busAllowsHotplug(bus)
        ? { flags: AFFECT_LIVE | AFFECT_CONFIG, timing: "now" }
        : { flags: AFFECT_CONFIG, timing: isActive(state) ? "next-boot" : "now" };
}

// Removing a disk: from the running guest where it is attached there and its bus allows it, from the
// definition where it is defined. A disk that stays in the running guest until shutdown says so.
export function detachPlan({ state, bus, inLive, inConfig }: { state: DomainState; bus: string | null; inLive: boolean; inConfig: boolean }):
    { flags: number; timing: DeviceChangeTiming } {
    const live = isActive(state) && inLive && busAllowsHotplug(bus);
    const flags = (live ? AFFECT_LIVE : 0) | (inConfig ? AFFECT_CONFIG : 0);
    return { flags, timing: isActive(state) && inLive && !live ? "next-boot" : "now" };
}

// A CD/DVD medium changes in the running guest and in the definition alike.
export function mediumChangeFlags(state: DomainState): number {
    return isActive(state) ? AFFECT_LIVE | AFFECT_CONFIG : AFFECT_CONFIG;
}

// Volumes of file pools (dir, fs, netfs) are files; those of logical, disk and iSCSI pools are block devices.
export function diskSourceType(poolType: string | null): "file" | "block" {
    return poolType === null || poolType === "dir" || poolType === "fs" || poolType === "netfs" ? "file" : "block";
}

export interface NewDisk {
    device: "disk" | "cdrom";
    sourceType: "file" | "block";
    // null: an empty CD/DVD drive.
    path: string | null;
    format: string;
    target: string;
    bus: DiskBus;
}

export function buildDiskXml(disk: NewDisk): string {
    const sourceAttr = disk.sourceType === "block" ? "dev" : "file";
    const source = disk.path === null ? "" : `<source ${sourceAttr}="${xmlEscape(disk.path)}"/>`;
    return `<disk type="${disk.sourceType}" device="${disk.device}"><driver name="qemu" type="${xmlEscape(disk.format)}"/>` +
        `${source}<target dev="${xmlEscape(disk.target)}" bus="${disk.bus}"/>${disk.device === "cdrom" ? "<readonly/>" : ""}</disk>`;
}

const parser = libvirtXmlParser({ trimValues: true, isArray: name => name === "disk" });
const builder = new XMLBuilder({
    ignoreAttributes: false, attributeNamePrefix: "@", textNodeName: "#text", suppressEmptyNode: true,
});

export class DiskNotFoundError extends Error {}

function findDisk(domainXml: string, target: string): XmlNode {
    const domain = node((parser.parse(domainXml) as XmlNode).domain);
    const disk = nodes(node(domain?.devices)?.disk).find(d => attr(d.target, "dev") === target);
    if (!disk) throw new DiskNotFoundError(`The virtual machine has no disk ${target}`);
    return disk;
}

// The disk's own element from the domain XML, as DetachDevice wants it: libvirt matches on the target,
// and every other field is the device's own, so nothing is changed by accident.
export function diskElementXml(domainXml: string, target: string): string {
    return builder.build({ disk: findDisk(domainXml, target) }) as string;
}

// The CD/DVD drive's element with a new medium (an image file) or none (eject), for UpdateDevice. Only
// the source changes: libvirt refuses an update that touches anything else of the drive.
export function mediumChangeXml(domainXml: string, target: string, isoPath: string | null): string {
    const disk = { ...findDisk(domainXml, target) };
    if (attr(disk, "device") !== "cdrom") throw new DiskNotFoundError(`Disk ${target} is not a CD/DVD drive`);
    delete disk.source;
    delete disk.backingStore;
    if (isoPath !== null) {
        disk["@type"] = "file";
        disk.source = { "@file": isoPath };
        disk.driver = { ...(node(disk.driver) ?? { "@name": "qemu" }), "@type": "raw" };
    }
    return builder.build({ disk }) as string;
}
