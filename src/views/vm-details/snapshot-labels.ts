// Words for what src/core/snapshots.ts answers in structured form, shared by the card and its dialogs.
import cockpit, { _ } from "../../lib/cockpit";
import type { DiskBlocker, SnapshotNameProblem } from "../../core/snapshots";

export function snapshotStateLabel(state: string): string {
    switch (state) {
    case "running": return _("Running");
    case "paused": return _("Paused");
    case "shutoff": return _("Shut off");
    case "shutdown": return _("Shutting down");
    case "crashed": return _("Crashed");
    case "pmsuspended": return _("Suspended (PM)");
    case "blocked": return _("Blocked");
    case "disk-snapshot": return _("Running (disks only)");
    default: return state;
    }
}

export function nameProblemText(problem: SnapshotNameProblem): string {
    switch (problem) {
    case "empty": return _("Enter a name.");
    case "slash": return _("A snapshot name cannot contain “/”.");
    case "control": return _("A snapshot name cannot contain line breaks or other control characters.");
    case "edge-space": return _("A snapshot name cannot start or end with a space.");
    case "taken": return _("This virtual machine already has a snapshot with this name.");
    }
}

export function blockerText(blocker: DiskBlocker): string {
    switch (blocker.reason) {
    case "not-qcow2": return cockpit.format(_("Disk $0 is $1, not qcow2."), blocker.disk, blocker.format ?? _("of unknown format"));
    case "not-local": return cockpit.format(_("Disk $0 is a $1 disk, not a local file or block device."), blocker.disk, blocker.sourceType);
    }
}
