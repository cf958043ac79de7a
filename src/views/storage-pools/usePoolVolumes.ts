// One pool's volumes with the VMs that use each: the volume list and every volume's XML in parallel with
// the disks of every VM (src/state/domain-disks.ts); a linked clone's users use its base volume too. The rows are shown as soon as the volumes are read;
// "Used by" fills in when the VMs' disks are known. Read on open, after this page's actions and on the
// pool's events (a refresh, a stop); never polled.
import { useCallback, useEffect, useRef, useState } from "react";
import { parseVolumeXml, type VolumeDescription } from "../../core/storage/volume-xml";
import { volumeUsers, withBackingUsers, type DomainDisks } from "../../core/storage/volume-users";
import { toLibvirtError } from "../../libvirt/connection";
import { subscribePoolEvents } from "../../libvirt/storage-pools";
import { getVolumeXml, listVolumePaths } from "../../libvirt/storage-volumes";
import { readAllDomainDisks } from "../../state/domain-disks";

export interface VolumeEntry {
    path: string;
    volume: VolumeDescription;
    users: string[];
}

// A row of the page: `users` is null until the VMs' disks are read.
export interface VolumeRow extends Omit<VolumeEntry, "users"> {
    users: string[] | null;
}

const isGone = (error: unknown): boolean => /no storage vol|Storage volume not found|UnknownObject/i.test(toLibvirtError(error).message);

async function readVolumes(poolPath: string): Promise<Omit<VolumeEntry, "users">[]> {
    const paths = await listVolumePaths({ poolPath });
    const settled = await Promise.allSettled(paths.map(async path => ({ path, volume: parseVolumeXml(await getVolumeXml({ path })) })));
    // A volume deleted between the list and its read is simply gone.
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected" && !isGone(r.reason));
    if (failure) throw failure.reason;
    return settled
        .filter((r): r is PromiseFulfilledResult<{ path: string; volume: VolumeDescription }> => r.status === "fulfilled")
        .map(r => r.value)
        .sort((a, b) => a.volume.name.localeCompare(b.volume.name));
}

function withUsers(volumes: Omit<VolumeEntry, "users">[], domains: DomainDisks[], poolName: string): VolumeEntry[] {
    const users = volumeUsers(domains);
    const direct = volumes.map(entry => ({
        entry, path: entry.volume.path, backingPath: entry.volume.backingPath,
        users: users.usersOf({ pool: poolName, name: entry.volume.name, path: entry.volume.path }),
    }));
    return withBackingUsers(direct).map(({ entry, users: all }) => ({ ...entry, users: all }));
}

export async function readPoolVolumes({ poolPath, poolName }: { poolPath: string; poolName: string }): Promise<VolumeEntry[]> {
    const [volumes, domains] = await Promise.all([readVolumes(poolPath), readAllDomainDisks()]);
    return withUsers(volumes, domains, poolName);
}

export function usePoolVolumes(poolPath: string | null, poolName: string, active: boolean): {
    volumes: VolumeRow[] | null;
    error: string | null;
    reload: () => Promise<void>;
} {
    const [volumes, setVolumes] = useState<VolumeRow[] | null>(null);
    const [error, setError] = useState<string | null>(null);
    const generation = useRef(0);
    const shown = useRef(false);

    const reload = useCallback(async (): Promise<void> => {
        if (poolPath === null || !active) return;
        const mine = ++generation.current;
        const show = (rows: VolumeRow[]): void => {
            shown.current = true;
            setVolumes(rows);
        };
        const domains = readAllDomainDisks();
        // Settled here too, so a failure while the volumes are still being read is not unhandled.
        domains.catch(() => {});
        try {
            const list = await readVolumes(poolPath);
            if (mine !== generation.current) return;
            // On open, the rows come first; a re-read (after an action, on an event) replaces the rows
            // shown once, complete, without a flicker of spinners.
            if (!shown.current) show(list.map(entry => ({ ...entry, users: null })));
            const entries = withUsers(list, await domains, poolName);
            if (mine !== generation.current) return;
            show(entries);
            setError(null);
        } catch (err) {
            if (mine === generation.current) setError(toLibvirtError(err).message);
        }
    }, [poolPath, poolName, active]);

    useEffect(() => {
        shown.current = false;
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
