// The active storage pools and, for the pool picked, its volumes: what the disk dialogs offer. Read when a
// dialog opens, not before.
import { useEffect, useState } from "react";
import { toLibvirtError } from "../../libvirt/connection";
import { listPoolPaths } from "../../libvirt/storage-pools";
import { readPoolVolumes, type VolumeEntry } from "../storage-pools/usePoolVolumes";
import { readPool, type PoolRow } from "../storage-pools/useStoragePools";

export interface PoolChoice {
    path: string;
    name: string;
    type: string;
    available: number | null;
}

export function usePoolChoices(): { pools: PoolChoice[] | null; error: string | null } {
    const [pools, setPools] = useState<PoolChoice[] | null>(null);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
        let cancelled = false;
        void (async () => {
            try {
                const settled = await Promise.allSettled((await listPoolPaths()).map(readPool));
                const rows = settled.filter((r): r is PromiseFulfilledResult<PoolRow> => r.status === "fulfilled").map(r => r.value);
                const choices = rows.filter(row => row.active && row.description !== null).map(row => ({
                    path: row.path, name: row.description!.name, type: row.description!.type, available: row.info?.available ?? null,
                })).sort((a, b) => a.name.localeCompare(b.name));
                if (!cancelled) setPools(choices);
            } catch (err) {
                if (!cancelled) setError(toLibvirtError(err).message);
            }
        })();
        return () => {
            cancelled = true;
        };
    }, []);
    return { pools, error };
}

export function usePoolVolumeChoices(pool: PoolChoice | null): { volumes: VolumeEntry[] | null; error: string | null } {
    const [state, setState] = useState<{ volumes: VolumeEntry[] | null; error: string | null }>({ volumes: null, error: null });
    useEffect(() => {
        setState({ volumes: null, error: null });
        if (!pool) return;
        let cancelled = false;
        readPoolVolumes({ poolPath: pool.path, poolName: pool.name }).then(
            volumes => !cancelled && setState({ volumes, error: null }),
            err => !cancelled && setState({ volumes: null, error: toLibvirtError(err).message }));
        return () => {
            cancelled = true;
        };
    }, [pool]);
    return state;
}
