// The VM as a backup sees it, through virsh (addressed by UUID: a name such as "7" would be read as an
// ID, one starting with "--" as an option).
import { parseDomainXml, type DiskDescription } from "../../../src/core/domain-xml";
import { runVirsh } from "../virsh";

export interface VmRef {
    name: string;
    uuid: string;
}

export async function findVm(uri: string, name: string): Promise<VmRef | null> {
    const out = await runVirsh(uri, ["list", "--all", "--uuid", "--name"]);
    for (const line of out.split("\n")) {
        // "UUID NAME": a UUID is 36 characters; a name may hold spaces but no newline.
        if (line.length > 37 && line.slice(37) === name) return { uuid: line.slice(0, 36), name };
    }
    return null;
}

export async function vmState(uri: string, vm: VmRef): Promise<string> {
    return (await runVirsh(uri, ["domstate", "--domain", vm.uuid])).trim();
}

// The persistent definition: what a restore defines again.
export async function definitionXml(uri: string, vm: VmRef): Promise<string> {
    return runVirsh(uri, ["dumpxml", "--inactive", "--domain", vm.uuid]);
}

// The disks a backup copies: writable disks with a source. CD-ROMs, floppies, read-only and empty
// drives are left out (they are installation media, not the VM's data).
export function backupDisks(xml: string): { all: DiskDescription[]; copied: DiskDescription[] } {
    const all = parseDomainXml(xml).disks;
    return { all, copied: all.filter(d => d.device === "disk" && !d.readOnly && d.source !== null) };
}

export async function libvirtVersion(uri: string): Promise<string> {
    const out = await runVirsh(uri, ["version"]);
    return /Running hypervisor:.*?([\d.]+)|Using library: libvirt ([\d.]+)/.exec(out)?.slice(1).find(Boolean) ?? "unknown";
}
