// The multi-call pool actions of the Storage pools page: create (define, build, start, autostart) and
// delete (volumes, stop, undefine). Each step's failure names the step, so a half-done action is clear.
import cockpit, { _, ngettext } from "../../lib/cockpit";
import { buildPoolXml } from "../../core/storage/pool-xml";
import { toLibvirtError } from "../../libvirt/connection";
import { buildPool, definePool, setPoolAutostart, startPool, stopPool, undefinePool } from "../../libvirt/storage-pools";
import { deleteVolume } from "../../libvirt/storage-volumes";
import type { CreatePoolRequest } from "./CreatePoolDialog";
import { readPoolVolumes } from "./usePoolVolumes";

export class PoolActionError extends Error {}

async function step<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
        return await work();
    } catch (error) {
        throw new PoolActionError(cockpit.format(_("$0: $1"), what, toLibvirtError(error).message));
    }
}

// Types whose Build only makes a directory (a dir pool's, a netfs pool's mount point). fs and disk pools'
// Build would write a file system or a partition table onto the device: never done without asking.
const BUILD_MAKES_DIRECTORY = new Set(["dir", "netfs"]);

export async function createPool({ definition, start, autostart }: CreatePoolRequest): Promise<void> {
    const path = await step(_("The pool could not be defined"), () => definePool({ xml: buildPoolXml(definition) }));
    if (BUILD_MAKES_DIRECTORY.has(definition.type)) {
        await step(_("The pool was defined, but its directory could not be made"), () => buildPool({ path }));
    }
    if (autostart) await step(_("The pool was defined, but autostart could not be set"), () => setPoolAutostart({ path, autostart }));
    if (start) await step(_("The pool was defined, but could not be started"), () => startPool({ path }));
}

export async function deletePool({ path, name, active, withVolumes }: { path: string; name: string; active: boolean; withVolumes: boolean }): Promise<void> {
    if (withVolumes) {
        // Read again right before deleting: a VM may have taken a volume since the dialog opened.
        const volumes = await step(_("The volumes could not be read"), () => readPoolVolumes({ poolPath: path, poolName: name }));
        const inUse = volumes.filter(v => v.users.length > 0);
        if (inUse.length > 0) {
            throw new PoolActionError(inUse.map(v => cockpit.format(
                ngettext("Volume $0 is used by VM $1", "Volume $0 is used by VMs $1", v.users.length), v.volume.name, v.users.join(", "))).join("; "));
        }
        for (const volume of volumes) {
            await step(cockpit.format(_("Volume $0 could not be deleted"), volume.volume.name), () => deleteVolume({ path: volume.path }));
        }
    }
    if (active) await step(_("The pool could not be stopped"), () => stopPool({ path }));
    await step(_("The pool's definition could not be removed"), () => undefinePool({ path }));
}
