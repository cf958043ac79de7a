// One pool's volumes with the VMs that use each: the volume list, every volume's XML in parallel, and the
// disks of every VM (both definitions). Read on open, after this page's actions and on the pool's
// events (a refresh, a stop); never polled.
import { useCallback, useEffect, useRef, useState } from "react";
import { parseVolumeXml, type VolumeDescription } from "../../core/storage/volume-xml";
import { volumeUsers } from "../../core/storage/volume-users";
import { toLibvirtError } from "../../libvirt/connection";
import { subscribePoolEvents } from "../../libvirt/storage-pools";
import { getVolumeXml, listVolumePaths } from "../../libvirt/storage-volumes";
import { readAllDomainDisks } from "../../state/domain-disks";

export interface VolumeEntry {
    path: string;
    volume: VolumeDescription;
    users: string[];
}

const isGone = (error: unknown): boolean => /no storage vol|Storage volume not found|UnknownObject/i.test(toLibvirtError(error).message);

export async function readPoolVolumes({ poolPath, poolName }: { poolPath: string; poolName: string }): Promise<VolumeEntry[]> {
    const [paths, domains] = await Promise.all([listVolumePaths({ poolPath }), readAllDomainDisks()]);
    const settled = await Promise.allSettled(paths.map(async path => ({ path, volume: parseVolumeXml(await getVolumeXml({ path })) })));
    // A volume deleted between the list and its read is simply gone.
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected" && !isGone(r.reason));
    if (failure) throw failure.reason;
    const users = volumeUsers(domains);
    return settled
        .filter((r): r is PromiseFulfilledResult<{ path: string; volume: VolumeDescription }> => r.status === "fulfilled")
        .map(({ value }) => ({ ...value, users: users.usersOf({ pool: poolName, name: value.volume.name, path: value.volume.path }) }))
        .sort((a, b) => a.volume.name.localeCompare(b.volume.name));
}

export function usePoolVolumes(poolPath: string | null, poolName: string, active: boolean): {
    volumes: VolumeEntry[] | null;
    error: string | null;
    reload: () => Promise<void>;
} {
    const [volumes, setVolumes] = useState<VolumeEntry[] | null>(null);
    const [error, setError] = useState<string | null>(null);
    const generation = useRef(0);

    const reload = useCallback(async (): Promise<void> => {
        if (poolPath === null || !active) return;
        const mine = ++generation.current;
        try {
            const list = await readPoolVolumes({ poolPath, poolName });
            if (mine === generation.current) {
                setVolumes(list);
                setError(null);
            }
        } catch (err) {
            if (mine === generation.current) setError(toLibvirtError(err).message);
        }
    }, [poolPath, poolName, active]);

    useEffect(() => {
        setVolumes(null);
        void reload();
        const unsubscribe = subscribePoolEvents(event => {
            if (event.path === poolPath) void reload();
        });
        return () => {
            generation.current++;
            unsubscribe();
        };
    }, [poolPath, reload]);

    return { volumes, error, reload };
}
