// User-visible names of states and actions, in one place so the list, menus and dialogs agree.
import cockpit, { _ } from "./cockpit";
import type { DomainState, LifecycleAction } from "../core/domain-state";
import type { StateFilter } from "../core/vm-list";
import { VM_NAME_MAX_LENGTH, type VmNameProblem } from "../core/vm-name";

export function stateLabel(state: DomainState): string {
    switch (state) {
    case "running": return _("Running");
    case "blocked": return _("Blocked");
    case "paused": return _("Paused");
    case "shutting-down": return _("Shutting down");
    case "shut-off": return _("Shut off");
    case "crashed": return _("Crashed");
    case "pm-suspended": return _("Suspended (PM)");
    case "unknown": return _("Unknown");
    }
}

export function actionLabel(action: LifecycleAction): string {
    switch (action) {
    case "start": return _("Start");
    case "shutdown": return _("Shut down");
    case "forceOff": return _("Force off");
    case "reboot": return _("Reboot");
    case "pause": return _("Pause");
    case "resume": return _("Resume");
    }
}

// A batch from the list's toolbar: a lifecycle action, or deleting the VMs.
export type BatchAction = LifecycleAction | "delete";

export function batchActionLabel(action: BatchAction): string {
    return action === "delete" ? _("Delete") : actionLabel(action);
}

export function pendingLabel(action: LifecycleAction): string {
    switch (action) {
    case "start": return _("Starting");
    case "shutdown": return _("Shutting down");
    case "forceOff": return _("Forcing off");
    case "reboot": return _("Rebooting");
    case "pause": return _("Pausing");
    case "resume": return _("Resuming");
    }
}

export function stateFilterLabel(filter: StateFilter): string {
    switch (filter) {
    case "all": return _("All states");
    case "running": return _("Running");
    case "paused": return _("Paused");
    case "shut-off": return _("Shut off");
    case "other": return _("Other");
    }
}

// Why a new VM cannot have the name typed (create, clone).
export function vmNameProblemText(problem: VmNameProblem): string {
    switch (problem) {
    case "empty": return _("Enter a name.");
    case "slash": return _("A virtual machine's name cannot contain “/”.");
    case "control": return _("A virtual machine's name cannot contain line breaks or other control characters.");
    case "too-long": return cockpit.format(_("A virtual machine's name can be at most $0 characters long."), VM_NAME_MAX_LENGTH);
    case "edge-space": return _("A virtual machine's name cannot start or end with a space.");
    case "taken": return _("A virtual machine with this name exists already.");
    }
}
