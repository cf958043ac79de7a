// Deleting VMs: what a deletion would remove (read when the confirmation opens), and the deletion itself,
// one VM or a batch with per-VM results. A running VM is forced off first; libvirt removes the snapshots'
// metadata and the UEFI variables with the definition; the chosen disk files go through their storage pool
// where one holds them, else they are removed on the host. The metrics history is not touched: retention
// removes it in time.
import cockpit, { _ } from "../lib/cockpit";
import { runBatch, type BatchResult } from "../core/batch";
import { isActive } from "../core/domain-state";
import { parseDomainXml } from "../core/domain-xml";
import { defaultRemovals, diskRemovals, type DiskRemoval } from "../core/vm-delete";
import { toLibvirtError } from "../libvirt/connection";
import { getDomainXml, runLifecycleAction, undefineDomain } from "../libvirt/domains";
import { countSnapshots } from "../libvirt/snapshots";
import { getAllDiskPaths, getDomainStats } from "../libvirt/stats";
import { deleteVolumeByPath } from "../libvirt/storage-volumes";
import { removeHostFile } from "../host/vm-disks";
import { vmStore, type ActionResult } from "./vm-store";

// Deletions are quick libvirt calls and file removals: a few at a time keep libvirt-dbus responsive.
const DELETE_CONCURRENCY = 4;

export interface DeletePlan {
    name: string;
    active: boolean;
    snapshots: number;
    removals: DiskRemoval[];
}

const vanished = (name: string) => cockpit.format(_("$0 no longer exists"), name);

export async function readDeletePlan(name: string, diskPaths?: ReadonlyMap<string, readonly string[]>): Promise<DeletePlan> {
    const path = await vmStore.resolvePath(name);
    const [xml, paths, snapshots, sample] = await Promise.all([
        getDomainXml({ path, inactive: true }), diskPaths ?? getAllDiskPaths(), countSnapshots({ path }), getDomainStats({ path, name }),
    ]);
    return { name, active: isActive(sample.state), snapshots, removals: diskRemovals(parseDomainXml(xml), paths) };
}

async function removeDisk(path: string): Promise<void> {
    if (!await deleteVolumeByPath({ path })) await removeHostFile(path);
}

export async function deleteVm(name: string, removePaths: readonly string[]): Promise<ActionResult> {
    try {
        const path = await vmStore.resolvePath(name);
        try {
            await runLifecycleAction({ path, action: "forceOff" });
        } catch (error) {
            // Shut off already (or meanwhile): nothing to stop.
            if (!/not running/i.test(toLibvirtError(error).message)) throw error;
        }
        await undefineDomain({ path });
    } catch (error) {
        const libvirtError = toLibvirtError(error);
        return { outcome: "failed", message: libvirtError.kind === "not-found" ? vanished(name) : libvirtError.message };
    } finally {
        void vmStore.refresh({ full: true });
    }
    const failures: string[] = [];
    for (const disk of removePaths) {
        try {
            await removeDisk(disk);
        } catch (error) {
            failures.push(cockpit.format(_("$0: $1"), disk, toLibvirtError(error).message));
        }
    }
    if (failures.length === 0) return { outcome: "done" };
    return { outcome: "failed", message: cockpit.format(_("Deleted, but disks were kept: $0"), failures.join("; ")) };
}

/** Deletes each VM with the disks only it uses (the defaults of the one-VM confirmation). */
export async function deleteVms(names: readonly string[], { removeDisks }: { removeDisks: boolean },
    onProgress: (settled: number, total: number) => void): Promise<BatchResult[]> {
    // Read once, before anything is deleted: a disk two VMs of the batch share stays, whatever the order.
    const diskPaths = removeDisks ? await getAllDiskPaths() : new Map<string, string[]>();
    return runBatch(names, DELETE_CONCURRENCY, async name => {
        let removals: string[] = [];
        if (removeDisks) {
            try {
                removals = defaultRemovals((await readDeletePlan(name, diskPaths)).removals);
            } catch (error) {
                const libvirtError = toLibvirtError(error);
                return { outcome: "failed", message: libvirtError.kind === "not-found" ? vanished(name) : libvirtError.message };
            }
        }
        return deleteVm(name, removals);
    }, onProgress);
}
