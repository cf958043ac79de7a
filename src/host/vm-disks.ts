// The page's side of a VM's disk files on the host: copies for a clone (helpers/commands/kvm-manager-clone.ts)
// and removal of a file that no storage pool holds. argv only: paths never meet a shell.
import cockpit, { type SpawnError } from "../lib/cockpit";
import type { CloneMode, DiskCopy, NvramCopy } from "../core/vm-clone";
import { runHelperJson } from "./helper-commands";

// The disks and a UEFI VM's variables file; resolves with whether the variables file was copied (the
// original's may not exist yet).
export async function copyCloneDisks({ copies, mode, nvram }: {
    copies: readonly DiskCopy[]; mode: CloneMode; nvram: NvramCopy | null;
}): Promise<{ nvramCopied: boolean }> {
    const list = copies.map(({ from, to, format }) => ({ from, to, format }));
    const answer = await runHelperJson<{ nvram: NvramCopy | null }>(["kvm-manager-clone",
        ...(list.length > 0 ? ["--copies", JSON.stringify(list)] : []), ...(nvram ? ["--nvram", JSON.stringify(nvram)] : []),
        "--mode", mode, "--json"]);
    return { nvramCopied: answer.nvram !== null };
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
