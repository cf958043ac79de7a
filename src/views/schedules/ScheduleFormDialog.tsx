// Create or edit a schedule: its VMs, the operation with its options, when it runs, and whether it is
// on. The form keeps what the admin typed; the document it stands for is checked with the schedule's
// schema (core) as they type, and the next run is previewed with core's nextRun in the host's zone.
import {
    Checkbox, FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, Radio, Switch, TextInput,
} from "@patternfly/react-core";
import { useEffect, useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { DocumentFormModal, fieldIssues, useDocumentForm } from "../../components/DocumentForm";
import { documentNameProblem, validateDocument, type DocumentIssue } from "../../core/config/documents";
import { nextRun } from "../../core/schedule/schedule";
import { SCHEDULE_KIND, SHUTDOWN_TIMEOUT_MAX_SECONDS, toSchedule, type ScheduleDocument } from "../../core/schedule/schedule-document";
import { DEFAULT_SNAPSHOT_PATTERN } from "../../core/schedule/scheduled-snapshots";
import { localDateTime } from "../../core/schedule/zoned-time";
import { NEW_DOCUMENT_TAG } from "../../host/config-documents";
import { saveSchedule } from "../../host/schedules";
import { formatHostTime, OPERATION_TYPES, operationTypeLabel, shortMonthsSentence, weekdayName, type OperationType } from "./schedule-labels";
import { VmPicker, type VmNames } from "../../components/VmPicker";

type Frequency = ScheduleDocument["when"]["frequency"];

interface ScheduleForm {
    name: string;
    vms: string[];
    operation: OperationType;
    timeoutSeconds: string;
    then: "force-off" | "give-up";
    namePattern: string;
    keep: string;
    job: string;
    frequency: Frequency;
    date: string;
    days: number[];
    // "1" to "31" or "last".
    monthDay: string;
    shortMonths: "skip" | "last-day";
    time: string;
    enabled: boolean;
}

export interface EditedSchedule {
    name: string;
    tag: string;
    value: ScheduleDocument;
}

function pad(n: number): string {
    return String(n).padStart(2, "0");
}

// A new schedule starts at the next whole hour, host time.
function newForm(timeZone: string): ScheduleForm {
    const t = localDateTime(Date.now() + 3_600_000, timeZone);
    return {
        name: "", vms: [], operation: "start", timeoutSeconds: "120", then: "force-off", namePattern: DEFAULT_SNAPSHOT_PATTERN,
        keep: "7", job: "", frequency: "daily", date: `${t.year}-${pad(t.month)}-${pad(t.day)}`, days: [1, 2, 3, 4, 5],
        monthDay: "1", shortMonths: "skip", time: `${pad(t.hour)}:00`, enabled: true,
    };
}

function formOf(edited: EditedSchedule, timeZone: string): ScheduleForm {
    const form = { ...newForm(timeZone), name: edited.name };
    const { value } = edited;
    const op = value.operation;
    form.vms = [...value.vms];
    form.operation = op.type;
    if (op.type === "shutdown") Object.assign(form, { timeoutSeconds: String(op.timeoutSeconds), then: op.then });
    if (op.type === "snapshot") Object.assign(form, { namePattern: op.namePattern, keep: String(op.keep) });
    if (op.type === "backup") form.job = op.job;
    const when = value.when;
    form.frequency = when.frequency;
    if (when.frequency === "once") form.date = when.date;
    if (when.frequency === "weekly") form.days = [...when.days];
    if (when.frequency === "monthly") Object.assign(form, { monthDay: String(when.day), shortMonths: when.shortMonths });
    form.time = value.time;
    form.enabled = value.enabled;
    return form;
}

// Digits only, so "", "1e2" and "1.5" are errors rather than numbers.
function whole(text: string): number {
    return /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}

function operationOf(form: ScheduleForm): unknown {
    switch (form.operation) {
    case "start": case "reboot": return { type: form.operation };
    case "shutdown": return { type: "shutdown", timeoutSeconds: whole(form.timeoutSeconds), then: form.then };
    case "snapshot": return { type: "snapshot", namePattern: form.namePattern, keep: whole(form.keep) };
    case "backup": return { type: "backup", job: form.job.trim() };
    }
}

function whenOf(form: ScheduleForm): unknown {
    switch (form.frequency) {
    case "once": return { frequency: "once", date: form.date };
    case "daily": return { frequency: "daily" };
    case "weekly": return { frequency: "weekly", days: [...form.days].sort() };
    case "monthly": return { frequency: "monthly", day: form.monthDay === "last" ? "last" : Number(form.monthDay), shortMonths: form.shortMonths };
    }
}

function documentOf(form: ScheduleForm, previous: ScheduleDocument | null): unknown {
    return {
        version: 1,
        vms: form.operation === "backup" ? [] : form.vms,
        operation: operationOf(form),
        when: whenOf(form),
        time: form.time,
        enabled: form.enabled,
        ...(previous?.activeSince ? { activeSince: previous.activeSince } : {}),
    };
}

// The page's words for the fields the form checks; anything else (a rule of the schema the form has no
// field for) shows the schema's own message.
function issueMessage(issue: DocumentIssue): string {
    const [field, sub] = issue.path.split(".");
    switch (field) {
    case "vms": return _("Choose at least one VM.");
    case "time": return _("A time of day, 00:00 to 23:59.");
    case "operation":
        if (sub === "timeoutSeconds") return cockpit.format(_("A whole number of seconds from 1 to $0."), SHUTDOWN_TIMEOUT_MAX_SECONDS);
        if (sub === "keep") return _("A whole number from 1 to 1000.");
        if (sub === "namePattern") return cockpit.format(_("The pattern needs {date} and {time} and may use {vm}; no other {…} and no “/”: $0"), issue.message);
        if (sub === "job") return _("The name of a backup job.");
        return issue.message;
    case "when":
        if (sub === "days") return _("Choose at least one day of the week.");
        if (sub === "date") return _("A date, as YYYY-MM-DD.");
        return issue.message;
    default:
        return issue.message;
    }
}

function fieldKey(issue: DocumentIssue): string {
    const [field, sub] = issue.path.split(".");
    return field === "operation" || field === "when" ? `${field}.${sub ?? ""}` : field;
}

export function ScheduleFormDialog({ edited, timeZone, vms, existingNames, onClose, onSaved }: {
    // null: a new schedule.
    edited: EditedSchedule | null;
    timeZone: string;
    vms: VmNames;
    existingNames: readonly string[];
    onClose: () => void;
    onSaved: (name: string) => void;
}) {
    const { form, set, visible, saving, saveError, submitted, submit } = useDocumentForm<ScheduleForm>(() => edited ? formOf(edited, timeZone) : newForm(timeZone));
    // The preview's "now", moved on every half minute so it stays right while the dialog is open.
    const [now, setNow] = useState(() => Date.now());
    useEffect(() => {
        const timer = window.setInterval(() => setNow(Date.now()), 30_000);
        return () => window.clearInterval(timer);
    }, []);
    const previous = edited?.value ?? null;
    const checked = validateDocument(SCHEDULE_KIND, documentOf(form, previous));
    const issues = new Map<string, string>();
    if (!checked.ok) {
        if (checked.error.problem === "schema") for (const issue of checked.error.issues) issues.set(fieldKey(issue), issueMessage(issue));
        else issues.set("", _("The form does not make a valid schedule."));
    }
    // The schema names a missing VM only once every field is right; the form says it at once.
    if (form.operation !== "backup" && form.vms.length === 0) issues.set("vms", issueMessage({ path: "vms", message: "" }));
    const nameProblem = edited ? null
        : documentNameProblem(form.name) ?? (existingNames.includes(form.name) ? _("A schedule of this name exists already.") : null);
    const { show, validated, helper } = fieldIssues(issues, visible);

    let preview: string;
    if (!checked.ok) preview = _("Complete the form to see when it runs next.");
    else if (!checked.value.enabled) preview = _("None: the schedule is turned off.");
    else {
        const next = nextRun(toSchedule(checked.value), now, timeZone);
        preview = next === null ? _("None: that date and time have passed.") : formatHostTime(next, timeZone);
    }

    const save = (): Promise<void> => submit(checked.ok && !nameProblem && issues.size === 0, async () => {
        if (!checked.ok) return;
        await saveSchedule(form.name, checked.value, previous, edited?.tag ?? NEW_DOCUMENT_TAG);
        onSaved(form.name);
    });

    const day = form.monthDay === "last" ? null : Number(form.monthDay);
    const title = edited ? cockpit.format(_("Edit schedule “$0”"), edited.name) : _("Create schedule");
    return (
        <DocumentFormModal idPrefix="kvm-schedule" title={title} saving={saving} saveError={saveError}
            saveErrorTitle={_("The schedule could not be saved")} formError={submitted ? issues.get("") ?? null : null}
            onSubmit={() => void save()} onClose={onClose}>
            <FormGroup label={_("Name")} fieldId="kvm-schedule-name" isRequired>
                <TextInput id="kvm-schedule-name" value={form.name} isDisabled={edited !== null} isRequired
                    validated={visible("name") && nameProblem ? "error" : "default"}
                    onChange={(_event, name) => set({ name }, "name")} />
                {visible("name") && nameProblem &&
                    <FormHelperText><HelperText><HelperTextItem variant="error">
                        {cockpit.format(_("This name cannot be used: $0"), nameProblem)}
                    </HelperTextItem></HelperText></FormHelperText>}
            </FormGroup>
            <FormGroup label={_("Operation")} fieldId="kvm-schedule-operation">
                <FormSelect id="kvm-schedule-operation" value={form.operation}
                    onChange={(_event, value) => set({ operation: value as OperationType }, "operation")}>
                    {OPERATION_TYPES.map(type => <FormSelectOption key={type} value={type} label={operationTypeLabel(type)} />)}
                </FormSelect>
            </FormGroup>
            {form.operation === "shutdown" && <>
                <FormGroup label={_("Wait for the guest")} fieldId="kvm-schedule-timeout">
                    <TextInput id="kvm-schedule-timeout" inputMode="numeric" value={form.timeoutSeconds}
                        validated={validated("operation.timeoutSeconds")} aria-describedby="kvm-schedule-timeout-unit"
                        onChange={(_event, timeoutSeconds) => set({ timeoutSeconds }, "operation.timeoutSeconds")} />
                    {helper("operation.timeoutSeconds", cockpit.format(_("Seconds, 1 to $0."), SHUTDOWN_TIMEOUT_MAX_SECONDS))}
                </FormGroup>
                <FormGroup label={_("If it is still running then")} role="radiogroup" fieldId="kvm-schedule-then" isStack>
                    <Radio id="kvm-schedule-then-force" name="kvm-schedule-then" isChecked={form.then === "force-off"}
                        label={_("Force it off")} onChange={() => set({ then: "force-off" })} />
                    <Radio id="kvm-schedule-then-give-up" name="kvm-schedule-then" isChecked={form.then === "give-up"}
                        label={_("Leave it running and record a failure")} onChange={() => set({ then: "give-up" })} />
                </FormGroup>
            </>}
            {form.operation === "snapshot" && <>
                <FormGroup label={_("Snapshot name")} fieldId="kvm-schedule-pattern">
                    <TextInput id="kvm-schedule-pattern" value={form.namePattern} validated={validated("operation.namePattern")}
                        onChange={(_event, namePattern) => set({ namePattern }, "operation.namePattern")} />
                    {helper("operation.namePattern", _("{date} and {time} are the host's date and time of the run, {vm} the VM's name."))}
                </FormGroup>
                <FormGroup label={_("Keep")} fieldId="kvm-schedule-keep">
                    <TextInput id="kvm-schedule-keep" inputMode="numeric" value={form.keep} validated={validated("operation.keep")}
                        onChange={(_event, keep) => set({ keep }, "operation.keep")} />
                    {helper("operation.keep", _("Snapshots per VM taken by this schedule; older ones it took are deleted. Other snapshots are never touched."))}
                </FormGroup>
            </>}
            {form.operation === "backup"
                ? <FormGroup label={_("Backup job")} fieldId="kvm-schedule-job" isRequired>
                    <TextInput id="kvm-schedule-job" value={form.job} validated={validated("operation.job")}
                        onChange={(_event, job) => set({ job }, "operation.job")} />
                    {helper("operation.job", _("The backup job names the VMs it backs up."))}
                </FormGroup>
                : <FormGroup label={_("Virtual machines")} fieldId="kvm-schedule-vms-filter" isRequired>
                    <VmPicker id="kvm-schedule-vms" names={vms} selected={form.vms} invalid={show("vms")} isDisabled={false}
                        onChange={picked => set({ vms: picked }, "vms")} />
                    {helper("vms")}
                </FormGroup>}
            <FormGroup label={_("Repeat")} fieldId="kvm-schedule-frequency">
                <FormSelect id="kvm-schedule-frequency" value={form.frequency}
                    onChange={(_event, value) => set({ frequency: value as Frequency }, "frequency")}>
                    <FormSelectOption value="once" label={_("Once")} />
                    <FormSelectOption value="daily" label={_("Every day")} />
                    <FormSelectOption value="weekly" label={_("Weekly")} />
                    <FormSelectOption value="monthly" label={_("Monthly")} />
                </FormSelect>
            </FormGroup>
            {form.frequency === "once" &&
                <FormGroup label={_("Date")} fieldId="kvm-schedule-date">
                    <TextInput id="kvm-schedule-date" type="date" value={form.date} validated={validated("when.date")}
                        onChange={(_event, date) => set({ date }, "when.date")} />
                    {helper("when.date")}
                </FormGroup>}
            {form.frequency === "weekly" &&
                <FormGroup label={_("Days")} role="group" fieldId="kvm-schedule-days" isInline>
                    {[1, 2, 3, 4, 5, 6, 7].map(d => (
                        <Checkbox key={d} id={`kvm-schedule-day-${d}`} label={weekdayName(d, "short")} aria-label={weekdayName(d)}
                            isChecked={form.days.includes(d)}
                            onChange={(_event, on) => set({ days: on ? [...form.days, d] : form.days.filter(x => x !== d) }, "when.days")} />
                    ))}
                    {helper("when.days")}
                </FormGroup>}
            {form.frequency === "monthly" && <>
                <FormGroup label={_("Day of the month")} fieldId="kvm-schedule-month-day">
                    <FormSelect id="kvm-schedule-month-day" value={form.monthDay}
                        onChange={(_event, monthDay) => set({ monthDay }, "when.day")}>
                        {Array.from({ length: 31 }, (_unused, i) => <FormSelectOption key={i} value={String(i + 1)} label={String(i + 1)} />)}
                        <FormSelectOption value="last" label={_("Last day of the month")} />
                    </FormSelect>
                </FormGroup>
                {day !== null && day > 28 &&
                    <FormGroup label={_("In shorter months")} role="radiogroup" fieldId="kvm-schedule-short-months" isStack>
                        <Radio id="kvm-schedule-short-skip" name="kvm-schedule-short" isChecked={form.shortMonths === "skip"}
                            label={cockpit.format(_("Skip months without a day $0"), day)} onChange={() => set({ shortMonths: "skip" })} />
                        <Radio id="kvm-schedule-short-last" name="kvm-schedule-short" isChecked={form.shortMonths === "last-day"}
                            label={_("Run on the last day of those months")} onChange={() => set({ shortMonths: "last-day" })} />
                        <HelperText><HelperTextItem>{shortMonthsSentence(day, form.shortMonths)}</HelperTextItem></HelperText>
                    </FormGroup>}
            </>}
            <FormGroup label={_("Time")} fieldId="kvm-schedule-time">
                <TextInput id="kvm-schedule-time" type="time" value={form.time} validated={validated("time")}
                    onChange={(_event, time) => set({ time }, "time")} />
                {helper("time", cockpit.format(_("The host's time ($0)."), timeZone))}
            </FormGroup>
            <FormGroup label={_("Enabled")} fieldId="kvm-schedule-enabled">
                <Switch id="kvm-schedule-enabled" isChecked={form.enabled} label={_("Runs on its schedule")}
                    onChange={(_event, enabled) => set({ enabled })} />
            </FormGroup>
            <FormGroup label={cockpit.format(_("Next run ($0)"), timeZone)} fieldId="kvm-schedule-preview">
                <div id="kvm-schedule-preview" aria-live="polite" className="kvm-schedule-preview">{preview}</div>
            </FormGroup>
        </DocumentFormModal>
    );
}
