// The page's side of a VM's disk files on the host: copies for a clone (helpers/commands/kvm-manager-clone.ts)
// and removal of a file that no storage pool holds. argv only: paths never meet a shell.
import cockpit, { type SpawnError } from "../lib/cockpit";
import type { CloneMode, DiskCopy } from "../core/vm-clone";
import { runHelperJson } from "./helper-commands";

export async function copyCloneDisks({ copies, mode }: { copies: readonly DiskCopy[]; mode: CloneMode }): Promise<void> {
    const list = copies.map(({ from, to, format }) => ({ from, to, format }));
    await runHelperJson(["kvm-manager-clone", "--copies", JSON.stringify(list), "--mode", mode, "--json"]);
}

/** Removes one disk file; a file already gone is no failure. */
export async function removeHostFile(path: string): Promise<void> {
    try {
        await cockpit.spawn(["rm", "-f", "--", path], { superuser: "try", err: "message" });
    } catch (error) {
        const spawnError = (error ?? {}) as Partial<SpawnError>;
        throw new Error(spawnError.message || spawnError.problem || String(error));
    }
}
