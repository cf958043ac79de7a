// Storage volume XML: reading a volume (`virsh vol-dumpxml`) and building a new one for
// StoragePool.StorageVolCreateXML.
import { attr, node, text, xmlEscape } from "../xml-nodes";
import { bytes, storageRoot } from "./storage-xml";

export interface VolumeDescription {
    name: string;
    type: string; // file, block, dir, network, ...
    key: string | null;
    path: string | null;
    format: string | null;
    capacity: number | null;
    allocation: number | null;
}

export function parseVolumeXml(xml: string): VolumeDescription {
    const volume = storageRoot(xml, "volume", "Storage volume");
    const target = node(volume.target);
    return {
        name: text(volume.name) ?? "",
        type: attr(volume, "type") ?? "file",
        key: text(volume.key),
        path: text(target?.path),
        format: attr(target?.format, "type"),
        capacity: bytes(volume.capacity),
        allocation: bytes(volume.allocation),
    };
}

export type VolumeNameProblem = "empty" | "slash" | "taken";

export function volumeNameProblem(name: string, taken: readonly string[]): VolumeNameProblem | null {
    if (name.trim() === "") return "empty";
    // A volume name becomes a file name in the pool's directory.
    if (name.includes("/")) return "slash";
    if (taken.includes(name)) return "taken";
    return null;
}

// format null: a pool of block devices, whose volumes take none.
export function buildVolumeXml({ name, capacityBytes, format }: { name: string; capacityBytes: number; format: string | null }): string {
    const formatXml = format === null ? "" : `<target><format type="${xmlEscape(format)}"/></target>`;
    // allocation 0: thin (sparse) where the format allows, so a large new volume costs no space up front.
    return `<volume><name>${xmlEscape(name)}</name><capacity unit="bytes">${Math.round(capacityBytes)}</capacity>` +
        `<allocation unit="bytes">0</allocation>${formatXml}</volume>`;
}

// A size typed in the dialog with its unit, in bytes; null when it is not a positive number.
export function sizeInBytes(amount: string, unit: "MiB" | "GiB" | "TiB"): number | null {
    const value = Number(amount.trim().replace(",", "."));
    if (amount.trim() === "" || !Number.isFinite(value) || value <= 0) return null;
    const factor = unit === "MiB" ? 1024 ** 2 : unit === "GiB" ? 1024 ** 3 : 1024 ** 4;
    return Math.round(value * factor);
}
