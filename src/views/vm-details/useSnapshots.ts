// The snapshots of one VM, read through libvirt-dbus: on open, after each action of this page and on every
// DomainEvent of the VM. libvirt has no snapshot events of its own; a revert arrives as a domain event
// (defined/started/stopped "from snapshot"), and a snapshot made elsewhere shows up on the next event or action.
import { useCallback, useEffect, useRef, useState } from "react";
import { parseSnapshotXml, type SnapshotRecord } from "../../core/snapshots";
import { toLibvirtError } from "../../libvirt/connection";
import { subscribeDomainEvents } from "../../libvirt/events";
import { getCurrentSnapshotPath, getSnapshotXml, listSnapshotPaths } from "../../libvirt/snapshots";
import { snapshotCounts, vmStore } from "../../state/vm-store";

export interface SnapshotEntry extends SnapshotRecord {
    path: string;
    current: boolean;
}

export interface SnapshotList {
    snapshots: SnapshotEntry[] | null;
    error: string | null;
    reload: () => Promise<void>;
}

async function readSnapshots(name: string): Promise<SnapshotEntry[]> {
    const path = await vmStore.resolvePath(name);
    const [paths, current] = await Promise.all([listSnapshotPaths({ path }), getCurrentSnapshotPath({ path })]);
    const settled = await Promise.allSettled(paths.map(async snapshotPath =>
        ({ ...parseSnapshotXml(await getSnapshotXml({ snapshotPath })), path: snapshotPath, current: snapshotPath === current })));
    // One snapshot deleted between the list and its read is not an error: it is simply gone.
    const entries = settled.filter((r): r is PromiseFulfilledResult<SnapshotEntry> => r.status === "fulfilled").map(r => r.value);
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure && !/snapshot not found|no domain snapshot/i.test(toLibvirtError(failure.reason).message)) throw failure.reason;
    return entries;
}

export function useSnapshots(name: string): SnapshotList {
    const [snapshots, setSnapshots] = useState<SnapshotEntry[] | null>(null);
    const [error, setError] = useState<string | null>(null);
    // Reads overlap (an event during a reload): only the newest one's answer is shown.
    const generation = useRef(0);

    const reload = useCallback(async (): Promise<void> => {
        const mine = ++generation.current;
        try {
            const list = await readSnapshots(name);
            // The list's Snapshots column learns the count from here: libvirt has no snapshot events.
            snapshotCounts.set(name, list.length);
            if (mine === generation.current) {
                setSnapshots(list);
                setError(null);
            }
        } catch (err) {
            if (mine === generation.current) setError(toLibvirtError(err).message);
        }
    }, [name]);

    useEffect(() => {
        setSnapshots(null);
        void reload();
        let domainPath: string | null = null;
        void vmStore.resolvePath(name).then(path => {
            domainPath = path;
        }, () => undefined);
        const unsubscribe = subscribeDomainEvents(event => {
            if (event.path === domainPath) void reload();
        });
        return () => {
            generation.current++;
            unsubscribe();
        };
    }, [name, reload]);

    return { snapshots, error, reload };
}
