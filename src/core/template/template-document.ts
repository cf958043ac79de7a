// A VM template as stored in /etc/kvm-manager/templates/NAME.json (the name is the file's): what a new
// VM gets. The same VM description (VmSpec) is what "Create VM" sends to the host helper, whether it
// came from a template, with overrides, or was filled in from scratch.
import { z } from "zod";
import type { DocumentKind } from "../config/documents";
import { hasControlCharacter } from "../config/documents";

export const DEFAULT_DISK_LOCATION = "/var/lib/libvirt/images";
export const MEMORY_MIB_MIN = 16;
export const MEMORY_MIB_MAX = 16 * 1024 * 1024;
export const VCPUS_MAX = 1024;
export const DISK_MIB_MAX = 64 * 1024 * 1024;

// An absolute path without "." or ".." segments or doubled slashes, so what the file shows is where
// the disk goes; no control characters (they would hide part of the path on the page).
const absolutePath = z.string().min(2).max(4096).refine(path => path.startsWith("/") && !path.endsWith("/") &&
    path.slice(1).split("/").every(seg => seg !== "" && seg !== "." && seg !== "..") && !hasControlCharacter(path), {
    message: "an absolute path without \".\" or \"..\" parts, doubled or trailing slashes, or control characters",
});

// libvirt's network, bridge and machine type names: plain words, no spaces.
const word = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/, "letters, digits, \".\", \"_\", \":\" and \"-\", at most 64");

export const DISK_BUSES = ["virtio", "sata", "scsi"] as const;
export const NIC_MODELS = ["virtio", "e1000e", "e1000", "rtl8139"] as const;
export type DiskBus = (typeof DISK_BUSES)[number];

const bus = z.enum(DISK_BUSES);

const disk = z.discriminatedUnion("source", [
    // A new empty disk.
    z.object({
        source: z.literal("new"),
        sizeMiB: z.number().int().min(1).max(DISK_MIB_MAX),
        format: z.enum(["qcow2", "raw"]),
        location: absolutePath,
        bus,
    }).strict(),
    // A new disk from a base image: a qcow2 overlay with the image as its backing file (linked: quick,
    // the image must stay), or a full copy in the format given.
    z.object({
        source: z.literal("base-image"),
        image: absolutePath,
        clone: z.enum(["linked", "copy"]),
        format: z.enum(["qcow2", "raw"]),
        location: absolutePath,
        bus,
    }).strict().refine(d => d.clone === "copy" || d.format === "qcow2", {
        message: "a linked clone is a qcow2 overlay", path: ["format"],
    }),
    // An existing image used as it is (never copied, never removed).
    z.object({ source: z.literal("existing"), image: absolutePath, bus }).strict(),
    // An installation ISO in a CD-ROM drive.
    z.object({ source: z.literal("cdrom"), image: absolutePath }).strict(),
]);

const nicModel = z.enum(NIC_MODELS);

const nic = z.discriminatedUnion("type", [
    z.object({ type: z.literal("network"), network: word, model: nicModel }).strict(),
    z.object({ type: z.literal("bridge"), bridge: word, model: nicModel }).strict(),
    // QEMU's user-mode network: needs nothing on the host.
    z.object({ type: z.literal("user"), model: nicModel }).strict(),
]);

export const vmSpecShape = {
    vcpus: z.number().int().min(1).max(VCPUS_MAX),
    memoryMiB: z.number().int().min(MEMORY_MIB_MIN).max(MEMORY_MIB_MAX),
    firmware: z.enum(["bios", "uefi"]),
    machine: word,
    // The libosinfo id (e.g. http://debian.org/debian/12), null where not known.
    osVariant: z.string().min(1).max(200).refine(id => !hasControlCharacter(id) && !/\s/.test(id), {
        message: "an id without spaces or control characters",
    }).nullable(),
    disks: z.array(disk).max(16),
    interfaces: z.array(nic).max(8),
    graphics: z.object({ vnc: z.boolean(), serial: z.boolean() }).strict(),
    autostart: z.boolean(),
};

export const vmSpecSchema = z.object(vmSpecShape).strict();

export const templateDocumentSchema = z.object({
    version: z.literal(1),
    description: z.string().max(2000),
    ...vmSpecShape,
}).strict();

export type TemplateDocument = z.infer<typeof templateDocumentSchema>;
export type VmSpec = z.infer<typeof vmSpecSchema>;
export type TemplateDisk = VmSpec["disks"][number];
export type TemplateNic = VmSpec["interfaces"][number];

export const TEMPLATE_KIND: DocumentKind<TemplateDocument> = {
    directory: "templates",
    version: 1,
    schema: templateDocumentSchema,
    migrations: {},
};

export function specOfTemplate(template: TemplateDocument): VmSpec {
    return vmSpecSchema.parse(Object.fromEntries(Object.entries(template).filter(([key]) => key !== "version" && key !== "description")));
}

// A sensible start for a new template or a VM from scratch.
export function defaultSpec(): VmSpec {
    return {
        vcpus: 1,
        memoryMiB: 1024,
        firmware: "bios",
        machine: "q35",
        osVariant: null,
        disks: [{ source: "new", sizeMiB: 10 * 1024, format: "qcow2", location: DEFAULT_DISK_LOCATION, bus: "virtio" }],
        interfaces: [{ type: "network", network: "default", model: "virtio" }],
        graphics: { vnc: true, serial: true },
        autostart: false,
    };
}
