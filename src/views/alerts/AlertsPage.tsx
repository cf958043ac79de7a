// Alerts: the rules (/etc/kvm-manager/alerts, created, edited, switched on and off and deleted here),
// the alerts fired now and their history, as kvm-manager-collect evaluates them every 30 seconds.
import {
    Alert, AlertActionCloseButton, Button, Card, CardBody, CardHeader, CardTitle, Content, EmptyState, EmptyStateActions,
    EmptyStateBody, EmptyStateFooter, FormSelect, FormSelectOption, MenuToggle, PageSection, SearchInput, Spinner, Switch, Toolbar,
    ToolbarContent, ToolbarItem,
} from "@patternfly/react-core";
import { BellIcon, EllipsisVIcon } from "@patternfly/react-icons";
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useEffect, useMemo, useState } from "react";
import { ALERT_RULE_KIND, ALERT_SEVERITIES, type AlertRule, type AlertSeverity } from "../../core/alerts/alert-rule";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ADMIN_ACCESS_HINT } from "../../components/ConnectionEmptyState";
import { DisplayName, NameSentence } from "../../components/DisplayName";
import { fetchAlerts, listAlertRules, type AlertsAnswer } from "../../host/alerts";
import {
    deleteDocument, describeDocumentError, DocumentWriteError, writeDocument, type DamagedDocument, type ListedDocument,
} from "../../host/config-documents";
import cockpit, { _ } from "../../lib/cockpit";
import { useAdminAccess } from "../../lib/permission";
import { ACTIVE_ALERTS_REFRESH_MS } from "./active-alerts";
import { checksText, conditionText, severityLabel, vmsText } from "./alert-labels";
import { AlertRuleDialog } from "./AlertRuleDialog";
import { SeverityIcon } from "./AlertMarker";
import { ActiveAlertsTable, AlertHistoryTable } from "./AlertTables";

type RuleDoc = ListedDocument<AlertRule> & object;
type Dialog = { kind: "edit"; doc: RuleDoc | null } | { kind: "delete"; doc: RuleDoc };

function errorText(e: unknown): string {
    return e instanceof DocumentWriteError ? e.message : String((e as Error)?.message ?? e);
}

function notifyText(rule: AlertRule): string {
    const parts = [_("Journal")];
    if (rule.notify?.webhook) parts.push(_("Webhook"));
    if (rule.notify?.command) parts.push(_("Command"));
    return parts.join(", ");
}

function RulesCard({ rules, damaged, readOnly, loading, onChanged }: {
    rules: RuleDoc[] | null; damaged: DamagedDocument[]; readOnly: boolean; loading: boolean; onChanged: () => void;
}) {
    const [dialog, setDialog] = useState<Dialog | null>(null);
    const [pending, setPending] = useState<string | null>(null);
    const [failure, setFailure] = useState<{ title: string; message: string } | null>(null);

    const run = async (name: string, title: string, work: () => Promise<unknown>): Promise<void> => {
        setPending(name);
        setFailure(null);
        try {
            await work();
        } catch (e) {
            setFailure({ title, message: errorText(e) });
        } finally {
            setPending(null);
            onChanged();
        }
    };

    const create = (
        <Button variant="primary" id="kvm-alert-rule-create" isDisabled={readOnly} onClick={() => setDialog({ kind: "edit", doc: null })}>
            {_("Create rule")}
        </Button>
    );
    return (
        <Card id="kvm-alert-rules">
            <CardHeader actions={{ actions: rules && rules.length > 0 ? create : null }}>
                <CardTitle>{_("Rules")}</CardTitle>
            </CardHeader>
            <CardBody>
                {failure &&
                    <Alert isInline variant="danger" title={failure.title} id="kvm-alert-rule-failure"
                        actionClose={<AlertActionCloseButton onClose={() => setFailure(null)} />}>{failure.message}</Alert>}
                {damaged.map(d => (
                    <Alert key={d.name} isInline variant="warning" className="kvm-alert-damaged"
                        title={<NameSentence template={_("Rule $0 is not used: its file cannot be read")} names={[d.name]} />}>
                        {d.path}: {describeDocumentError(d.error)}
                    </Alert>
                ))}
                {rules === null && loading && <Spinner size="lg" aria-label={_("Loading alert rules")} />}
                {rules?.length === 0 &&
                    <EmptyState titleText={_("No alert rules")} headingLevel="h3" icon={BellIcon} id="kvm-alert-rules-empty">
                        <EmptyStateBody>
                            {_("A rule watches CPU, memory, disk or network use of some or all VMs, or that VMs which must run are running, and records an alert in the journal (and optionally calls a webhook or a command) when it fires and when it resolves.")}
                        </EmptyStateBody>
                        <EmptyStateFooter><EmptyStateActions>{create}</EmptyStateActions></EmptyStateFooter>
                    </EmptyState>}
                {rules && rules.length > 0 &&
                    <Table variant="compact" aria-label={_("Alert rules")} id="kvm-alert-rules-table">
                        <Thead>
                            <Tr>
                                <Th>{_("Name")}</Th>
                                <Th>{_("VMs")}</Th>
                                <Th>{_("Condition")}</Th>
                                <Th>{_("Checks")}</Th>
                                <Th modifier="nowrap">{_("Severity")}</Th>
                                <Th modifier="nowrap">{_("Notifies")}</Th>
                                <Th modifier="nowrap">{_("Enabled")}</Th>
                                <Th screenReaderText={_("Actions")} />
                            </Tr>
                        </Thead>
                        <Tbody>
                            {rules.map(doc => {
                                const rule = doc.value;
                                const busy = pending === doc.name;
                                return (
                                    <Tr key={doc.name} data-rule={doc.name}>
                                        <Td dataLabel={_("Name")}><DisplayName name={doc.name} /></Td>
                                        <Td dataLabel={_("VMs")}>
                                            <span title={rule.vms === "all" ? undefined : rule.vms.join(", ")}>{vmsText(rule.vms)}</span>
                                        </Td>
                                        <Td dataLabel={_("Condition")}>{conditionText(rule.condition)}</Td>
                                        <Td dataLabel={_("Checks")}>{checksText(rule)}</Td>
                                        <Td dataLabel={_("Severity")}>
                                            <span className="kvm-alert-severity"><SeverityIcon severity={rule.severity} /> {severityLabel(rule.severity)}</span>
                                        </Td>
                                        <Td dataLabel={_("Notifies")}>{notifyText(rule)}</Td>
                                        <Td dataLabel={_("Enabled")}>
                                            <span className="kvm-pending">
                                                <Switch id={`kvm-alert-rule-enabled-${doc.name}`} isChecked={rule.enabled} isDisabled={readOnly || busy}
                                                    aria-label={cockpit.format(_("Rule $0 enabled"), doc.name)}
                                                    onChange={(_e, enabled) => void run(doc.name,
                                                        cockpit.format(enabled ? _("Rule $0 could not be enabled") : _("Rule $0 could not be disabled"), doc.name),
                                                        () => writeDocument(ALERT_RULE_KIND, doc.name, { ...rule, enabled }, doc.tag))} />
                                                {busy && <Spinner size="sm" aria-label={_("Saving")} />}
                                            </span>
                                        </Td>
                                        <Td isActionCell>
                                            <ActionsColumn isDisabled={readOnly || busy} items={[
                                                { title: _("Edit"), onClick: () => setDialog({ kind: "edit", doc }) },
                                                { title: _("Delete"), onClick: () => setDialog({ kind: "delete", doc }) },
                                            ]} actionsToggle={({ onToggle, isOpen, isDisabled, toggleRef }) => (
                                                <MenuToggle ref={toggleRef} variant="plain" onClick={onToggle} isExpanded={isOpen} isDisabled={isDisabled}
                                                    aria-label={cockpit.format(_("Actions for rule $0"), doc.name)} icon={<EllipsisVIcon />} />
                                            )} />
                                        </Td>
                                    </Tr>
                                );
                            })}
                        </Tbody>
                    </Table>}
            </CardBody>
            {dialog?.kind === "edit" &&
                <AlertRuleDialog name={dialog.doc?.name ?? null} rule={dialog.doc?.value ?? null} tag={dialog.doc?.tag ?? ""}
                    onCancel={() => setDialog(null)} onSaved={() => { setDialog(null); onChanged(); }} />}
            {dialog?.kind === "delete" &&
                <ConfirmDialog danger title={<NameSentence template={_("Delete rule $0?")} names={[dialog.doc.name]} />}
                    body={_("Alerts this rule has fired resolve at the collector's next check. Its history is kept.")}
                    confirmLabel={_("Delete")} onCancel={() => setDialog(null)}
                    onConfirm={() => {
                        const doc = dialog.doc;
                        setDialog(null);
                        void run(doc.name, cockpit.format(_("Rule $0 could not be deleted"), doc.name),
                            () => deleteDocument(doc.path, doc.tag));
                    }} />}
        </Card>
    );
}

function HistoryCard({ answer }: { answer: AlertsAnswer }) {
    const [vm, setVm] = useState("");
    const [severity, setSeverity] = useState<AlertSeverity | "all">("all");
    const [rule, setRule] = useState("all");
    const ruleNames = useMemo(() => [...new Set(answer.history.map(e => e.rule))].sort(), [answer.history]);
    const events = answer.history.filter(e =>
        (vm === "" || e.vm.toLowerCase().includes(vm.toLowerCase())) &&
        (severity === "all" || e.severity === severity) &&
        (rule === "all" || e.rule === rule));
    return (
        <Card id="kvm-alert-history">
            <CardTitle>{_("History")}</CardTitle>
            <CardBody>
                <Toolbar id="kvm-alert-history-toolbar">
                    <ToolbarContent>
                        <ToolbarItem>
                            <SearchInput id="kvm-alert-history-vm" placeholder={_("Filter by VM")} aria-label={_("Filter by VM")} value={vm}
                                onChange={(_e, v) => setVm(v)} onClear={() => setVm("")} />
                        </ToolbarItem>
                        <ToolbarItem>
                            <FormSelect id="kvm-alert-history-severity" className="kvm-alert-filter" aria-label={_("Filter by severity")} value={severity}
                                onChange={(_e, v) => setSeverity(v as AlertSeverity | "all")}>
                                <FormSelectOption value="all" label={_("All severities")} />
                                {ALERT_SEVERITIES.map(s => <FormSelectOption key={s} value={s} label={severityLabel(s)} />)}
                            </FormSelect>
                        </ToolbarItem>
                        <ToolbarItem>
                            <FormSelect id="kvm-alert-history-rule" className="kvm-alert-filter" aria-label={_("Filter by rule")} value={rule} onChange={(_e, v) => setRule(v)}>
                                <FormSelectOption value="all" label={_("All rules")} />
                                {ruleNames.map(r => <FormSelectOption key={r} value={r} label={r} />)}
                            </FormSelect>
                        </ToolbarItem>
                    </ToolbarContent>
                </Toolbar>
                {answer.history.length === 0
                    ? <Content component="p" id="kvm-alert-history-empty">{_("No alert has fired yet.")}</Content>
                    : events.length === 0
                        ? <Content component="p" id="kvm-alert-history-none">{_("No event matches the filters.")}</Content>
                        : <AlertHistoryTable events={events} showVm id="kvm-alert-history-table" />}
            </CardBody>
        </Card>
    );
}

export function AlertsPage() {
    const admin = useAdminAccess();
    const [rules, setRules] = useState<RuleDoc[] | null>(null);
    const [damaged, setDamaged] = useState<DamagedDocument[]>([]);
    const [answer, setAnswer] = useState<AlertsAnswer | null>(null);
    const [loadError, setLoadError] = useState<string | null>(null);

    // Each part shows what it could read: without administrative access the rules in /etc are
    // readable while the alert state in /var/lib/kvm-manager is not.
    const load = useCallback((): void => {
        void Promise.allSettled([listAlertRules(), fetchAlerts()]).then(([listing, alerts]) => {
            if (listing.status === "fulfilled") {
                setRules(listing.value.documents);
                setDamaged(listing.value.damaged);
            }
            if (alerts.status === "fulfilled") setAnswer(alerts.value);
            const failed = [listing, alerts].find(r => r.status === "rejected");
            setLoadError(failed ? errorText(failed.reason) : null);
        });
    }, []);

    useEffect(() => {
        load();
        const timer = setInterval(() => { if (!cockpit.hidden) load(); }, ACTIVE_ALERTS_REFRESH_MS);
        return () => clearInterval(timer);
    }, [load]);

    const readOnly = admin === false;
    return (
        <PageSection id="kvm-alerts">
            {readOnly &&
                <Alert isInline variant="info" className="kvm-read-only" title={_("Read-only: administrative access is off")}>
                    {_("You can see the rules and alerts, but creating, changing and deleting rules needs administrative access.")}{" "}
                    {_(ADMIN_ACCESS_HINT)}
                </Alert>}
            {loadError && <Alert isInline variant="danger" title={_("Alerts could not be read")} id="kvm-alerts-error">{loadError}</Alert>}
            <div className="kvm-alerts-cards">
                <RulesCard rules={rules} damaged={damaged} readOnly={readOnly} loading={!loadError} onChanged={load} />
                <Card id="kvm-alerts-active">
                    <CardTitle>{_("Fired now")}</CardTitle>
                    <CardBody>
                        {!answer && !loadError && <Spinner size="lg" aria-label={_("Loading alerts")} />}
                        {answer && (answer.active.length === 0
                            ? <Content component="p" id="kvm-alerts-active-none">{_("No alert is fired now.")}</Content>
                            : <ActiveAlertsTable alerts={answer.active} showVm id="kvm-alerts-active-table" />)}
                    </CardBody>
                </Card>
                {answer && <HistoryCard answer={answer} />}
            </div>
        </PageSection>
    );
}
