// User-visible names of states and actions, in one place so the list, menus and dialogs agree.
import { _ } from "./cockpit";
import type { DomainState, LifecycleAction } from "../core/domain-state";
import type { StateFilter } from "../core/vm-list";

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
