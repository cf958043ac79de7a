// The libvirt domain XML of a new VM, from its VmSpec and the files its disks got on the host. Built as
// a tree and serialised by fast-xml-parser's builder, so a name with quotes, "<" or "&" is escaped by the
// serialiser, never by hand.
import { XMLBuilder } from "fast-xml-parser";
import type { TemplateDisk, VmSpec } from "./template-document";

export const LIBOSINFO_NAMESPACE = "http://libosinfo.org/xmlns/libvirt/domain/1.0";

export type VirtType = "kvm" | "qemu";

// A disk as the domain sees it: the file made or named for spec.disks[i], and its format.
export interface DiskFile {
    path: string;
    format: string;
}

export interface DomainBuild {
    name: string;
    uuid: string;
    virtType: VirtType;
    spec: VmSpec;
    // One per spec.disks entry, same order.
    diskFiles: DiskFile[];
}

type Element = Record<string, unknown>;

const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: "@",
    textNodeName: "#text",
    format: true,
    indentBy: "  ",
    suppressEmptyNode: true,
});

// vda, vdb, ... vdz, vdaa: libvirt's own naming of targets.
function targetName(prefix: string, index: number): string {
    let suffix = "";
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) suffix = String.fromCharCode(97 + ((n - 1) % 26)) + suffix;
    return prefix + suffix;
}

function busOf(disk: TemplateDisk): "virtio" | "sata" | "scsi" {
    return disk.source === "cdrom" ? "sata" : disk.bus;
}

function diskElements(spec: VmSpec, files: DiskFile[]): Element[] {
    if (files.length !== spec.disks.length) throw new Error(`${spec.disks.length} disks but ${files.length} files`);
    const used: Record<string, number> = {};
    return spec.disks.map((disk, i) => {
        const bus = busOf(disk);
        const prefix = bus === "virtio" ? "vd" : "sd";
        const index = used[prefix] ?? 0;
        used[prefix] = index + 1;
        const cdrom = disk.source === "cdrom";
        const element: Element = {
            "@type": "file",
            "@device": cdrom ? "cdrom" : "disk",
            driver: { "@name": "qemu", "@type": files[i].format },
            source: { "@file": files[i].path },
            target: { "@dev": targetName(prefix, index), "@bus": bus },
        };
        if (cdrom) element.readonly = "";
        return element;
    });
}

function interfaceElements(spec: VmSpec): Element[] {
    return spec.interfaces.map(nic => {
        const model = { "@type": nic.model };
        switch (nic.type) {
        case "network": return { "@type": "network", source: { "@network": nic.network }, model };
        case "bridge": return { "@type": "bridge", source: { "@bridge": nic.bridge }, model };
        case "user": return { "@type": "user", model };
        }
    });
}

export function buildDomainXml({ name, uuid, virtType, spec, diskFiles }: DomainBuild): string {
    const hasCdrom = spec.disks.some(d => d.source === "cdrom");
    const hasDisk = spec.disks.some(d => d.source !== "cdrom");
    const boot = [...(hasCdrom ? [{ "@dev": "cdrom" }] : []), ...(hasDisk || !hasCdrom ? [{ "@dev": "hd" }] : [])];
    // libvirt picks the OVMF build and makes the VM's own variables file (nvram) from the firmware
    // descriptors. Without a wish it prefers a secure-boot build, which needs System Management Mode:
    // KVM inside another VM (this project's test hosts) has none, and QEMU exits with "System Management
    // Mode not supported by this hypervisor" on q35. Plain UEFI runs on q35 and i440fx everywhere.
    const uefi = spec.firmware === "uefi";
    const os: Element = {
        ...(uefi ? { "@firmware": "efi" } : {}),
        type: { "@arch": "x86_64", "@machine": spec.machine, "#text": "hvm" },
        ...(uefi ? { firmware: { feature: { "@enabled": "no", "@name": "secure-boot" } } } : {}),
        boot,
    };
    const devices: Element = {
        disk: diskElements(spec, diskFiles),
        interface: interfaceElements(spec),
    };
    if (spec.graphics.serial) {
        devices.serial = { "@type": "pty" };
        devices.console = { "@type": "pty", target: { "@type": "serial" } };
    }
    if (spec.graphics.vnc) devices.graphics = { "@type": "vnc", "@port": "-1", "@autoport": "yes", listen: { "@type": "address", "@address": "127.0.0.1" } };
    const domain: Element = {
        "@type": virtType,
        name,
        uuid,
        ...(spec.osVariant === null ? {} : {
            metadata: {
                "libosinfo:libosinfo": { "@xmlns:libosinfo": LIBOSINFO_NAMESPACE, "libosinfo:os": { "@id": spec.osVariant } },
            },
        }),
        memory: { "@unit": "MiB", "#text": String(spec.memoryMiB) },
        currentMemory: { "@unit": "MiB", "#text": String(spec.memoryMiB) },
        vcpu: { "@placement": "static", "#text": String(spec.vcpus) },
        os,
        features: { acpi: "", apic: "" },
        clock: { "@offset": "utc" },
        on_poweroff: "destroy",
        on_reboot: "restart",
        on_crash: "destroy",
        devices,
    };
    return builder.build({ domain }) as string;
}
