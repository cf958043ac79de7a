// Which VMs use a storage volume, from the VMs' definitions: a disk names a volume either by its path
// (type file or block) or by pool and volume name (type volume). A volume is "in use" when any defined VM
// has it as a disk, running or not: deleting it would break that VM's next start.
import type { DiskDescription } from "../domain-xml";
import { diskPathsFromStats } from "../vm-delete";

// What "used by" needs of a disk: a domain's XML gives it, and so does its block statistics' path.
export type DiskSource = Pick<DiskDescription, "sourceType" | "source">;

export interface DomainDisks {
    name: string;
    disks: readonly DiskSource[];
}

/**
 * A VM's disk files from its block statistics (GetAllDomainStats with BLOCK and BACKING: one call for
 * every VM, running or shut off; a running VM's backing files included). `complete` is false when a drive
 * has no path there, which libvirt does for a disk of type volume or network of a shut-off VM and for an
 * empty CD-ROM drive alike: only that VM's XML tells them apart.
 */
export function diskSourcesFromStats(record: Readonly<Record<string, number | string | boolean>>): { disks: DiskSource[]; complete: boolean } {
    const disks = diskPathsFromStats(record).map((source): DiskSource => ({ sourceType: "file", source }));
    const drives = Object.keys(record).filter(key => /^block\.\d+\.name$/.test(key));
    const complete = drives.every(key => {
        const path = record[key.replace(/name$/, "path")];
        return typeof path === "string" && path !== "";
    });
    return { disks, complete };
}

export interface VolumeRef {
    pool: string;
    name: string;
    path: string | null;
}

export interface VolumeUsers {
    usersOf(volume: VolumeRef): string[];
}

function poolVolumeKey(pool: string, volume: string): string {
    return JSON.stringify([pool, volume]);
}

export function volumeUsers(domains: readonly DomainDisks[]): VolumeUsers {
    const byPath = new Map<string, Set<string>>();
    const byPoolVolume = new Map<string, Set<string>>();
    const add = (map: Map<string, Set<string>>, key: string, vm: string): void => {
        const users = map.get(key) ?? new Set<string>();
        users.add(vm);
        map.set(key, users);
    };
    for (const domain of domains) {
        for (const disk of domain.disks) {
            if (disk.source === null) continue;
            if (disk.sourceType === "volume") {
                // domain-xml writes "pool/volume"; libvirt refuses "/" in pool names, so the first "/" splits them.
                const slash = disk.source.indexOf("/");
                if (slash > 0) add(byPoolVolume, poolVolumeKey(disk.source.slice(0, slash), disk.source.slice(slash + 1)), domain.name);
            } else if (disk.sourceType === "file" || disk.sourceType === "block") {
                add(byPath, disk.source, domain.name);
            }
        }
    }
    return {
        usersOf({ pool, name, path }) {
            const users = new Set([
                ...(path === null ? [] : byPath.get(path) ?? []),
                ...(byPoolVolume.get(poolVolumeKey(pool, name)) ?? []),
            ]);
            return [...users].sort((a, b) => a.localeCompare(b));
        },
    };
}

export interface VolumeWithUsers {
    path: string | null;
    backingPath: string | null;
    users: readonly string[];
}

/**
 * A base image is in use by every VM that uses a volume backed by it, directly or along a chain: deleting
 * it breaks them all. libvirt's block statistics name a running VM's backing files; for a shut-off linked
 * clone only the clone volume's XML does, so the chain is followed here through the volumes given (one
 * pool's). A loop in hand-made backing files ends the walk.
 */
export function withBackingUsers<T extends VolumeWithUsers>(volumes: readonly T[]): (T & { users: string[] })[] {
    const byPath = new Map(volumes.flatMap(volume => volume.path === null ? [] : [[volume.path, volume] as const]));
    const users = new Map(volumes.map(volume => [volume, new Set(volume.users)]));
    for (const volume of volumes) {
        const seen = new Set<T>([volume]);
        for (let base = byPath.get(volume.backingPath ?? ""); base !== undefined && !seen.has(base); base = byPath.get(base.backingPath ?? "")) {
            seen.add(base);
            for (const vm of volume.users) users.get(base)?.add(vm);
        }
    }
    return volumes.map(volume => ({ ...volume, users: [...users.get(volume) ?? []].sort((a, b) => a.localeCompare(b)) }));
}
