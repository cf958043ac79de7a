// Create or edit an alert rule. The form keeps what was typed as text and checks it with the rule's
// schema (the one the collector reads with), each problem worded here, under its field.
import {
    Alert, Button, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption, Grid, GridItem, HelperText,
    HelperTextItem, Modal, ModalBody, ModalFooter, ModalHeader, ModalVariant, Radio, Switch, TextArea, TextInput,
} from "@patternfly/react-core";
import { useState, type ReactNode } from "react";
import {
    ALERT_CHECKS_MAX, ALERT_METRICS, ALERT_RULE_KIND, ALERT_SEVERITIES, WEBHOOK_RETRIES_MAX, WEBHOOK_TIMEOUT_MAX_SECONDS,
    isPercentMetric, type AlertMetric, type AlertRule, type AlertSeverity,
} from "../../core/alerts/alert-rule";
import { documentNameProblem, validateDocument } from "../../core/config/documents";
import { DocumentWriteError, NEW_DOCUMENT_TAG, writeDocument } from "../../host/config-documents";
import cockpit, { _ } from "../../lib/cockpit";
import { metricLabel, severityLabel } from "./alert-labels";

type ConditionChoice = AlertMetric | "not-running";
const RATE_UNITS = { "B/s": 1, "KiB/s": 1024, "MiB/s": 1024 * 1024 } as const;
type RateUnit = keyof typeof RATE_UNITS;

interface RuleForm {
    name: string;
    allVms: boolean;
    vms: string;
    condition: ConditionChoice;
    comparison: "above" | "below";
    threshold: string;
    unit: RateUnit;
    forChecks: string;
    clearChecks: string;
    severity: AlertSeverity;
    enabled: boolean;
    webhookUrl: string;
    webhookTimeout: string;
    webhookRetries: string;
    command: string;
}

type Field = "name" | "vms" | "threshold" | "forChecks" | "clearChecks" | "webhookUrl" | "webhookTimeout" | "webhookRetries" | "command";

function rateUnitOf(bps: number): RateUnit {
    if (bps >= RATE_UNITS["MiB/s"] && bps % RATE_UNITS["MiB/s"] === 0) return "MiB/s";
    if (bps >= RATE_UNITS["KiB/s"] && bps % RATE_UNITS["KiB/s"] === 0) return "KiB/s";
    return "B/s";
}

function toForm(name: string, rule: AlertRule | null): RuleForm {
    const c = rule?.condition;
    const unit = c?.type === "metric" && !isPercentMetric(c.metric) ? rateUnitOf(c.threshold) : "B/s";
    return {
        name,
        allVms: !rule || rule.vms === "all",
        vms: rule && rule.vms !== "all" ? rule.vms.join("\n") : "",
        condition: !c ? "cpuPercent" : c.type === "metric" ? c.metric : "not-running",
        comparison: c?.type === "metric" ? c.comparison : "above",
        threshold: c?.type === "metric" ? String(c.threshold / (isPercentMetric(c.metric) ? 1 : RATE_UNITS[unit])) : "80",
        unit,
        forChecks: String(rule?.forChecks ?? 3),
        clearChecks: String(rule?.clearChecks ?? 2),
        severity: rule?.severity ?? "warning",
        enabled: rule?.enabled ?? true,
        webhookUrl: rule?.notify?.webhook?.url ?? "",
        webhookTimeout: String(rule?.notify?.webhook?.timeoutSeconds ?? 10),
        webhookRetries: String(rule?.notify?.webhook?.retries ?? 3),
        command: rule?.notify?.command ?? "",
    };
}

// "" and "abc" are not numbers (Number("") is 0).
function numberOf(text: string): number {
    const t = text.trim();
    return /^[0-9]+(\.[0-9]+)?$/.test(t) ? Number(t) : Number.NaN;
}

function toRule(form: RuleForm): unknown {
    const metric = form.condition === "not-running" ? null : form.condition;
    const webhook = form.webhookUrl.trim()
        ? { url: form.webhookUrl.trim(), timeoutSeconds: numberOf(form.webhookTimeout), retries: numberOf(form.webhookRetries) }
        : undefined;
    const command = form.command.trim() || undefined;
    return {
        version: 1,
        vms: form.allVms ? "all" : form.vms.split("\n").filter(line => line !== ""),
        condition: metric === null
            ? { type: "not-running" }
            : { type: "metric", metric, comparison: form.comparison, threshold: numberOf(form.threshold) * (isPercentMetric(metric) ? 1 : RATE_UNITS[form.unit]) },
        forChecks: numberOf(form.forChecks),
        clearChecks: numberOf(form.clearChecks),
        severity: form.severity,
        enabled: form.enabled,
        ...(webhook || command ? { notify: { ...(webhook ? { webhook } : {}), ...(command ? { command } : {}) } } : {}),
    };
}

function fieldOfPath(path: string): Field | null {
    if (path.startsWith("vms")) return "vms";
    if (path.startsWith("condition")) return "threshold";
    if (path === "forChecks" || path === "clearChecks") return path;
    if (path === "notify.webhook.url") return "webhookUrl";
    if (path === "notify.webhook.timeoutSeconds") return "webhookTimeout";
    if (path === "notify.webhook.retries") return "webhookRetries";
    if (path === "notify.command") return "command";
    return null;
}

function fieldMessage(field: Field, form: RuleForm): string {
    switch (field) {
    case "name": return _("A name for the rule: not empty, without \"/\", control characters or a leading dot or space.");
    case "vms": return _("One VM name per line, at least one.");
    case "threshold": return form.condition === "cpuPercent" || form.condition === "memoryPercent"
        ? _("A percentage from 0 to 100.")
        : _("A rate of 0 or more.");
    case "forChecks": case "clearChecks":
        return cockpit.format(_("A whole number of checks from 1 to $0 (the collector checks every 30 seconds)."), ALERT_CHECKS_MAX);
    case "webhookUrl": return _("An http:// or https:// URL, or empty for no webhook.");
    case "webhookTimeout": return cockpit.format(_("Seconds from 1 to $0."), WEBHOOK_TIMEOUT_MAX_SECONDS);
    case "webhookRetries": return cockpit.format(_("A whole number from 0 to $0."), WEBHOOK_RETRIES_MAX);
    case "command": return _("The absolute path of a program (it gets the alert as JSON on its input), or empty.");
    }
}

function problemsOf(form: RuleForm, isNew: boolean): Set<Field> {
    const problems = new Set<Field>();
    if (isNew && documentNameProblem(form.name) !== null) problems.add("name");
    const checked = validateDocument(ALERT_RULE_KIND, toRule(form));
    if (!checked.ok) {
        if (checked.error.problem === "schema") {
            for (const issue of checked.error.issues) {
                const field = fieldOfPath(issue.path);
                if (field) problems.add(field);
            }
        }
    }
    return problems;
}

function FieldGroup({ label, id, field, problems, form, helper, children, isRequired }: {
    label: string; id: string; field: Field; problems: Set<Field>; form: RuleForm; helper?: string; children: ReactNode; isRequired?: boolean;
}) {
    const invalid = problems.has(field);
    return (
        <FormGroup label={label} fieldId={id} isRequired={isRequired}>
            {children}
            {(invalid || helper) &&
                <FormHelperText><HelperText><HelperTextItem variant={invalid ? "error" : "default"} id={`${id}-helper`}>
                    {invalid ? fieldMessage(field, form) : helper}
                </HelperTextItem></HelperText></FormHelperText>}
        </FormGroup>
    );
}

export function AlertRuleDialog({ name, rule, tag, onSaved, onCancel }: {
    // null: a new rule.
    name: string | null;
    rule: AlertRule | null;
    tag: string;
    onSaved: () => void;
    onCancel: () => void;
}) {
    const isNew = name === null;
    const [form, setForm] = useState<RuleForm>(() => toForm(name ?? "", rule));
    const [touched, setTouched] = useState(false);
    const [saving, setSaving] = useState(false);
    const [error, setError] = useState<string | null>(null);
    const problems = problemsOf(form, isNew);
    const shown = touched ? problems : new Set<Field>();
    const set = (patch: Partial<RuleForm>) => setForm(f => ({ ...f, ...patch }));
    const isRate = form.condition !== "not-running" && !isPercentMetric(form.condition);

    const save = async (): Promise<void> => {
        setTouched(true);
        if (problems.size > 0) return;
        setSaving(true);
        setError(null);
        try {
            await writeDocument(ALERT_RULE_KIND, isNew ? form.name : name, toRule(form) as AlertRule, isNew ? NEW_DOCUMENT_TAG : tag);
            onSaved();
        } catch (e) {
            setError(e instanceof DocumentWriteError ? e.message : String((e as Error).message ?? e));
            setSaving(false);
        }
    };

    const title = isNew ? _("Create alert rule") : cockpit.format(_("Edit alert rule $0"), name);
    return (
        <Modal isOpen variant={ModalVariant.medium} onClose={onCancel} aria-labelledby="kvm-alert-rule-title" id="kvm-alert-rule-dialog">
            <ModalHeader title={title} labelId="kvm-alert-rule-title" />
            <ModalBody>
                <Form id="kvm-alert-rule-form" onSubmit={event => { event.preventDefault(); void save(); }}>
                    {error && <Alert isInline variant="danger" title={_("The rule was not saved")} id="kvm-alert-rule-error">{error}</Alert>}
                    {isNew &&
                        <FieldGroup label={_("Name")} id="kvm-alert-rule-name" field="name" problems={shown} form={form} isRequired>
                            <TextInput id="kvm-alert-rule-name" value={form.name} onChange={(_e, v) => set({ name: v })}
                                validated={shown.has("name") ? "error" : "default"} />
                        </FieldGroup>}
                    <FormGroup role="radiogroup" label={_("Virtual machines")} fieldId="kvm-alert-rule-all" isStack>
                        <Radio id="kvm-alert-rule-all" name="vms" label={_("All VMs, also those defined later")} isChecked={form.allVms}
                            onChange={() => set({ allVms: true })} />
                        <Radio id="kvm-alert-rule-some" name="vms" label={_("These VMs")} isChecked={!form.allVms}
                            onChange={() => set({ allVms: false })} />
                    </FormGroup>
                    {!form.allVms &&
                        <FieldGroup label={_("VM names, one per line")} id="kvm-alert-rule-vms" field="vms" problems={shown} form={form}>
                            <TextArea id="kvm-alert-rule-vms" value={form.vms} onChange={(_e, v) => set({ vms: v })} rows={4}
                                validated={shown.has("vms") ? "error" : "default"} resizeOrientation="vertical" />
                        </FieldGroup>}
                    <Grid hasGutter>
                        <GridItem md={6}>
                            <FormGroup label={_("Condition")} fieldId="kvm-alert-rule-condition">
                                <FormSelect id="kvm-alert-rule-condition" value={form.condition}
                                    onChange={(_e, v) => set({ condition: v as ConditionChoice })}>
                                    {ALERT_METRICS.map(m => <FormSelectOption key={m} value={m} label={metricLabel(m)} />)}
                                    <FormSelectOption value="not-running" label={_("VM not running (for VMs that must run)")} />
                                </FormSelect>
                            </FormGroup>
                        </GridItem>
                        {form.condition !== "not-running" && <>
                            <GridItem md={2}>
                                <FormGroup label={_("Is")} fieldId="kvm-alert-rule-comparison">
                                    <FormSelect id="kvm-alert-rule-comparison" value={form.comparison}
                                        onChange={(_e, v) => set({ comparison: v as RuleForm["comparison"] })}>
                                        <FormSelectOption value="above" label={_("above")} />
                                        <FormSelectOption value="below" label={_("below")} />
                                    </FormSelect>
                                </FormGroup>
                            </GridItem>
                            <GridItem md={isRate ? 2 : 4}>
                                <FieldGroup label={isRate ? _("Threshold") : _("Threshold (%)")} id="kvm-alert-rule-threshold" field="threshold" problems={shown} form={form}>
                                    <TextInput id="kvm-alert-rule-threshold" value={form.threshold} inputMode="decimal"
                                        onChange={(_e, v) => set({ threshold: v })} validated={shown.has("threshold") ? "error" : "default"} />
                                </FieldGroup>
                            </GridItem>
                            {isRate &&
                                <GridItem md={2}>
                                    <FormGroup label={_("Unit")} fieldId="kvm-alert-rule-unit">
                                        <FormSelect id="kvm-alert-rule-unit" value={form.unit} onChange={(_e, v) => set({ unit: v as RateUnit })}>
                                            {Object.keys(RATE_UNITS).map(u => <FormSelectOption key={u} value={u} label={u} />)}
                                        </FormSelect>
                                    </FormGroup>
                                </GridItem>}
                        </>}
                        <GridItem md={4}>
                            <FieldGroup label={_("Fires after (checks in a row)")} id="kvm-alert-rule-for" field="forChecks" problems={shown} form={form}>
                                <TextInput id="kvm-alert-rule-for" value={form.forChecks} inputMode="numeric"
                                    onChange={(_e, v) => set({ forChecks: v })} validated={shown.has("forChecks") ? "error" : "default"} />
                            </FieldGroup>
                        </GridItem>
                        <GridItem md={4}>
                            <FieldGroup label={_("Resolves after (clear checks)")} id="kvm-alert-rule-clear" field="clearChecks" problems={shown} form={form}>
                                <TextInput id="kvm-alert-rule-clear" value={form.clearChecks} inputMode="numeric"
                                    onChange={(_e, v) => set({ clearChecks: v })} validated={shown.has("clearChecks") ? "error" : "default"} />
                            </FieldGroup>
                        </GridItem>
                        <GridItem md={4}>
                            <FormGroup label={_("Severity")} fieldId="kvm-alert-rule-severity">
                                <FormSelect id="kvm-alert-rule-severity" value={form.severity} onChange={(_e, v) => set({ severity: v as AlertSeverity })}>
                                    {ALERT_SEVERITIES.map(s => <FormSelectOption key={s} value={s} label={severityLabel(s)} />)}
                                </FormSelect>
                            </FormGroup>
                        </GridItem>
                    </Grid>
                    <FieldGroup label={_("Webhook URL (optional)")} id="kvm-alert-rule-webhook" field="webhookUrl" problems={shown} form={form}
                        helper={_("Receives a POST with the alert as JSON when it fires and when it resolves.")}>
                        <TextInput id="kvm-alert-rule-webhook" type="url" value={form.webhookUrl} placeholder="https://"
                            onChange={(_e, v) => set({ webhookUrl: v })} validated={shown.has("webhookUrl") ? "error" : "default"} />
                    </FieldGroup>
                    {form.webhookUrl.trim() !== "" &&
                        <Grid hasGutter>
                            <GridItem md={6}>
                                <FieldGroup label={_("Timeout (seconds)")} id="kvm-alert-rule-timeout" field="webhookTimeout" problems={shown} form={form}>
                                    <TextInput id="kvm-alert-rule-timeout" value={form.webhookTimeout} inputMode="numeric"
                                        onChange={(_e, v) => set({ webhookTimeout: v })} validated={shown.has("webhookTimeout") ? "error" : "default"} />
                                </FieldGroup>
                            </GridItem>
                            <GridItem md={6}>
                                <FieldGroup label={_("Retries")} id="kvm-alert-rule-retries" field="webhookRetries" problems={shown} form={form}>
                                    <TextInput id="kvm-alert-rule-retries" value={form.webhookRetries} inputMode="numeric"
                                        onChange={(_e, v) => set({ webhookRetries: v })} validated={shown.has("webhookRetries") ? "error" : "default"} />
                                </FieldGroup>
                            </GridItem>
                        </Grid>}
                    <FieldGroup label={_("Command (optional)")} id="kvm-alert-rule-command" field="command" problems={shown} form={form}>
                        <TextInput id="kvm-alert-rule-command" value={form.command} placeholder="/usr/local/bin/notify"
                            onChange={(_e, v) => set({ command: v })} validated={shown.has("command") ? "error" : "default"} />
                    </FieldGroup>
                    <Switch id="kvm-alert-rule-enabled" label={_("Enabled")} isChecked={form.enabled} onChange={(_e, v) => set({ enabled: v })} />
                </Form>
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" id="kvm-alert-rule-save" onClick={() => void save()} isLoading={saving}
                    isDisabled={saving || (touched && problems.size > 0)}>
                    {saving ? _("Saving…") : _("Save")}
                </Button>
                <Button variant="link" onClick={onCancel} isDisabled={saving}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
