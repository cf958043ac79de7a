// Create or edit a backup job: its name, VMs, target directory, compression, retention (Proxmox VE's
// prune options) and whether it is on. What the admin typed is checked with the job's schema (core) as
// they type and worded here; the file is written with the tag it was read with, so an edit made
// elsewhere meanwhile is refused rather than overwritten.
import { Checkbox, FormGroup, FormHelperText, HelperText, HelperTextItem, Switch, TextInput } from "@patternfly/react-core";
import cockpit, { _ } from "../../lib/cockpit";
import { DocumentFormModal, fieldIssues, useDocumentForm } from "../../components/DocumentForm";
import { VmPicker, type VmNames } from "../../components/VmPicker";
import { BACKUP_JOB_KIND, DEFAULT_BACKUP_TARGET, type BackupJob } from "../../core/backup/backup-job";
import { KEEP_OPTIONS, type KeepOption } from "../../core/backup/prune";
import { DOCUMENT_NAME_MAX_BYTES, documentNameProblem, validateDocument, type DocumentIssue } from "../../core/config/documents";
import { NEW_DOCUMENT_TAG } from "../../host/config-documents";
import { saveBackupJob } from "../../host/backups";

// The schema's bound for a keep-* count.
const KEEP_MAX = 100_000;

export interface EditedBackupJob {
    name: string;
    tag: string;
    value: BackupJob;
}

interface JobForm {
    name: string;
    vms: string[];
    target: string;
    compression: boolean;
    // "" is unset.
    keep: Record<KeepOption, string>;
    keepAll: boolean;
    enabled: boolean;
}

function keepLabel(option: KeepOption): string {
    switch (option) {
    case "keep-last": return _("Last");
    case "keep-hourly": return _("Hourly");
    case "keep-daily": return _("Daily");
    case "keep-weekly": return _("Weekly");
    case "keep-monthly": return _("Monthly");
    case "keep-yearly": return _("Yearly");
    }
}

function formOf(edited: EditedBackupJob | null): JobForm {
    const keep = Object.fromEntries(KEEP_OPTIONS.map(o => [o, ""])) as Record<KeepOption, string>;
    if (!edited) return { name: "", vms: [], target: DEFAULT_BACKUP_TARGET, compression: false, keep, keepAll: false, enabled: true };
    const { value } = edited;
    for (const option of KEEP_OPTIONS) {
        const count = value.prune[option];
        if (count !== undefined) keep[option] = String(count);
    }
    return {
        name: edited.name, vms: [...value.vms], target: value.target, compression: value.compression, keep,
        keepAll: value.prune["keep-all"] === true, enabled: value.enabled,
    };
}

// Digits only, so "1e2", "-1" and "1.5" are errors rather than numbers.
function whole(text: string): number {
    return /^\d{1,6}$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}

function documentOf(form: JobForm): unknown {
    const prune: Record<string, number | boolean> = form.keepAll ? { "keep-all": true } : {};
    for (const option of KEEP_OPTIONS) {
        if (form.keep[option].trim() !== "") prune[option] = whole(form.keep[option]);
    }
    return { version: 1, vms: form.vms, target: form.target, compression: form.compression, prune, enabled: form.enabled };
}

// The page's words for the fields the form has; a rule it has no field for shows the schema's message.
function issueMessage(issue: DocumentIssue): string {
    const [field] = issue.path.split(".");
    switch (field) {
    case "vms": return _("Choose at least one VM.");
    case "target": return _("An absolute directory path (starting with “/”), without “..” and without control characters.");
    case "prune": return cockpit.format(_("A whole number from 0 to $0, or empty."), KEEP_MAX);
    default: return issue.message;
    }
}

// "prune.keep-last" stays whole: each count has its own field.
function fieldKey(issue: DocumentIssue): string {
    const [field, sub] = issue.path.split(".");
    return field === "prune" ? `prune.${sub ?? ""}` : field;
}

export function BackupJobFormDialog({ edited, vms, existingNames, onClose, onSaved }: {
    // null: a new job.
    edited: EditedBackupJob | null;
    vms: VmNames;
    existingNames: readonly string[];
    onClose: () => void;
    onSaved: (name: string) => void;
}) {
    const { form, set, visible, saving, saveError, submitted, submit } = useDocumentForm<JobForm>(() => formOf(edited));

    const checked = validateDocument(BACKUP_JOB_KIND, documentOf(form));
    const issues = new Map<string, string>();
    if (!checked.ok) {
        if (checked.error.problem === "schema") for (const issue of checked.error.issues) issues.set(fieldKey(issue), issueMessage(issue));
        else issues.set("", _("The form does not make a valid backup job."));
    }
    const nameRules = cockpit.format(_("Up to $0 bytes, any language; not “/”, control characters, a leading “.” or a leading or trailing space."),
        DOCUMENT_NAME_MAX_BYTES);
    const nameProblem = edited ? null
        : documentNameProblem(form.name) !== null ? nameRules
            : existingNames.includes(form.name) ? _("A backup job of this name exists already.") : null;
    const { show, validated, helper } = fieldIssues(issues, visible);
    const showName = visible("name") && nameProblem !== null;
    const keepErrors = KEEP_OPTIONS.filter(o => show(`prune.${o}`));

    const save = (): Promise<void> => submit(checked.ok && !nameProblem && issues.size === 0, async () => {
        if (!checked.ok) return;
        await saveBackupJob(form.name, checked.value, edited?.tag ?? NEW_DOCUMENT_TAG);
        onSaved(form.name);
    });

    const title = edited ? cockpit.format(_("Edit backup job “$0”"), edited.name) : _("Create backup job");
    return (
        <DocumentFormModal idPrefix="kvm-backup-job" title={title} saving={saving} saveError={saveError}
            saveErrorTitle={_("The backup job could not be saved")} formError={submitted ? issues.get("") ?? null : null}
            onSubmit={() => void save()} onClose={onClose}>
            <FormGroup label={_("Name")} fieldId="kvm-backup-job-name" isRequired>
                <TextInput id="kvm-backup-job-name" value={form.name} isDisabled={edited !== null} isRequired
                    validated={showName ? "error" : "default"} onChange={(_event, name) => set({ name }, "name")} />
                {!edited &&
                    <FormHelperText><HelperText><HelperTextItem variant={showName ? "error" : "default"}>
                        {showName ? nameProblem : nameRules}
                    </HelperTextItem></HelperText></FormHelperText>}
            </FormGroup>
            <FormGroup label={_("Virtual machines")} fieldId="kvm-backup-job-vms-filter" isRequired>
                <VmPicker id="kvm-backup-job-vms" names={vms} selected={form.vms} invalid={show("vms")} isDisabled={false}
                    onChange={picked => set({ vms: picked }, "vms")} />
                {helper("vms")}
            </FormGroup>
            <FormGroup label={_("Target directory")} fieldId="kvm-backup-job-target" isRequired>
                <TextInput id="kvm-backup-job-target" value={form.target} validated={validated("target")} className="kvm-technical"
                    onChange={(_event, target) => set({ target }, "target")} />
                {helper("target", _("An existing local directory, or a mounted share or disk (an unmounted one is refused). QEMU writes a running VM's backup as its own user, so it must be able to reach the directory: every directory above it must let others through (e.g. mode 0711)."))}
            </FormGroup>
            <FormGroup label={_("Compression")} fieldId="kvm-backup-job-compression">
                <Switch id="kvm-backup-job-compression" isChecked={form.compression} label={_("Compress the disk images (smaller, slower)")}
                    onChange={(_event, compression) => set({ compression })} />
            </FormGroup>
            <FormGroup label={_("Retention")} role="group" fieldId="kvm-backup-job-keep-last">
                <div className="kvm-keep-fields">
                    {KEEP_OPTIONS.map(option => (
                        <div key={option} className="kvm-keep-field">
                            <label htmlFor={`kvm-backup-job-${option}`}>{keepLabel(option)}</label>
                            <TextInput id={`kvm-backup-job-${option}`} inputMode="numeric" value={form.keep[option]} isDisabled={form.keepAll}
                                validated={validated(`prune.${option}`)} onChange={(_event, text) => set({ keep: { ...form.keep, [option]: text } }, `prune.${option}`)} />
                        </div>
                    ))}
                </div>
                <Checkbox id="kvm-backup-job-keep-all" label={_("Keep every backup")} isChecked={form.keepAll}
                    onChange={(_event, keepAll) => set({ keepAll })} />
                <FormHelperText><HelperText>
                    {keepErrors.length > 0
                        ? <HelperTextItem variant="error">{cockpit.format(_("$0: $1"), keepErrors.map(keepLabel).join(", "), issues.get(`prune.${keepErrors[0]}`) ?? "")}</HelperTextItem>
                        : <HelperTextItem>{_("As in Proxmox VE, per VM: Last keeps the newest N backups; the others keep the newest backup of each of the last N hours, days, weeks, months or years that have one, among the backups not kept already. Empty fields are not used; all empty keeps every backup. Protected backups and the newest verified one are always kept.")}</HelperTextItem>}
                </HelperText></FormHelperText>
            </FormGroup>
            <FormGroup label={_("Enabled")} fieldId="kvm-backup-job-enabled">
                <Switch id="kvm-backup-job-enabled" isChecked={form.enabled} label={_("Backs up its VMs when it runs (off: every run skips them)")}
                    onChange={(_event, enabled) => set({ enabled })} />
            </FormGroup>
        </DocumentFormModal>
    );
}
