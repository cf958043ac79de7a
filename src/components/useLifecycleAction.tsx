// Runs a lifecycle action through the store, asking first where the action loses data (Force off).
// Shared by the list's row menu and the details page so both ask the same question.
import { useCallback, useState, type ReactNode } from "react";
import { _ } from "../lib/cockpit";
import type { LifecycleAction } from "../core/domain-state";
import { vmStore } from "../state/vm-store";
import { ConfirmDialog } from "./ConfirmDialog";
import { NameSentence } from "./DisplayName";

export function useLifecycleAction(): { request: (name: string, action: LifecycleAction) => void; dialog: ReactNode } {
    const [confirmForceOff, setConfirmForceOff] = useState<string | null>(null);
    // Stable, so memoized list rows that receive it are not redrawn.
    const request = useCallback((name: string, action: LifecycleAction): void => {
        if (action === "forceOff") setConfirmForceOff(name);
        else void vmStore.runAction(name, action);
    }, []);
    const dialog = confirmForceOff === null
        ? null
        : <ConfirmDialog
            title={<NameSentence template={_("Force off $0?")} names={[confirmForceOff]} />}
            body={_("The virtual machine is stopped at once, like pulling its power cord. Unsaved data in the guest is lost.")}
            confirmLabel={_("Force off")}
            danger
            onConfirm={() => {
                void vmStore.runAction(confirmForceOff, "forceOff");
                setConfirmForceOff(null);
            }}
            onCancel={() => setConfirmForceOff(null)}
        />;
    return { request, dialog };
}
