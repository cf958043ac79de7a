// Every storage pool of the host, as the Storage pools page lists them: one ListStoragePools, then each
// pool's XML, info, flags and volume list in parallel. After the first answer, each active pool is
// refreshed once in the background (libvirt's figures and volume lists are only as fresh as its last
// refresh, and a pool whose directory was removed behind libvirt's back is found that way). Later
// changes come from libvirt's pool events and from this page's own actions, never from polling.
import { useCallback, useEffect, useRef, useState } from "react";
import { parsePoolXml, type PoolDescription } from "../../core/storage/pool-xml";
import { toLibvirtError, type LibvirtError } from "../../libvirt/connection";
import {
    getPoolFlags, getPoolInfo, getPoolXml, listPoolPaths, refreshPool, subscribePoolEvents, type PoolInfo,
} from "../../libvirt/storage-pools";
import { listVolumePaths } from "../../libvirt/storage-volumes";

export interface PoolRow {
    path: string;
    description: PoolDescription | null;
    info: PoolInfo | null;
    active: boolean;
    autostart: boolean;
    persistent: boolean;
    volumeCount: number | null;
    // libvirt's message when this pool could not be read.
    error: string | null;
    // libvirt's message when the last action on it (or the page's refresh) failed; kept across reads
    // until the next action or until dismissed, so a "stopped" event after a failed refresh keeps it.
    actionError: string | null;
}

export interface StoragePools {
    pools: PoolRow[] | null;
    // The list itself could not be read (libvirt down, no access).
    error: LibvirtError | null;
    reload: () => Promise<void>;
    reloadPool: (path: string) => Promise<void>;
    setActionError: (path: string, error: string | null) => void;
}

export async function readPool(path: string): Promise<PoolRow> {
    const [xml, info, flags] = await Promise.all([getPoolXml({ path }), getPoolInfo({ path }), getPoolFlags({ path })]);
    // An inactive pool has no volume list to give.
    const volumeCount = flags.active ? (await listVolumePaths({ poolPath: path })).length : null;
    return { path, description: parsePoolXml(xml), info, ...flags, volumeCount, error: null, actionError: null };
}

function failedRow(path: string, previous: PoolRow | undefined, message: string): PoolRow {
    return {
        path, description: previous?.description ?? null, info: previous?.info ?? null, active: previous?.active ?? false,
        autostart: previous?.autostart ?? false, persistent: previous?.persistent ?? true, volumeCount: previous?.volumeCount ?? null,
        error: message, actionError: null,
    };
}

const byName = (a: PoolRow, b: PoolRow): number =>
    (a.description?.name ?? a.path).localeCompare(b.description?.name ?? b.path);

export function useStoragePools(): StoragePools {
    const [pools, setPools] = useState<Map<string, PoolRow> | null>(null);
    const [error, setError] = useState<LibvirtError | null>(null);
    const rows = useRef<Map<string, PoolRow>>(new Map());
    // Per pool, the newest read wins (an event can arrive while an action's reload is in flight).
    const reads = useRef<Map<string, number>>(new Map());
    const unmounted = useRef(false);
    // Pools this page visit has refreshed already: a reload after an action does not refresh them again.
    const refreshed = useRef<Set<string>>(new Set());

    const commit = useCallback((next: Map<string, PoolRow>): void => {
        rows.current = next;
        if (!unmounted.current) setPools(next);
    }, []);

    const reloadPool = useCallback(async (path: string): Promise<void> => {
        const mine = (reads.current.get(path) ?? 0) + 1;
        reads.current.set(path, mine);
        let row: PoolRow | null;
        try {
            row = await readPool(path);
        } catch (err) {
            const failure = toLibvirtError(err);
            // Undefined meanwhile: the row goes.
            row = failure.kind === "not-found" || /no storage pool/i.test(failure.message)
                ? null
                : failedRow(path, rows.current.get(path), failure.message);
        }
        if (reads.current.get(path) !== mine) return;
        const next = new Map(rows.current);
        if (row) next.set(path, { ...row, actionError: rows.current.get(path)?.actionError ?? null });
        else next.delete(path);
        commit(next);
    }, [commit]);

    const setActionError = useCallback((path: string, message: string | null): void => {
        const row = rows.current.get(path);
        if (!row) return;
        commit(new Map(rows.current).set(path, { ...row, actionError: message }));
    }, [commit]);

    const refreshInBackground = useCallback((paths: string[]): void => {
        for (const path of paths.filter(p => !refreshed.current.has(p))) {
            refreshed.current.add(path);
            refreshPool({ path }).then(() => reloadPool(path), async (err: unknown) => {
                setActionError(path, toLibvirtError(err).message);
                await reloadPool(path);
            });
        }
    }, [reloadPool, setActionError]);

    const reload = useCallback(async (): Promise<void> => {
        try {
            const paths = await listPoolPaths();
            const settled = await Promise.allSettled(paths.map(readPool));
            const next = new Map<string, PoolRow>();
            settled.forEach((result, index) => {
                const path = paths[index];
                const row = result.status === "fulfilled"
                    ? result.value
                    : failedRow(path, rows.current.get(path), toLibvirtError(result.reason).message);
                next.set(path, { ...row, actionError: rows.current.get(path)?.actionError ?? null });
            });
            setError(null);
            commit(next);
            refreshInBackground([...next.values()].filter(row => row.active && row.error === null).map(row => row.path));
        } catch (err) {
            if (!unmounted.current) setError(toLibvirtError(err));
        }
    }, [commit, refreshInBackground]);

    useEffect(() => {
        unmounted.current = false;
        void reload();
        const unsubscribe = subscribePoolEvents(({ path }) => void reloadPool(path));
        return () => {
            unmounted.current = true;
            unsubscribe();
        };
    }, [reload, reloadPool]);

    return {
        pools: pools === null ? null : [...pools.values()].sort(byName),
        error, reload, reloadPool, setActionError,
    };
}
