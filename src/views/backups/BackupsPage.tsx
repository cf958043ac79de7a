// Backups: the backup jobs (/etc/kvm-manager/backups) with their schedules, last run and "Back up now",
// created, edited and deleted here as documents (BackupJobFormDialog);
// every backup on the jobs' targets with time, size, verified and protected, and verify, protect,
// restore and delete; the space used and free on each target. Everything is read and done through
// kvm-manager-backup, which runs as root on the host.
import {
    Alert, AlertActionCloseButton, Button, Card, CardBody, CardTitle, EmptyState, EmptyStateActions, EmptyStateBody, EmptyStateFooter,
    Flex, FlexItem, Label, LabelGroup, PageSection, Spinner, Title, Toolbar, ToolbarContent, ToolbarItem, Tooltip,
} from "@patternfly/react-core";
import { ActionsColumn, Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useEffect, useMemo, useState } from "react";
import { KEEP_OPTIONS } from "../../core/backup/prune";
import { formatBytes } from "../../core/format";
import cockpit, { _ } from "../../lib/cockpit";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ADMIN_ACCESS_HINT } from "../../components/ConnectionEmptyState";
import { DisplayName, NameSentence } from "../../components/DisplayName";
import { RouteLink } from "../../components/RouteLink";
import { useVmNames } from "../../components/VmPicker";
import {
    deleteBackup, deleteBackupJob, listBackups, protectBackup, runJobNow, verifyBackup, type BackupListing, type BackupRow, type JobRow,
} from "../../host/backups";
import { runHelperJson } from "../../host/helper-commands";
import { useAdminAccess } from "../../lib/permission";
import { BackupJobFormDialog, type EditedBackupJob } from "./BackupJobFormDialog";
import { RestoreDialog } from "./RestoreDialog";

// Re-read while something runs, so a scheduled backup's end shows without a reload.
const RUNNING_REFRESH_MS = 3000;

interface ScheduleOfJob {
    name: string;
    enabled: boolean;
    next: string | null;
}

interface SchedulerListing {
    documents: { name: string; value: { enabled: boolean; operation: { type: string; job?: string } }; next: string | null }[];
}

// The schedules whose operation backs up a job; none where the scheduler cannot be asked.
async function backupSchedules(): Promise<Map<string, ScheduleOfJob[]>> {
    const byJob = new Map<string, ScheduleOfJob[]>();
    try {
        const listing = await runHelperJson<SchedulerListing>(["kvm-manager-scheduler", "--list", "--json"]);
        for (const doc of listing.documents) {
            const op = doc.value.operation;
            if (op.type !== "backup" || typeof op.job !== "string") continue;
            byJob.set(op.job, [...(byJob.get(op.job) ?? []), { name: doc.name, enabled: doc.value.enabled, next: doc.next }]);
        }
    } catch { /* shown as "no schedule" */ }
    return byJob;
}

function when(iso: string | null): string {
    return iso ? new Date(iso).toLocaleString(cockpit.language, { dateStyle: "medium", timeStyle: "short" }) : _("Unknown");
}

function retentionText(job: JobRow): string {
    const parts = KEEP_OPTIONS.filter(o => (job.value.prune[o] ?? 0) > 0).map(o => `${o}=${job.value.prune[o]}`);
    return job.value.prune["keep-all"] || parts.length === 0 ? _("Keep all") : parts.join(", ");
}

function LastRun({ job }: { job: JobRow }) {
    const last = job.lastRun;
    if (!last) return <>{_("Never")}</>;
    const failed = last.results.filter(r => r.result === "failed");
    return (
        <Flex spaceItems={{ default: "spaceItemsSm" }}>
            <FlexItem>{when(last.start)}</FlexItem>
            <FlexItem>
                {failed.length > 0
                    ? <Tooltip content={failed.map(r => `${r.vm}: ${r.message}`).join("\n")}>
                        <Label color="red" isCompact tabIndex={0}>{cockpit.format(cockpit.ngettext("$0 VM failed", "$0 VMs failed", failed.length), failed.length)}</Label>
                    </Tooltip>
                    : <Label color="green" isCompact>{_("Succeeded")}</Label>}
            </FlexItem>
        </Flex>
    );
}

type Pending = { path: string; action: "verify" | "protect" | "delete" } | null;

export function BackupsPage() {
    const admin = useAdminAccess();
    const readOnly = admin === false;
    const [listing, setListing] = useState<BackupListing | null>(null);
    const [schedules, setSchedules] = useState<Map<string, ScheduleOfJob[]>>(new Map());
    const [loadError, setLoadError] = useState<string | null>(null);
    const [runningJobs, setRunningJobs] = useState<Set<string>>(new Set());
    const [pending, setPending] = useState<Pending>(null);
    // scheduleLink: the job was just created, so the notice offers to schedule it.
    const [notice, setNotice] = useState<{ variant: "success" | "danger" | "warning"; title: string; body?: string; scheduleLink?: boolean } | null>(null);
    const [confirmDelete, setConfirmDelete] = useState<BackupRow | null>(null);
    const [restoring, setRestoring] = useState<BackupRow | null>(null);
    // The job as it was when its form opened: a later listing must not change the tag the edit is based on.
    const [jobForm, setJobForm] = useState<{ edited: EditedBackupJob | null } | null>(null);
    const [confirmDeleteJob, setConfirmDeleteJob] = useState<JobRow | null>(null);
    const [deletingJob, setDeletingJob] = useState<string | null>(null);
    const vmNames = useVmNames();

    // The state is set from the promise's callbacks only.
    const load = useCallback((): Promise<void> => Promise.all([listBackups(), backupSchedules()]).then(([l, s]) => {
        setListing(l);
        setSchedules(s);
        setLoadError(null);
    }, (err: unknown) => setLoadError((err as Error).message)), []);

    useEffect(() => { void load(); }, [load]);
    const busy = (listing?.running.length ?? 0) > 0 || runningJobs.size > 0;
    useEffect(() => {
        if (!busy) return;
        const timer = window.setInterval(() => void load(), RUNNING_REFRESH_MS);
        return () => window.clearInterval(timer);
    }, [busy, load]);

    const backupNow = async (job: string) => {
        setRunningJobs(s => new Set(s).add(job));
        setNotice(null);
        try {
            const answer = await runJobNow(job);
            const failed = answer.results.filter(r => r.result !== "ok");
            setNotice(failed.length === 0
                ? { variant: "success", title: cockpit.format(_("Backup job $0 finished"), job) }
                : { variant: answer.ok ? "warning" : "danger", title: cockpit.format(_("Backup job $0: some VMs were not backed up"), job), body: failed.map(r => `${r.vm}: ${r.message}`).join("\n") });
        } catch (err) {
            setNotice({ variant: "danger", title: cockpit.format(_("Backup job $0 could not run"), job), body: (err as Error).message });
        } finally {
            setRunningJobs(s => {
                const next = new Set(s);
                next.delete(job);
                return next;
            });
            void load();
        }
    };

    const act = async (backup: BackupRow, action: "verify" | "protect" | "delete") => {
        setPending({ path: backup.path, action });
        setNotice(null);
        try {
            if (action === "verify") {
                const r = await verifyBackup(backup.path);
                setNotice(r.ok
                    ? { variant: "success", title: _("The backup verified: every image passes qemu-img check and matches its checksum") }
                    : { variant: "danger", title: _("The backup does not verify"), body: r.message });
            } else if (action === "protect") {
                await protectBackup(backup.path, !backup.protected);
            } else {
                await deleteBackup(backup.path);
            }
        } catch (err) {
            setNotice({ variant: "danger", title: _("The action failed"), body: (err as Error).message });
        } finally {
            setPending(null);
            void load();
        }
    };

    const removeJob = async (job: JobRow) => {
        setConfirmDeleteJob(null);
        setDeletingJob(job.name);
        setNotice(null);
        try {
            await deleteBackupJob(job.path, job.tag);
            setNotice({ variant: "success", title: cockpit.format(_("Backup job $0 deleted"), job.name) });
        } catch (err) {
            setNotice({ variant: "danger", title: cockpit.format(_("Backup job $0 could not be deleted"), job.name), body: (err as Error).message });
        } finally {
            setDeletingJob(null);
            void load();
        }
    };

    const runningVms = useMemo(() => new Map((listing?.running ?? []).map(r => [r.vm, r.activity])), [listing]);
    const backups = listing?.backups ?? [];

    if (!listing && !loadError) return <PageSection><Spinner aria-label={_("Loading backups")} /></PageSection>;

    const createJobButton = (
        <Button variant="primary" id="kvm-backup-job-create" isDisabled={readOnly} onClick={() => setJobForm({ edited: null })}>
            {_("Create backup job")}
        </Button>
    );

    return (
        <PageSection id="kvm-backups">
            {readOnly &&
                <Alert isInline variant="info" className="kvm-read-only" title={_("Read-only: administrative access is off")}>{_(ADMIN_ACCESS_HINT)}</Alert>}
            {loadError && <Alert isInline variant="danger" title={_("The backups could not be read")} id="kvm-backups-error">{loadError}</Alert>}
            {notice &&
                <Alert isInline variant={notice.variant} title={notice.title} id="kvm-backups-notice"
                    actionClose={<AlertActionCloseButton onClose={() => setNotice(null)} />}>
                    {notice.body && <pre className="kvm-technical">{notice.body}</pre>}
                    {notice.scheduleLink && <RouteLink path={["schedules"]}>{_("Schedule it")}</RouteLink>}
                </Alert>}
            <Card id="kvm-backup-jobs">
                <CardTitle><Title headingLevel="h2" size="lg">{_("Backup jobs")}</Title></CardTitle>
                <CardBody>
                    {listing && (listing.jobs.length > 0 || listing.damaged.length > 0) &&
                        <Toolbar><ToolbarContent><ToolbarItem>{createJobButton}</ToolbarItem></ToolbarContent></Toolbar>}
                    {listing && listing.jobs.length === 0 && listing.damaged.length === 0 &&
                        <EmptyState titleText={_("No backup jobs")} headingLevel="h3">
                            <EmptyStateBody>{cockpit.format(_("A backup job is a file in $0: its VMs, target directory, compression and retention."), "/etc/kvm-manager/backups")}</EmptyStateBody>
                            <EmptyStateFooter><EmptyStateActions>{createJobButton}</EmptyStateActions></EmptyStateFooter>
                        </EmptyState>}
                    {listing && listing.jobs.length > 0 &&
                        <Table aria-label={_("Backup jobs")} variant="compact">
                            <Thead><Tr>
                                <Th>{_("Job")}</Th><Th>{_("VMs")}</Th><Th>{_("Target")}</Th><Th>{_("Retention")}</Th>
                                <Th>{_("Schedule")}</Th><Th>{_("Last run")}</Th><Th screenReaderText={_("Actions")} />
                            </Tr></Thead>
                            <Tbody>
                                {listing.jobs.map(job => {
                                    const jobSchedules = schedules.get(job.name) ?? [];
                                    const running = runningJobs.has(job.name) || job.value.vms.some(vm => runningVms.get(vm) === "backup");
                                    return (
                                        <Tr key={job.name}>
                                            <Td dataLabel={_("Job")}>
                                                <DisplayName name={job.name} />
                                                {!job.value.enabled && <> <Label isCompact>{_("Disabled")}</Label></>}
                                                {job.value.compression && <> <Label isCompact color="blue">{_("Compressed")}</Label></>}
                                            </Td>
                                            <Td dataLabel={_("VMs")}>
                                                <LabelGroup numLabels={4}>{job.value.vms.map(vm => <Label key={vm} isCompact><DisplayName name={vm} /></Label>)}</LabelGroup>
                                            </Td>
                                            <Td dataLabel={_("Target")} className="kvm-technical">{job.value.target}</Td>
                                            <Td dataLabel={_("Retention")}>{retentionText(job)}</Td>
                                            <Td dataLabel={_("Schedule")}>
                                                {jobSchedules.length === 0
                                                    ? <RouteLink path={["schedules"]}>{_("None: add one on the Schedules page")}</RouteLink>
                                                    : jobSchedules.map(s => (
                                                        <div key={s.name}>
                                                            <RouteLink path={["schedules"]}><DisplayName name={s.name} /></RouteLink>
                                                            {": "}{s.enabled ? cockpit.format(_("next $0"), when(s.next)) : _("disabled")}
                                                        </div>
                                                    ))}
                                            </Td>
                                            <Td dataLabel={_("Last run")}>
                                                {running ? <span className="kvm-pending"><Spinner size="sm" aria-hidden />{_("Backup running")}</span> : <LastRun job={job} />}
                                            </Td>
                                            <Td isActionCell>
                                                {deletingJob === job.name
                                                    ? <span className="kvm-pending"><Spinner size="sm" aria-hidden />{_("Deleting…")}</span>
                                                    : <Flex spaceItems={{ default: "spaceItemsXs" }} flexWrap={{ default: "nowrap" }} alignItems={{ default: "alignItemsCenter" }}>
                                                        <Button variant="secondary" size="sm" isDisabled={readOnly || running} isLoading={runningJobs.has(job.name)}
                                                            aria-label={cockpit.format(_("Back up now: $0"), job.name)} onClick={() => void backupNow(job.name)}>
                                                            {_("Back up now")}
                                                        </Button>
                                                        <ActionsColumn isDisabled={readOnly} items={[
                                                            { title: _("Edit"), onClick: () => setJobForm({ edited: { name: job.name, tag: job.tag, value: job.value } }) },
                                                            { title: _("Delete"), onClick: () => setConfirmDeleteJob(job), isDanger: true, isDisabled: running },
                                                        ]} actionsToggle={({ toggleRef, onToggle, isOpen, isDisabled }) => (
                                                            <Button ref={toggleRef} variant="plain" onClick={onToggle} aria-expanded={isOpen} isDisabled={isDisabled}
                                                                className="kvm-backup-job-menu" aria-label={cockpit.format(_("Actions for $0"), job.name)}>⋮</Button>
                                                        )} />
                                                    </Flex>}
                                            </Td>
                                        </Tr>
                                    );
                                })}
                            </Tbody>
                        </Table>}
                    {listing?.damaged.map(d => (
                        <Alert key={d.name} isInline variant="warning" title={<NameSentence template={_("Backup job $0 is not used")} names={[d.name]} />}>
                            {d.message}
                        </Alert>
                    ))}
                    {listing && listing.targets.length > 0 &&
                        <Flex className="kvm-backup-targets" spaceItems={{ default: "spaceItemsLg" }}>
                            {listing.targets.map(t => (
                                <FlexItem key={t.path}>
                                    <span className="kvm-technical">{t.path}</span>{": "}
                                    {t.free === null
                                        ? _("not available (is it mounted?)")
                                        : cockpit.format(_("$0 used by backups, $1 free"), formatBytes(t.used, cockpit.language), formatBytes(t.free, cockpit.language))}
                                </FlexItem>
                            ))}
                        </Flex>}
                </CardBody>
            </Card>
            <Card id="kvm-backup-list">
                <CardTitle><Title headingLevel="h2" size="lg">{_("Backups")}</Title></CardTitle>
                <CardBody>
                    {backups.length === 0
                        ? <EmptyState titleText={_("No backups yet")} headingLevel="h3">
                            <EmptyStateBody>{_("Backups appear here once a job has run.")}</EmptyStateBody>
                        </EmptyState>
                        : <Table aria-label={_("Backups")} variant="compact">
                            <Thead><Tr>
                                <Th>{_("VM")}</Th><Th>{_("Time")}</Th><Th>{_("Size")}</Th><Th>{_("Status")}</Th>
                                <Th>{_("Job")}</Th><Th screenReaderText={_("Actions")} />
                            </Tr></Thead>
                            <Tbody>
                                {backups.map(b => {
                                    const isPending = pending?.path === b.path;
                                    const busyVm = b.vm !== null && runningVms.has(b.vm);
                                    return (
                                        <Tr key={b.path}>
                                            <Td dataLabel={_("VM")}>{b.vm === null ? <i>{_("Unknown (incomplete)")}</i> : <DisplayName name={b.vm} />}</Td>
                                            <Td dataLabel={_("Time")}>{when(b.time)}</Td>
                                            <Td dataLabel={_("Size")}>{formatBytes(b.bytes, cockpit.language)}</Td>
                                            <Td dataLabel={_("Status")}>
                                                <LabelGroup>
                                                    {!b.complete
                                                        ? <Tooltip content={b.problem ?? ""}><Label color="orange" isCompact tabIndex={0}>{_("Incomplete")}</Label></Tooltip>
                                                        : b.verified
                                                            ? <Label color="green" isCompact>{_("Verified")}</Label>
                                                            : <Tooltip content={b.verification?.message || _("Not verified yet")}><Label color="red" isCompact tabIndex={0}>{_("Not verified")}</Label></Tooltip>}
                                                    {b.protected && <Label color="blue" isCompact>{_("Protected")}</Label>}
                                                    {b.mode === "push" && <Label isCompact>{_("Running VM")}</Label>}
                                                    {b.compressed && <Label isCompact>{_("Compressed")}</Label>}
                                                </LabelGroup>
                                            </Td>
                                            <Td dataLabel={_("Job")}>{b.job === null ? "" : <DisplayName name={b.job} />}</Td>
                                            <Td isActionCell>
                                                {isPending
                                                    ? <span className="kvm-pending"><Spinner size="sm" aria-hidden />{pending?.action === "verify" ? _("Verifying…") : _("Working…")}</span>
                                                    : <Flex spaceItems={{ default: "spaceItemsXs" }} flexWrap={{ default: "nowrap" }}>
                                                        <Button variant="secondary" size="sm" isDisabled={readOnly || !b.complete || busyVm} onClick={() => setRestoring(b)}
                                                            aria-label={cockpit.format(_("Restore the backup of $0 from $1"), b.vm ?? "", when(b.time))}>{_("Restore")}</Button>
                                                        <Button variant="link" size="sm" isDisabled={readOnly || !b.complete} onClick={() => void act(b, "verify")}
                                                            aria-label={cockpit.format(_("Verify the backup of $0 from $1"), b.vm ?? "", when(b.time))}>{_("Verify")}</Button>
                                                        <Button variant="link" size="sm" isDisabled={readOnly || !b.complete} onClick={() => void act(b, "protect")}
                                                            aria-label={cockpit.format(b.protected ? _("Unprotect the backup of $0 from $1") : _("Protect the backup of $0 from $1"), b.vm ?? "", when(b.time))}>
                                                            {b.protected ? _("Unprotect") : _("Protect")}
                                                        </Button>
                                                        <Button variant="link" size="sm" isDanger isDisabled={readOnly || b.protected || busyVm} onClick={() => setConfirmDelete(b)}
                                                            aria-label={cockpit.format(_("Delete the backup of $0 from $1"), b.vm ?? "", when(b.time))}>{_("Delete")}</Button>
                                                    </Flex>}
                                            </Td>
                                        </Tr>
                                    );
                                })}
                            </Tbody>
                        </Table>}
                </CardBody>
            </Card>
            {confirmDelete &&
                <ConfirmDialog danger confirmLabel={_("Delete")}
                    title={<NameSentence template={_("Delete this backup of $0?")} names={[confirmDelete.vm ?? ""]} />}
                    body={cockpit.format(_("The backup from $0 ($1) is removed from the target. This cannot be undone."), when(confirmDelete.time), formatBytes(confirmDelete.bytes, cockpit.language))}
                    onConfirm={() => { const b = confirmDelete; setConfirmDelete(null); void act(b, "delete"); }}
                    onCancel={() => setConfirmDelete(null)} />}
            {jobForm &&
                <BackupJobFormDialog edited={jobForm.edited} vms={vmNames}
                    existingNames={[...(listing?.jobs ?? []).map(j => j.name), ...(listing?.damaged ?? []).map(d => d.name)]}
                    onClose={() => setJobForm(null)}
                    onSaved={name => {
                        const created = jobForm.edited === null;
                        setJobForm(null);
                        setNotice({ variant: "success", title: cockpit.format(_("Backup job $0 saved"), name), scheduleLink: created });
                        void load();
                    }} />}
            {confirmDeleteJob &&
                <ConfirmDialog danger confirmLabel={_("Delete")}
                    title={<NameSentence template={_("Delete backup job $0?")} names={[confirmDeleteJob.name]} />}
                    body={_("Its file is removed. The backups it made stay on the target; a schedule that runs it fails until it is changed.")}
                    onConfirm={() => void removeJob(confirmDeleteJob)}
                    onCancel={() => setConfirmDeleteJob(null)} />}
            {restoring &&
                <RestoreDialog backup={restoring} onClose={restored => {
                    setRestoring(null);
                    if (restored) setNotice({ variant: "success", title: cockpit.format(_("Restored $0"), restored) });
                    void load();
                }} />}
        </PageSection>
    );
}
