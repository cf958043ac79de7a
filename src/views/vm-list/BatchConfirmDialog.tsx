// The question before a batch action: which VMs it acts on (by name, with invisible characters shown),
// and how many selected VMs the filter hides, which it leaves alone.
import { Alert } from "@patternfly/react-core";
import type { ReactNode } from "react";
import cockpit, { _, ngettext } from "../../lib/cockpit";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { DisplayName } from "../../components/DisplayName";
import { batchActionLabel, type BatchAction } from "../../lib/labels";

// Enough to recognise a selection without a dialog taller than the screen.
const NAMES_SHOWN = 10;

// Start only asks when the selection includes hidden VMs: it loses nothing, and a batch of hundreds of
// starts is a normal thing to do. The others stop guests, so they always ask.
export function batchNeedsConfirmation(action: BatchAction, hiddenCount: number): boolean {
    return action !== "start" || hiddenCount > 0;
}

function title(action: BatchAction, count: number): string {
    switch (action) {
    case "start": return ngettext("Start $0 virtual machine?", "Start $0 virtual machines?", count);
    case "shutdown": return ngettext("Shut down $0 virtual machine?", "Shut down $0 virtual machines?", count);
    case "forceOff": return ngettext("Force off $0 virtual machine?", "Force off $0 virtual machines?", count);
    case "reboot": return ngettext("Reboot $0 virtual machine?", "Reboot $0 virtual machines?", count);
    case "pause": return ngettext("Pause $0 virtual machine?", "Pause $0 virtual machines?", count);
    case "resume": return ngettext("Resume $0 virtual machine?", "Resume $0 virtual machines?", count);
    case "delete": return ngettext("Delete $0 virtual machine?", "Delete $0 virtual machines?", count);
    }
}

function consequence(action: BatchAction): string | null {
    switch (action) {
    case "shutdown": return _("Each guest is asked to shut down; a guest that ignores the request keeps running.");
    case "forceOff": return _("They are stopped at once, like pulling their power cords. Unsaved data in the guests is lost.");
    case "reboot": return _("Each guest is asked to restart.");
    case "delete": return _("Running ones are forced off first. Their snapshots are deleted with them; their usage history is kept until the retention policy removes it.");
    default: return null;
    }
}

// `children`: what the action itself asks (a deletion: whether the disks go too).
export function BatchConfirmDialog({ action, names, hiddenCount, onConfirm, onCancel, children }: {
    action: BatchAction;
    names: readonly string[];
    hiddenCount: number;
    children?: ReactNode;
    onConfirm: () => void;
    onCancel: () => void;
}) {
    const more = names.length - NAMES_SHOWN;
    const text = consequence(action);
    return (
        <ConfirmDialog
            title={cockpit.format(title(action, names.length), names.length)}
            body={<>
                {text && <p>{text}</p>}
                <ul id="kvm-batch-confirm-names" className="kvm-name-list">
                    {names.slice(0, NAMES_SHOWN).map(name => <li key={name} data-vm-name={name}><DisplayName name={name} /></li>)}
                </ul>
                {more > 0 &&
                    <p id="kvm-batch-confirm-more">{cockpit.format(ngettext("and $0 more", "and $0 more", more), more)}</p>}
                {hiddenCount > 0 &&
                    <Alert isInline isPlain variant="info" id="kvm-batch-confirm-hidden"
                        title={cockpit.format(ngettext(
                            "$0 selected virtual machine is hidden by the filter and is left alone.",
                            "$0 selected virtual machines are hidden by the filter and are left alone.", hiddenCount), hiddenCount)} />}
                {children}
            </>}
            confirmLabel={batchActionLabel(action)}
            danger={action === "forceOff" || action === "delete"}
            onConfirm={onConfirm}
            onCancel={onCancel}
        />
    );
}
