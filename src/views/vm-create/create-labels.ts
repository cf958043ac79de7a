// The page's words for the steps of making a VM and for what a failed create cleaned up.
import cockpit, { _ } from "../../lib/cockpit";
import type { CleanupResult, CreateProgress, CreateStep } from "../../core/template/create-plan";

export function stepLabel(step: CreateStep): string {
    switch (step) {
    case "check": return _("Checking the name and the images");
    case "disk": return _("Creating disks");
    case "define": return _("Defining the virtual machine");
    case "autostart": return _("Turning on autostart");
    case "start": return _("Starting");
    }
}

export function progressLabel(progress: CreateProgress): string {
    if (progress.step === "disk" && progress.index !== undefined && progress.total !== undefined) {
        return cockpit.format(_("Creating disk $0 of $1"), progress.index + 1, progress.total);
    }
    return stepLabel(progress.step);
}

export function cleanupLabel(cleanup: readonly CleanupResult[]): string {
    const failed = cleanup.filter(c => !c.ok);
    if (failed.length > 0) {
        return cockpit.format(_("Could not remove: $0"), failed.map(c => `${c.target} (${c.message ?? ""})`).join(", "));
    }
    return cleanup.length === 0 ? _("Nothing was made.") : _("Everything made so far was removed again.");
}
