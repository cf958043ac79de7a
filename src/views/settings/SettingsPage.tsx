// Settings: the metrics retention policy (/etc/kvm-manager/retention.json) and "Clean up now". A damaged
// policy file is shown as such and only replaced when the admin saves on purpose.
import {
    ActionGroup, Alert, Button, Card, CardBody, CardTitle, DescriptionList, DescriptionListDescription, DescriptionListGroup,
    DescriptionListTerm, Form, FormGroup, FormHelperText, HelperText, HelperTextItem, InputGroup, InputGroupItem,
    PageSection, Spinner, Switch, TextInput,
} from "@patternfly/react-core";
import { MinusIcon, PlusIcon } from "@patternfly/react-icons";
import { useCallback, useEffect, useRef, useState, type CSSProperties } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { formatBytes } from "../../core/format";
import {
    DEFAULT_RETENTION_POLICY, RETENTION_DAYS_MAX, RETENTION_DAYS_MIN, validateRetentionPolicy,
    type RetentionField, type RetentionPolicy, type ValidationError,
} from "../../core/metrics/retention";
import { ADMIN_ACCESS_HINT } from "../../components/ConnectionEmptyState";
import { readJsonConfig, watchConfigFile, type ConfigRead } from "../../host/config-files";
import {
    RETENTION_POLICY_PATH as POLICY_PATH, cleanUpNow, readRetentionStatus, saveRetentionPolicy, type RetentionAnswer,
} from "../../host/retention";
import { useAdminAccess } from "../../lib/permission";

// The page's own words for each field, so they can be translated (core's messages are for logs).
function fieldMessage(field: RetentionField): string {
    switch (field) {
    case "retentionDays": return cockpit.format(_("A whole number of days from $0 to $1."), RETENTION_DAYS_MIN, RETENTION_DAYS_MAX);
    case "cleanupHour": return _("A whole hour from 0 to 23.");
    case "enabled": return _("On or off.");
    case "lastCleanup": return _("The last clean-up time in the file is not a valid time.");
    }
}

// core's messages are English, for logs and the command line: the page shows its own, translated.
function validationMessage(error: ValidationError): string {
    switch (error.field) {
    case "retentionDays": case "cleanupHour": case "enabled": case "lastCleanup":
        return fieldMessage(error.field);
    default:
        return _("The file is not a retention policy this version understands: it is not a JSON object, or it has settings with unknown names.");
    }
}

// The form keeps what the admin typed, so an empty or mistyped field stays as it is and is reported,
// instead of becoming 0 the way Number("") does.
interface PolicyForm {
    enabled: boolean;
    retentionDays: string;
    cleanupHour: string;
    lastCleanup: string | null;
}

function toForm(policy: RetentionPolicy): PolicyForm {
    return { ...policy, retentionDays: String(policy.retentionDays), cleanupHour: String(policy.cleanupHour) };
}

// Digits only: "", "-1", "1e2", "0x1f", "1.5" and "abc" are not whole numbers of days or hours.
function wholeNumber(text: string): number {
    const trimmed = text.trim();
    return /^[0-9]{1,6}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

function toPolicy(form: PolicyForm): Record<RetentionField, unknown> {
    return { ...form, retentionDays: wholeNumber(form.retentionDays), cleanupHour: wholeNumber(form.cleanupHour) };
}

// A whole-number policy field with its rule under it, as text: PF's NumberInput is an <input
// type="number"> that turns "" into 0 on blur and lets "1e2" through. `wraps`: minus below min gives max
// (hours of a day).
function PolicyNumberField({ id, label, field, value, min, max, unit, wraps = false, ariaLabel, readOnly, invalid, onChange }: {
    id: string;
    label: string;
    field: RetentionField;
    value: string;
    min: number;
    max: number;
    unit: string;
    wraps?: boolean;
    ariaLabel: string;
    readOnly: boolean;
    invalid: boolean;
    onChange: (value: string) => void;
}) {
    const current = wholeNumber(value);
    const step = (delta: number): string => {
        if (Number.isNaN(current)) return String(delta > 0 ? min : max);
        return String(wraps
            ? min + ((current - min + delta + (max - min + 1)) % (max - min + 1))
            : Math.min(max, Math.max(min, current + delta)));
    };
    const helperId = `${id}-helper`;
    return (
        <FormGroup label={label} fieldId={`${id}-input`}>
            {/* PF's number-input classes (in patternfly.css) give it NumberInput's look. */}
            <div id={id} className="pf-v6-c-number-input"
                style={{ "--pf-v6-c-number-input--c-form-control--width-chars": String(max).length + 1 } as CSSProperties}>
                <InputGroup>
                    <InputGroupItem>
                        <Button variant="control" aria-label={cockpit.format(_("$0: one less"), label)}
                            icon={<span className="pf-v6-c-number-input__icon"><MinusIcon /></span>}
                            isDisabled={readOnly || (!wraps && current <= min)} onClick={() => onChange(step(-1))} />
                    </InputGroupItem>
                    <InputGroupItem>
                        <TextInput id={`${id}-input`} name={field} type="text" inputMode="numeric" value={value}
                            isDisabled={readOnly} aria-label={ariaLabel} aria-describedby={helperId}
                            validated={invalid ? "error" : "default"}
                            onChange={(_event, text) => onChange(text)} />
                    </InputGroupItem>
                    <InputGroupItem>
                        <Button variant="control" aria-label={cockpit.format(_("$0: one more"), label)}
                            icon={<span className="pf-v6-c-number-input__icon"><PlusIcon /></span>}
                            isDisabled={readOnly || (!wraps && current >= max)} onClick={() => onChange(step(1))} />
                    </InputGroupItem>
                </InputGroup>
                <div className="pf-v6-c-number-input__unit">{unit}</div>
            </div>
            <FormHelperText>
                <HelperText id={helperId}>
                    <HelperTextItem variant={invalid ? "error" : "default"}>{fieldMessage(field)}</HelperTextItem>
                </HelperText>
            </FormHelperText>
        </FormGroup>
    );
}

function CleanupResult({ answer }: { answer: RetentionAnswer }) {
    if (!answer.ok) return <Alert isInline variant="danger" title={_("Clean-up failed")} id="kvm-cleanup-result">{answer.error}</Alert>;
    const totals = answer.report?.totals;
    return (
        <Alert isInline variant="success" title={_("Clean-up finished")} id="kvm-cleanup-result">
            {totals
                ? cockpit.format(_("Removed $0 samples in $1 files, freeing $2. Kept everything newer than $3."),
                    totals.rows, totals.files, formatBytes(totals.bytesFreed, cockpit.language),
                    new Date(answer.report?.cutoffMs ?? 0).toLocaleString(cockpit.language))
                : answer.reason}
        </Alert>
    );
}

export function SettingsPage() {
    const admin = useAdminAccess();
    const [read, setRead] = useState<ConfigRead<RetentionPolicy> | null>(null);
    const [loadError, setLoadError] = useState<string | null>(null);
    const [form, setFormState] = useState<PolicyForm>(toForm(DEFAULT_RETENTION_POLICY));
    // Unsaved edits: a change of the file on disk then does not overwrite what the admin is typing.
    const [dirty, setDirty] = useState(false);
    // Counts the admin's edits, so a read that was under way while they typed does not replace what they
    // typed (nor the tag their edit is based on).
    const edits = useRef(0);
    const setForm = (value: PolicyForm): void => {
        edits.current += 1;
        setFormState(value);
        setDirty(true);
        setSaved(false);
    };
    const [saving, setSaving] = useState(false);
    const [saveError, setSaveError] = useState<string | null>(null);
    const [saved, setSaved] = useState(false);
    const [cleaning, setCleaning] = useState(false);
    const [cleanup, setCleanup] = useState<RetentionAnswer | null>(null);
    // From kvm-manager-retention --status (the helpers' run state in /var/lib); undefined: it could not be asked.
    const [lastCleanup, setLastCleanup] = useState<string | null | undefined>(null);

    // Reads the policy file and the helpers' run state; the state is set from the promises' callbacks only.
    const load = useCallback((): Promise<void> => {
        readRetentionStatus().then(status => setLastCleanup(status.lastCleanup), () => setLastCleanup(undefined));
        const editsBefore = edits.current;
        return readJsonConfig(POLICY_PATH, validateRetentionPolicy).then(result => {
            if (edits.current !== editsBefore) return;
            setRead(result);
            setFormState(toForm(result.kind === "ok" ? result.value : DEFAULT_RETENTION_POLICY));
            setDirty(false);
            setLoadError(null);
        }, (error: unknown) => {
            // The form no longer stands for a file this page has read: saving it with the old read's tag
            // would only end in "changed elsewhere". Save waits for a successful read.
            setRead(null);
            setLoadError((error as Error).message);
        });
    }, []);

    useEffect(() => {
        void load();
    }, [load]);

    useEffect(() => watchConfigFile(POLICY_PATH, () => {
        if (!dirty) void load();
    }), [dirty, load]);

    const validation = validateRetentionPolicy(toPolicy(form));
    const invalidFields = new Set(validation.ok ? [] : validation.errors.map(e => e.field));
    const readOnly = admin === false;

    const save = async (): Promise<void> => {
        if (!read || !validation.ok) return;
        setSaving(true);
        setSaveError(null);
        setSaved(false);
        try {
            const tag = await saveRetentionPolicy(validation.value, read.tag);
            setRead({ kind: "ok", value: validation.value, tag });
            setDirty(false);
            setSaved(true);
        } catch (error) {
            const problem = (error as { problem?: string; message?: string });
            setSaveError(problem.problem === "change-conflict"
                ? _("The policy was changed elsewhere since this page read it. Reload the settings and try again.")
                : problem.message ?? String(error));
        } finally {
            setSaving(false);
        }
    };

    const runCleanup = async (): Promise<void> => {
        setCleaning(true);
        setCleanup(null);
        try {
            setCleanup(await cleanUpNow());
        } catch (error) {
            setCleanup({ ok: false, error: (error as Error).message });
        } finally {
            setCleaning(false);
            void load();
        }
    };

    if (!read && !loadError) return <PageSection><Spinner aria-label={_("Loading settings")} /></PageSection>;

    return (
        <PageSection id="kvm-settings">
            {readOnly &&
                <Alert isInline variant="info" className="kvm-read-only" title={_("Read-only: administrative access is off")}>
                    {_(ADMIN_ACCESS_HINT)}
                </Alert>}
            <Card>
                <CardTitle>{_("Metrics retention")}</CardTitle>
                <CardBody>
                    {loadError &&
                        <Alert isInline variant="danger" id="kvm-policy-read-error" title={_("The retention policy could not be read")}>
                            <p>{loadError}</p>
                            <p>{_("Saving is possible again once Reload reads the file.")}</p>
                        </Alert>}
                    {read?.kind === "invalid" &&
                        <Alert isInline variant="warning" id="kvm-policy-invalid" title={read.message}>
                            {[...new Set(read.errors.map(validationMessage))].map(message => <div key={message}>{message}</div>)}
                            {_("The file was left as it is, and the daily clean-up skips it. Saving below replaces it with the settings shown.")}
                        </Alert>}
                    {read?.kind === "missing" &&
                        <HelperText className="kvm-policy-note"><HelperTextItem>{cockpit.format(_("No policy saved yet: the defaults below apply until you save ($0)."), POLICY_PATH)}</HelperTextItem></HelperText>}
                    <Form isHorizontal onSubmit={event => {
                        event.preventDefault();
                        void save();
                    }}>
                        <FormGroup label={_("Daily clean-up")} fieldId="kvm-retention-enabled">
                            <Switch id="kvm-retention-enabled" isChecked={form.enabled} isDisabled={readOnly}
                                label={_("Remove metrics older than the retention period every day")}
                                onChange={(_event, enabled) => setForm({ ...form, enabled })} />
                        </FormGroup>
                        <PolicyNumberField id="kvm-retention-days" label={_("Keep metrics for")} field="retentionDays"
                            value={form.retentionDays} min={RETENTION_DAYS_MIN} max={RETENTION_DAYS_MAX} unit={_("days")}
                            ariaLabel={_("Retention in days")} readOnly={readOnly} invalid={invalidFields.has("retentionDays")}
                            onChange={retentionDays => setForm({ ...form, retentionDays })} />
                        <PolicyNumberField id="kvm-cleanup-hour" label={_("Clean-up hour (host time)")} field="cleanupHour"
                            value={form.cleanupHour} min={0} max={23} unit=":00" wraps
                            ariaLabel={_("Clean-up hour")} readOnly={readOnly} invalid={invalidFields.has("cleanupHour")}
                            onChange={cleanupHour => setForm({ ...form, cleanupHour })} />
                        {saveError && <Alert isInline variant="danger" title={_("The policy could not be saved")}>{saveError}</Alert>}
                        {saved && <Alert isInline variant="success" title={_("Saved")} id="kvm-policy-saved" />}
                        <ActionGroup>
                            <Button type="submit" variant="primary" id="kvm-policy-save" isLoading={saving}
                                isDisabled={readOnly || saving || !validation.ok || !read}>
                                {read?.kind === "invalid" ? _("Replace the damaged file") : _("Save")}
                            </Button>
                            <Button variant="link" onClick={() => void load()}>{_("Reload")}</Button>
                        </ActionGroup>
                    </Form>
                </CardBody>
            </Card>
            <Card className="kvm-settings-cleanup">
                <CardTitle>{_("Clean up now")}</CardTitle>
                <CardBody>
                    <DescriptionList isHorizontal isCompact>
                        <DescriptionListGroup>
                            <DescriptionListTerm>{_("Last clean-up")}</DescriptionListTerm>
                            <DescriptionListDescription id="kvm-last-cleanup">
                                {lastCleanup === undefined ? _("Unknown")
                                    : lastCleanup ? new Date(lastCleanup).toLocaleString(cockpit.language) : _("Never")}
                            </DescriptionListDescription>
                        </DescriptionListGroup>
                    </DescriptionList>
                    <p>{_("Removes metrics older than the saved retention period at once, even when the daily clean-up is off.")}</p>
                    <Button variant="secondary" id="kvm-cleanup-now" isLoading={cleaning} isDisabled={readOnly || cleaning}
                        onClick={() => void runCleanup()}>{_("Clean up now")}</Button>
                    {cleanup && <CleanupResult answer={cleanup} />}
                </CardBody>
            </Card>
        </PageSection>
    );
}
