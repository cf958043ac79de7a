// Schedules: every schedule in /etc/kvm-manager/schedules with its next run (host time) and last result,
// create / edit / enable / delete / Run now, the files that are not valid schedules with what is wrong
// (left as they are), and the run history.
import {
    Alert, AlertActionCloseButton, Button, Card, CardBody, CardTitle, EmptyState, EmptyStateActions, EmptyStateBody,
    EmptyStateFooter, Label, List, ListItem, PageSection, Spinner, Switch, Toolbar, ToolbarContent, ToolbarItem,
} from "@patternfly/react-core";
import { CalendarAltIcon } from "@patternfly/react-icons";
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useEffect, useRef, useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { ADMIN_ACCESS_HINT } from "../../components/ConnectionEmptyState";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { DisplayName, NameSentence } from "../../components/DisplayName";
import { useVmNames } from "../../components/VmPicker";
import { describeDocumentError, type ListedDocument } from "../../host/config-documents";
import { deleteSchedule, listSchedules, runScheduleNow, saveSchedule, type ScheduleListing, type ScheduleStatus } from "../../host/schedules";
import { useAdminAccess } from "../../lib/permission";
import { namedRoutePath } from "../../lib/paths";
import type { ScheduleDocument } from "../../core/schedule/schedule-document";
import { RunHistoryCard } from "./RunHistoryCard";
import { ScheduleFormDialog, type EditedSchedule } from "./ScheduleFormDialog";
import { formatHostTime, operationSummary, resultColor, resultLabel, whenSummary } from "./schedule-labels";

type Row = ListedDocument<ScheduleDocument> & ScheduleStatus;

// While a run goes on the host, the list is read again this often, so its end shows.
const RUNNING_POLL_MS = 3000;

interface Notice {
    variant: "success" | "danger" | "warning";
    title: string;
    body?: string;
}

function NextRunCell({ row, timeZone }: { row: Row; timeZone: string }) {
    if (row.running) return <span className="kvm-pending"><Spinner size="sm" /> {_("Running now")}</span>;
    if (!row.value.enabled) return <span className="kvm-muted">{_("Off")}</span>;
    if (row.next === null) return <span className="kvm-muted">{_("None")}</span>;
    if (row.due) return <>{_("Due at the next check")}</>;
    return <>{formatHostTime(row.next, timeZone)}</>;
}

function LastRunCell({ row, timeZone }: { row: Row; timeZone: string }) {
    if (!row.lastRun) return <span className="kvm-muted">{_("Never ran")}</span>;
    return (
        <span className="kvm-last-run">
            <Label color={resultColor(row.lastRun.result)} isCompact>{resultLabel(row.lastRun.result)}</Label>{" "}
            <span className="kvm-muted">{formatHostTime(row.lastRun.start, timeZone)}</span>
        </span>
    );
}

function VmsCell({ doc }: { doc: ScheduleDocument }) {
    if (doc.operation.type === "backup") return <span className="kvm-muted">{_("The backup job's VMs")}</span>;
    const shown = doc.vms.slice(0, 3);
    return (
        <span className="kvm-schedule-vms">
            {shown.map((vm, i) => <span key={vm}>{i > 0 && ", "}<DisplayName name={vm} truncate /></span>)}
            {doc.vms.length > shown.length && <span className="kvm-muted">{cockpit.format(_(" and $0 more"), doc.vms.length - shown.length)}</span>}
        </span>
    );
}

// `editName`: the schedule whose form is open (the route schedule/NAME), so an edit can be linked to.
export function SchedulesPage({ editName = null }: { editName?: string | null }) {
    const admin = useAdminAccess();
    const readOnly = admin === false;
    const [listing, setListing] = useState<ScheduleListing | null>(null);
    const [loadError, setLoadError] = useState<string | null>(null);
    const vms = useVmNames();
    const [creating, setCreating] = useState(false);
    // The schedule as it was when its form opened: a later listing (a run ending) must not change the
    // tag the form's edit is based on.
    const [editing, setEditing] = useState<EditedSchedule | null>(null);
    if (editName === null && editing !== null) setEditing(null);
    if (editName !== null && listing && editing?.name !== editName) {
        const found = listing.documents.find(d => d.name === editName);
        if (found) setEditing({ name: found.name, tag: found.tag, value: found.value });
    }
    const missingEdit = editName !== null && listing !== null && !listing.documents.some(d => d.name === editName);
    const [deleting, setDeleting] = useState<Row | null>(null);
    const [pending, setPending] = useState<Record<string, "run" | "toggle" | "delete">>({});
    const [notice, setNotice] = useState<Notice | null>(null);
    const [historyKey, setHistoryKey] = useState(0);
    const generation = useRef(0);

    const load = useCallback((): Promise<void> => {
        const mine = ++generation.current;
        return listSchedules().then(answer => {
            if (generation.current !== mine) return;
            setListing(answer);
            setLoadError(null);
        }, (error: Error) => {
            if (generation.current === mine) setLoadError(error.message);
        });
    }, []);

    useEffect(() => { void load(); }, [load]);

    const anyRunning = listing?.documents.some(d => d.running) ?? false;
    useEffect(() => {
        if (!anyRunning) return;
        const timer = window.setInterval(() => {
            void load();
            setHistoryKey(k => k + 1);
        }, RUNNING_POLL_MS);
        return () => window.clearInterval(timer);
    }, [anyRunning, load]);

    const setRowPending = (name: string, action: "run" | "toggle" | "delete" | null): void => {
        setPending(p => {
            const next = { ...p };
            if (action) next[name] = action;
            else delete next[name];
            return next;
        });
    };

    const runNow = async (row: Row): Promise<void> => {
        setRowPending(row.name, "run");
        setNotice(null);
        try {
            const runs = await runScheduleNow(row.name);
            const failed = runs.filter(r => r.result === "failed");
            setNotice(failed.length === 0
                ? { variant: "success", title: cockpit.format(_("“$0” ran"), row.name) }
                : {
                    variant: "danger", title: cockpit.format(_("“$0” ran with failures"), row.name),
                    body: failed.map(r => (r.vm ? `${r.vm}: ${r.message}` : r.message)).join("\n"),
                });
        } catch (error) {
            setNotice({ variant: "danger", title: cockpit.format(_("“$0” could not be run"), row.name), body: (error as Error).message });
        } finally {
            setRowPending(row.name, null);
            void load();
            setHistoryKey(k => k + 1);
        }
    };

    const toggle = async (row: Row, enabled: boolean): Promise<void> => {
        setRowPending(row.name, "toggle");
        setNotice(null);
        try {
            await saveSchedule(row.name, { ...row.value, enabled }, row.value, row.tag);
        } catch (error) {
            setNotice({ variant: "danger", title: cockpit.format(_("“$0” could not be changed"), row.name), body: (error as Error).message });
        } finally {
            setRowPending(row.name, null);
            void load();
        }
    };

    const remove = async (row: Row): Promise<void> => {
        setDeleting(null);
        setRowPending(row.name, "delete");
        setNotice(null);
        try {
            await deleteSchedule(row.path, row.tag);
        } catch (error) {
            setNotice({ variant: "danger", title: cockpit.format(_("“$0” could not be deleted"), row.name), body: (error as Error).message });
        } finally {
            setRowPending(row.name, null);
            void load();
        }
    };

    const closeForm = (): void => {
        setCreating(false);
        if (editName !== null) cockpit.location.go(["schedules"]);
    };

    if (!listing && !loadError) return <PageSection><Spinner aria-label={_("Loading schedules")} /></PageSection>;
    const timeZone = listing?.timeZone ?? "UTC";
    const rows = (listing?.documents ?? []) as Row[];
    const scheduleVms = [...new Set(rows.flatMap(r => r.value.vms))];
    const createButton = (
        <Button variant="primary" id="kvm-schedule-create" isDisabled={readOnly || !listing} onClick={() => setCreating(true)}>
            {_("Create schedule")}
        </Button>
    );

    return (
        <PageSection id="kvm-schedules">
            {readOnly &&
                <Alert isInline variant="info" className="kvm-read-only" title={_("Read-only: administrative access is off")}>
                    {_(ADMIN_ACCESS_HINT)}
                </Alert>}
            {loadError &&
                <Alert isInline variant="danger" id="kvm-schedules-error" title={_("The schedules could not be read")}
                    actionLinks={<Button variant="link" isInline onClick={() => void load()}>{_("Try again")}</Button>}>
                    {loadError}
                </Alert>}
            {notice &&
                <Alert isInline variant={notice.variant} title={notice.title} id="kvm-schedule-notice" className="kvm-schedule-notice"
                    actionClose={<AlertActionCloseButton onClose={() => setNotice(null)} />}>
                    {notice.body && <div className="kvm-technical">{notice.body}</div>}
                </Alert>}
            <Card>
                <CardTitle>{_("Schedules")}</CardTitle>
                <CardBody>
                    <Toolbar>
                        <ToolbarContent>
                            <ToolbarItem>{createButton}</ToolbarItem>
                            <ToolbarItem alignSelf="center" className="kvm-muted" id="kvm-schedules-zone">
                                {cockpit.format(_("Times are the host's ($0)."), timeZone)}
                            </ToolbarItem>
                        </ToolbarContent>
                    </Toolbar>
                    {listing && rows.length === 0 &&
                        <EmptyState headingLevel="h2" icon={CalendarAltIcon} titleText={_("No schedules")} id="kvm-schedules-empty">
                            <EmptyStateBody>{_("A schedule starts, shuts down, reboots or snapshots VMs, or runs a backup job, at set times.")}</EmptyStateBody>
                            <EmptyStateFooter><EmptyStateActions>{createButton}</EmptyStateActions></EmptyStateFooter>
                        </EmptyState>}
                    {rows.length > 0 &&
                        <Table aria-label={_("Schedules")} id="kvm-schedules-table" variant="compact">
                            <Thead>
                                <Tr>
                                    <Th>{_("Name")}</Th>
                                    <Th>{_("Virtual machines")}</Th>
                                    <Th>{_("Operation")}</Th>
                                    <Th>{_("When")}</Th>
                                    <Th>{_("Next run")}</Th>
                                    <Th>{_("Last run")}</Th>
                                    <Th modifier="fitContent">{_("Enabled")}</Th>
                                    <Th screenReaderText={_("Actions")} />
                                </Tr>
                            </Thead>
                            <Tbody>
                                {rows.map(row => {
                                    const busy = pending[row.name];
                                    return (
                                        <Tr key={row.name} data-schedule={row.name}>
                                            <Td dataLabel={_("Name")}><DisplayName name={row.name} /></Td>
                                            <Td dataLabel={_("Virtual machines")}><VmsCell doc={row.value} /></Td>
                                            <Td dataLabel={_("Operation")}>{operationSummary(row.value.operation)}</Td>
                                            <Td dataLabel={_("When")}>{whenSummary(row.value)}</Td>
                                            <Td dataLabel={_("Next run")} className="kvm-schedule-next"><NextRunCell row={row} timeZone={timeZone} /></Td>
                                            <Td dataLabel={_("Last run")} className="kvm-schedule-last"><LastRunCell row={row} timeZone={timeZone} /></Td>
                                            <Td dataLabel={_("Enabled")}>
                                                <Switch id={`kvm-schedule-enabled-${rows.indexOf(row)}`} isChecked={row.value.enabled}
                                                    isDisabled={readOnly || busy !== undefined}
                                                    aria-label={cockpit.format(_("$0 enabled"), row.name)}
                                                    onChange={(_event, on) => void toggle(row, on)} />
                                            </Td>
                                            <Td isActionCell>
                                                <span className="kvm-schedule-actions">
                                                    <Button variant="secondary" size="sm" className="kvm-schedule-run-now"
                                                        isLoading={busy === "run"} isDisabled={readOnly || busy !== undefined || row.running}
                                                        aria-label={cockpit.format(_("Run now: $0"), row.name)}
                                                        onClick={() => void runNow(row)}>
                                                        {busy === "run" ? _("Running") : _("Run now")}
                                                    </Button>
                                                    <ActionsColumn isDisabled={readOnly || busy !== undefined} items={[
                                                        { title: _("Edit"), onClick: () => cockpit.location.go(namedRoutePath("schedule", row.name)) },
                                                        { title: _("Delete"), onClick: () => setDeleting(row), isDanger: true },
                                                    ]} actionsToggle={({ toggleRef, onToggle, isOpen, isDisabled }) => (
                                                        <Button ref={toggleRef} variant="plain" onClick={onToggle} aria-expanded={isOpen} isDisabled={isDisabled}
                                                            className="kvm-schedule-menu" aria-label={cockpit.format(_("Actions for $0"), row.name)}>⋮</Button>
                                                    )} />
                                                </span>
                                            </Td>
                                        </Tr>
                                    );
                                })}
                            </Tbody>
                        </Table>}
                    {listing && listing.damaged.length > 0 &&
                        <Alert isInline variant="warning" id="kvm-schedules-damaged" className="kvm-schedules-damaged"
                            title={_("These files in /etc/kvm-manager/schedules are not used")}>
                            <List>
                                {listing.damaged.map(d => (
                                    <ListItem key={d.name} data-schedule={d.name}>
                                        <DisplayName name={d.name} />: {describeDocumentError(d.error)}
                                    </ListItem>
                                ))}
                            </List>
                            {_("They were left as they are. Correct or remove them on the host.")}
                        </Alert>}
                </CardBody>
            </Card>
            {listing && <RunHistoryCard timeZone={timeZone} knownVms={scheduleVms} refreshKey={historyKey} readOnly={readOnly} />}
            {missingEdit &&
                <Alert isInline variant="warning" id="kvm-schedule-missing" className="kvm-schedule-notice"
                    title={<NameSentence template={_("There is no schedule $0")} names={[editName]} />}
                    actionClose={<AlertActionCloseButton onClose={closeForm} />} />}
            {(creating || editing) &&
                <ScheduleFormDialog key={editing?.name ?? ""} edited={creating ? null : editing} timeZone={timeZone} vms={vms}
                    existingNames={[...rows.map(r => r.name), ...(listing?.damaged ?? []).map(d => d.name)]}
                    onClose={closeForm}
                    onSaved={name => {
                        closeForm();
                        setNotice({ variant: "success", title: cockpit.format(_("“$0” saved"), name) });
                        void load();
                    }} />}
            {deleting &&
                <ConfirmDialog danger title={<NameSentence template={_("Delete schedule $0?")} names={[deleting.name]} />}
                    body={_("The schedule stops running. Its run history and the snapshots it took are kept.")}
                    confirmLabel={_("Delete")} onConfirm={() => void remove(deleting)} onCancel={() => setDeleting(null)} />}
        </PageSection>
    );
}
