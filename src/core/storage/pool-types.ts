// Which pool types this host can create: libvirt's own answer (`virsh pool-capabilities`) and the host
// tools each type runs. libvirt reports a type as supported when its driver was built with it, even where
// the tools it calls (lvm2's vgs, mount.nfs, parted, iscsiadm) are not installed: the dialog greys such a
// type and names what is missing, instead of letting libvirt fail at start.
import { CREATABLE_POOL_TYPES, type CreatablePoolType } from "./pool-xml";
import { attr, libvirtXmlParser, node, nodes, text } from "../xml-nodes";

export interface PoolTypeCapability {
    type: string;
    supported: boolean;
    volumeFormats: string[];
    defaultVolumeFormat: string | null;
}

const parser = libvirtXmlParser({ trimValues: true, isArray: name => name === "pool" || name === "enum" || name === "value" });

export function parsePoolCapabilities(xml: string): PoolTypeCapability[] {
    const root = node((parser.parse(xml) as Record<string, unknown>).storagepoolCapabilities);
    return nodes(root?.pool).map(pool => {
        const volOptions = node(pool.volOptions);
        const formats = nodes(volOptions?.enum).find(e => attr(e, "name") === "targetFormatType");
        return {
            type: attr(pool, "type") ?? "",
            supported: attr(pool, "supported") === "yes",
            volumeFormats: (Array.isArray(formats?.value) ? formats.value : []).map(v => text(v)).filter((v): v is string => v !== null),
            defaultVolumeFormat: attr(volOptions?.defaultFormat, "type"),
        };
    });
}

// The programs libvirt runs for a type, and the Debian package that has them. A type needs all of them.
export const POOL_TYPE_TOOLS: Record<CreatablePoolType, { tools: readonly string[]; package: string | null }> = {
    dir: { tools: [], package: null },
    fs: { tools: ["mount", "umount"], package: "mount" },
    netfs: { tools: ["mount.nfs"], package: "nfs-common" },
    logical: { tools: ["vgs", "vgchange", "lvcreate"], package: "lvm2" },
    disk: { tools: ["parted"], package: "parted" },
    iscsi: { tools: ["iscsiadm"], package: "open-iscsi" },
};

export const ALL_POOL_TOOLS: readonly string[] = [...new Set(Object.values(POOL_TYPE_TOOLS).flatMap(t => t.tools))];

export type PoolTypeAvailability =
    | { type: CreatablePoolType; available: true }
    | { type: CreatablePoolType; available: false; reason: "unsupported" }
    | { type: CreatablePoolType; available: false; reason: "missing-tools"; missing: string[]; package: string | null };

// capabilities null: libvirt could not be asked (an older virsh); the tools decide alone then.
export function poolTypeAvailability(capabilities: readonly PoolTypeCapability[] | null,
    installedTools: ReadonlySet<string>): PoolTypeAvailability[] {
    return CREATABLE_POOL_TYPES.map(type => {
        if (capabilities && !capabilities.some(c => c.type === type && c.supported)) {
            return { type, available: false, reason: "unsupported" };
        }
        const { tools, package: pkg } = POOL_TYPE_TOOLS[type];
        const missing = tools.filter(tool => !installedTools.has(tool));
        return missing.length > 0
            ? { type, available: false, reason: "missing-tools", missing, package: pkg }
            : { type, available: true };
    });
}

// Volume formats the create-volume dialog offers for a pool type: the usual ones libvirt lists for it.
// Empty for pools of block devices (logical, disk, iscsi): their volumes have no file format to choose.
const OFFERED_FORMATS = ["qcow2", "raw", "vmdk", "vdi", "vpc"];
const FILE_POOL_TYPES = new Set(["dir", "fs", "netfs"]);

export function volumeFormatsFor(capabilities: readonly PoolTypeCapability[] | null, poolType: string): string[] {
    if (!FILE_POOL_TYPES.has(poolType)) return [];
    const listed = capabilities?.find(c => c.type === poolType)?.volumeFormats;
    // Without libvirt's list, the two formats every file pool takes.
    if (!listed || listed.length === 0) return ["qcow2", "raw"];
    return OFFERED_FORMATS.filter(f => listed.includes(f));
}
