// Which VMs use a storage volume, from the VMs' definitions: a disk names a volume either by its path
// (type file or block) or by pool and volume name (type volume). A volume is "in use" when any defined VM
// has it as a disk, running or not: deleting it would break that VM's next start.
import type { DiskDescription } from "../domain-xml";

export interface DomainDisks {
    name: string;
    disks: readonly DiskDescription[];
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
