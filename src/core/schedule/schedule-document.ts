// A schedule as stored in /etc/kvm-manager/schedules/NAME.json: which VMs, what to do to them, and
// when (the rule of schedule.ts, with the time of day as "HH:MM" so the file reads well by hand).
import { z } from "zod";
import { documentNameProblem, type DocumentKind } from "../config/documents";
import { existingVmNameSchema } from "../vm-name";
import { scheduleProblem, type Schedule, type Weekday } from "./schedule";
import { snapshotPatternProblem } from "./scheduled-snapshots";

// Long enough for a guest that installs updates on the way down; short enough that the scheduler's
// one-shot unit (TimeoutStartSec in kvm-manager-scheduler.service) ends in a bounded time.
export const SHUTDOWN_TIMEOUT_MAX_SECONDS = 600;

const operation = z.discriminatedUnion("type", [
    z.object({ type: z.literal("start") }).strict(),
    z.object({
        type: z.literal("shutdown"),
        timeoutSeconds: z.number().int().min(1).max(SHUTDOWN_TIMEOUT_MAX_SECONDS),
        // After the timeout: turn it off hard, or leave it running and report a failure.
        then: z.enum(["force-off", "give-up"]),
    }).strict(),
    z.object({ type: z.literal("reboot") }).strict(),
    z.object({
        type: z.literal("snapshot"),
        // Snapshot names: the pattern with {vm}, {date} and {time} (host time) filled in; see
        // scheduled-snapshots.ts.
        namePattern: z.string().min(1).max(200).superRefine((pattern, ctx) => {
            const problem = snapshotPatternProblem(pattern);
            if (problem) ctx.addIssue({ code: "custom", message: problem });
        }),
        // How many of this schedule's own snapshots of each VM stay after a run.
        keep: z.number().int().min(1).max(1000),
    }).strict(),
    // A backup job, run by `kvm-manager-backup run --job JOB`; the job names its VMs.
    z.object({
        type: z.literal("backup"),
        job: z.string().superRefine((job, ctx) => {
            const problem = documentNameProblem(job);
            if (problem) ctx.addIssue({ code: "custom", message: `not a backup job's name: ${problem}` });
        }),
    }).strict(),
]);

const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "the time of day is HH:MM, 00:00 to 23:59");
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "the date is YYYY-MM-DD");
const weekday = z.number().int().min(1).max(7);

const frequency = z.discriminatedUnion("frequency", [
    z.object({ frequency: z.literal("once"), date: isoDate }).strict(),
    z.object({ frequency: z.literal("daily") }).strict(),
    z.object({ frequency: z.literal("weekly"), days: z.array(weekday).min(1).max(7) }).strict(),
    z.object({
        frequency: z.literal("monthly"),
        day: z.union([z.number().int().min(1).max(31), z.literal("last")]),
        shortMonths: z.enum(["skip", "last-day"]),
    }).strict(),
]);

export const scheduleDocumentSchema = z.object({
    version: z.literal(1),
    // Empty for a backup schedule (its job names the VMs); at least one for every other operation.
    vms: z.array(existingVmNameSchema).max(1000),
    operation,
    when: frequency,
    time: timeOfDay,
    enabled: z.boolean(),
    // When the schedule was created, last enabled or last changed: no occurrence before it is owed.
    // The writer sets it; a file written by hand without it counts from its modification time.
    activeSince: z.iso.datetime({ offset: true }).optional(),
}).strict().superRefine((doc, ctx) => {
    if (doc.operation.type === "backup" && doc.vms.length > 0) {
        ctx.addIssue({ code: "custom", message: "a backup schedule names no VMs: its backup job does", path: ["vms"] });
    }
    if (doc.operation.type !== "backup" && doc.vms.length === 0) {
        ctx.addIssue({ code: "custom", message: "a schedule needs at least one VM", path: ["vms"] });
    }
    const problem = scheduleProblem(toSchedule(doc));
    if (problem) ctx.addIssue({ code: "custom", message: problem, path: ["when"] });
}, {
    // Only a document whose fields are each fine is checked as a whole: one mistake, one message.
    when: payload => payload.issues.length === 0,
});

export type ScheduleDocument = z.infer<typeof scheduleDocumentSchema>;
export type ScheduleOperation = ScheduleDocument["operation"];

export const SCHEDULE_KIND: DocumentKind<ScheduleDocument> = {
    directory: "schedules",
    version: 1,
    schema: scheduleDocumentSchema,
    migrations: {},
};

export function toSchedule(doc: Pick<ScheduleDocument, "when" | "time" | "enabled">): Schedule {
    const [hour, minute] = doc.time.split(":").map(Number);
    const base = { enabled: doc.enabled, time: { hour, minute } };
    const when = doc.when;
    switch (when.frequency) {
    case "once": {
        const [year, month, day] = when.date.split("-").map(Number);
        return { ...base, frequency: "once", date: { year, month, day } };
    }
    case "daily":
        return { ...base, frequency: "daily" };
    case "weekly":
        return { ...base, frequency: "weekly", days: when.days as Weekday[] };
    case "monthly":
        return { ...base, frequency: "monthly", day: when.day, shortMonths: when.shortMonths };
    }
}

// What a writer stores: activeSince moves to `now` when the schedule is new, is enabled again, or its
// VMs, operation or timing change, so a change never makes occurrences before it owed. Turning it off,
// or saving it unchanged, keeps it.
export function withActiveSince(previous: ScheduleDocument | null, next: ScheduleDocument, now: number): ScheduleDocument {
    const stamp = new Date(now).toISOString();
    if (!previous || !previous.activeSince) return { ...next, activeSince: stamp };
    const comparable = (d: ScheduleDocument) => JSON.stringify({ vms: d.vms, operation: d.operation, when: d.when, time: d.time });
    const reenabled = next.enabled && !previous.enabled;
    if (reenabled || comparable(previous) !== comparable(next)) return { ...next, activeSince: stamp };
    return { ...next, activeSince: previous.activeSince };
}
