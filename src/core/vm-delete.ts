// Which of a VM's disks a deletion may remove with it. A disk file another VM uses (as its own disk, a
// CD-ROM image or the backing file of a linked clone) is never removable, and the dialog names that VM;
// a CD-ROM or read-only image is offered but left unchecked (an installer ISO is usually shared by intent).
import type { DomainDescription } from "./domain-xml";

export type DiskRemovalChoice =
    /** Offered and checked: a writable disk file only this VM uses. */
    | "remove"
    /** Offered, unchecked: a CD-ROM, floppy or read-only image only this VM uses. */
    | "offer"
    /** Not offered: other VMs use the file. */
    | "in-use"
    /** Not offered: not a local file (a block device, a network disk, a pool volume) or an empty drive. */
    | "not-file";

export interface DiskRemoval {
    target: string;
    device: string;
    sourceType: string;
    path: string | null;
    choice: DiskRemovalChoice;
    /** Names of the other VMs that use the file, sorted. */
    usedBy: string[];
}

/**
 * `diskPaths`: every VM's disk files by VM name, backing files included (from one GetAllDomainStats call
 * with block stats and the backing chain). The VM being deleted may be among them: it does not count.
 */
export function diskRemovals(domain: DomainDescription, diskPaths: ReadonlyMap<string, readonly string[]>): DiskRemoval[] {
    const usersByPath = new Map<string, Set<string>>();
    for (const [vm, paths] of diskPaths) {
        if (vm === domain.name) continue;
        for (const path of paths) {
            const users = usersByPath.get(path) ?? new Set<string>();
            users.add(vm);
            usersByPath.set(path, users);
        }
    }
    const seen = new Set<string>();
    const removals: DiskRemoval[] = [];
    for (const disk of domain.disks) {
        const base = { target: disk.target, device: disk.device, sourceType: disk.sourceType, path: disk.source };
        if (disk.sourceType !== "file" || disk.source === null) {
            removals.push({ ...base, choice: "not-file", usedBy: [] });
            continue;
        }
        // One file attached twice is one checkbox.
        if (seen.has(disk.source)) continue;
        seen.add(disk.source);
        const usedBy = [...usersByPath.get(disk.source) ?? []].sort();
        const choice: DiskRemovalChoice = usedBy.length > 0 ? "in-use"
            : disk.device === "disk" && !disk.readOnly ? "remove" : "offer";
        removals.push({ ...base, choice, usedBy });
    }
    return removals;
}

/** The disk files a deletion removes when nobody changes the defaults (a batch deletion's choice). */
export function defaultRemovals(removals: readonly DiskRemoval[]): string[] {
    return removals.filter(r => r.choice === "remove" && r.path !== null).map(r => r.path as string);
}

/** block.N.path of one GetAllDomainStats record (unwrapped): the VM's disk files and their backing files. */
export function diskPathsFromStats(record: Readonly<Record<string, number | string | boolean>>): string[] {
    const paths = new Set<string>();
    for (const [key, value] of Object.entries(record)) {
        if (/^block\.\d+\.path$/.test(key) && typeof value === "string" && value !== "") paths.add(value);
    }
    return [...paths];
}
