// Clone and Delete for one VM, from the list's row menu or the details page: both open the same dialogs.
import { useCallback, useState, type ReactNode } from "react";
import type { DomainState } from "../../core/domain-state";
import { CloneVmDialog } from "./CloneVmDialog";
import { DeleteVmDialog } from "./DeleteVmDialog";

export type VmCommand = "clone" | "delete";

// Cloning copies the disks while nothing writes to them: only a shut-off VM.
export function allowedCommands(state: DomainState): VmCommand[] {
    return state === "shut-off" ? ["clone", "delete"] : ["delete"];
}

export function useCloneDelete({ onDeleted }: { onDeleted?: () => void } = {}):
    { request: (name: string, command: VmCommand) => void; dialog: ReactNode } {
    const [open, setOpen] = useState<{ name: string; command: VmCommand } | null>(null);
    // Stable, so memoized list rows that receive it are not redrawn.
    const request = useCallback((name: string, command: VmCommand) => setOpen({ name, command }), []);
    const close = () => setOpen(null);
    const dialog = open === null ? null
        : open.command === "clone"
            ? <CloneVmDialog name={open.name} onCloned={close} onCancel={close} />
            : <DeleteVmDialog name={open.name} onCancel={close} onDeleted={() => {
                close();
                onDeleted?.();
            }} />;
    return { request, dialog };
}
