// The page's words for name patterns, the steps of making a VM and what a failed create cleaned up.
import cockpit, { _ } from "../../lib/cockpit";
import type { CleanupResult, CreateProgress, CreateStep } from "../../core/template/create-plan";
import { NAME_PATTERN_MAX_COUNT, type NamePatternProblem } from "../../core/template/name-pattern";
import { vmNameProblemText } from "../../lib/labels";

export function namePatternProblemText(problem: NamePatternProblem): string {
    switch (problem.kind) {
    case "no-range": return _("The pattern needs a range such as {1..5} or {01..10}.");
    case "several-ranges": return _("The pattern can hold only one range.");
    case "too-many": return cockpit.format(_("A pattern makes at most $0 virtual machines, this one $1."), NAME_PATTERN_MAX_COUNT, problem.count);
    case "name": return cockpit.format(_("“$0”: $1"), problem.name, vmNameProblemText(problem.problem));
    }
}

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
