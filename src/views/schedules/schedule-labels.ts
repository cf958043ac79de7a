// The Schedules page's words for schedules: what they do, when, and how their runs went. Times are
// shown in the host's time zone (the scheduler's), whatever the browser's is.
import cockpit, { _ } from "../../lib/cockpit";
import type { ScheduleDocument, ScheduleOperation } from "../../core/schedule/schedule-document";
import type { RunResult } from "../../host/schedules";

export type OperationType = ScheduleOperation["type"];

export const OPERATION_TYPES: readonly OperationType[] = ["start", "shutdown", "reboot", "snapshot", "backup"];

export function operationTypeLabel(type: OperationType): string {
    switch (type) {
    case "start": return _("Start");
    case "shutdown": return _("Shut down");
    case "reboot": return _("Reboot");
    case "snapshot": return _("Take a snapshot");
    case "backup": return _("Run a backup job");
    }
}

export function operationSummary(op: ScheduleOperation): string {
    switch (op.type) {
    case "start": case "reboot":
        return operationTypeLabel(op.type);
    case "shutdown":
        return op.then === "force-off"
            ? cockpit.format(_("Shut down; force off after $0 s"), op.timeoutSeconds)
            : cockpit.format(_("Shut down; give up after $0 s"), op.timeoutSeconds);
    case "snapshot":
        return cockpit.format(_("Snapshot “$0”, keep $1"), op.namePattern, op.keep);
    case "backup":
        return cockpit.format(_("Backup job “$0”"), op.job);
    }
}

// Monday to Sunday (ISO numbering 1 to 7) in the page's language: 2024-01-01 was a Monday.
export function weekdayName(day: number, width: "long" | "short" = "long"): string {
    return new Intl.DateTimeFormat(cockpit.language, { weekday: width, timeZone: "UTC" }).format(Date.UTC(2024, 0, day));
}

export function shortMonthsSentence(day: number, rule: "skip" | "last-day"): string {
    return rule === "skip"
        ? cockpit.format(_("Months without a day $0 are skipped."), day)
        : cockpit.format(_("Months without a day $0 run on their last day."), day);
}

export function whenSummary(doc: Pick<ScheduleDocument, "when" | "time">): string {
    const when = doc.when;
    switch (when.frequency) {
    case "once":
        return cockpit.format(_("Once, on $0 at $1"), when.date, doc.time);
    case "daily":
        return cockpit.format(_("Every day at $0"), doc.time);
    case "weekly":
        return cockpit.format(_("Every $0 at $1"), [...when.days].sort().map(d => weekdayName(d)).join(", "), doc.time);
    case "monthly":
        if (when.day === "last") return cockpit.format(_("On the last day of every month at $0"), doc.time);
        return cockpit.format(_("On day $0 of every month at $1"), when.day, doc.time)
            + (when.day > 28 ? " " + shortMonthsSentence(when.day, when.shortMonths) : "");
    }
}

// An instant (ISO or epoch ms) as the host's clock shows it, on the 24-hour clock like the schedules' own HH:MM.
export function formatHostTime(time: string | number, timeZone: string): string {
    return new Intl.DateTimeFormat(cockpit.language, {
        timeZone, weekday: "short", year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).format(new Date(time));
}

export function resultLabel(result: RunResult | null): string {
    switch (result) {
    case "ok": return _("Succeeded");
    case "failed": return _("Failed");
    case "skipped": return _("Skipped");
    case null: return _("Running");
    }
}

export function resultColor(result: RunResult | null): "green" | "red" | "grey" | "blue" {
    switch (result) {
    case "ok": return "green";
    case "failed": return "red";
    case "skipped": return "grey";
    case null: return "blue";
    }
}
