// Lifecycle actions through spawned `virsh` processes, for batches. libvirt-dbus serves every page call
// on a few worker threads, so parallel Domain.Create calls queue behind one another (and behind any stats
// call in flight); each virsh process has its own connection to libvirtd, so a batch runs as fast as the
// same commands from a shell. Names travel as one argv element after "--", never through a shell.
import cockpit, { type SpawnError } from "../lib/cockpit";
import type { LifecycleAction } from "../core/domain-state";
import { classifyLibvirtError } from "../core/libvirt-errors";
import { isVirshDomainMissing, virshLifecycleArgv, virshMessage } from "../core/virsh-lifecycle";
import { LibvirtError, VirshMissingError } from "./errors";

export async function runVirshLifecycle({ domain, action }: { domain: string; action: LifecycleAction }): Promise<void> {
    try {
        await cockpit.spawn(virshLifecycleArgv(action, domain), { superuser: "try", err: "message" });
    } catch (error) {
        const spawnError = (error ?? {}) as Partial<SpawnError>;
        if (spawnError.problem === "not-found") throw new VirshMissingError(spawnError.message || "virsh not found");
        const message = virshMessage(spawnError.message ?? "") || spawnError.problem || String(error);
        const kind = isVirshDomainMissing(message) ? "not-found" : classifyLibvirtError(undefined, message, spawnError.problem);
        throw new LibvirtError(kind, message);
    }
}
