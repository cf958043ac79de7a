// The VM's snapshots as a tree (children indented under their parent), with create, revert and delete.
// Every action shows as pending on the card while libvirt works and re-reads the list when it ends.
import {
    Alert, AlertActionCloseButton, Button, Card, CardBody, CardHeader, CardTitle, Flex, Label, Spinner, Tooltip,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useMemo, useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { isActive, type DomainState } from "../../core/domain-state";
import type { DomainDescription } from "../../core/domain-xml";
import { snapshotCreateXml, snapshotTree } from "../../core/snapshots";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { DisplayName, NameSentence } from "../../components/DisplayName";
import { toLibvirtError } from "../../libvirt/connection";
import { createSnapshot, deleteSnapshot, revertSnapshot } from "../../libvirt/snapshots";
import { vmStore } from "../../state/vm-store";
import { CreateSnapshotDialog, type CreateSnapshotRequest } from "./CreateSnapshotDialog";
import { RevertSnapshotDialog } from "./RevertSnapshotDialog";
import { snapshotStateLabel } from "./snapshot-labels";
import { useSnapshots, type SnapshotEntry } from "./useSnapshots";

const isExternal = (snapshot: SnapshotEntry) =>
    snapshot.memory === "external" || snapshot.disks.some(disk => disk.snapshot === "external");

type Pending = { action: "create" | "revert" | "delete"; snapshot: string };
type Dialog = { kind: "create" } | { kind: "revert" | "delete"; snapshot: SnapshotEntry };

function pendingText(pending: Pending): string {
    switch (pending.action) {
    case "create": return cockpit.format(_("Creating snapshot $0…"), pending.snapshot);
    case "revert": return cockpit.format(_("Reverting to snapshot $0…"), pending.snapshot);
    case "delete": return cockpit.format(_("Deleting snapshot $0…"), pending.snapshot);
    }
}

function failureTitle(pending: Pending): string {
    switch (pending.action) {
    case "create": return cockpit.format(_("Snapshot $0 could not be created"), pending.snapshot);
    case "revert": return cockpit.format(_("Reverting to snapshot $0 failed"), pending.snapshot);
    case "delete": return cockpit.format(_("Snapshot $0 could not be deleted"), pending.snapshot);
    }
}

export function SnapshotsCard({ name, state, domain, readOnly, onDefinitionChanged }: {
    name: string;
    state: DomainState;
    domain: DomainDescription | null;
    readOnly: boolean;
    // A snapshot action can change the domain's definition without a domain event (a disk-only snapshot
    // moves its disks onto overlays): the details page then re-reads it.
    onDefinitionChanged: () => void;
}) {
    const { snapshots, error, reload } = useSnapshots(name);
    const [dialog, setDialog] = useState<Dialog | null>(null);
    const [pending, setPending] = useState<Pending | null>(null);
    const [failure, setFailure] = useState<{ title: string; message: string } | null>(null);
    const rows = useMemo(() => snapshotTree(snapshots ?? []), [snapshots]);
    const dateFormat = useMemo(() => new Intl.DateTimeFormat(cockpit.language, { dateStyle: "medium", timeStyle: "medium" }), []);

    const run = async (what: Pending, work: (domainPath: string) => Promise<unknown>): Promise<void> => {
        setDialog(null);
        setFailure(null);
        setPending(what);
        try {
            await work(await vmStore.resolvePath(name));
        } catch (err) {
            setFailure({ title: failureTitle(what), message: toLibvirtError(err).message });
        } finally {
            setPending(null);
            onDefinitionChanged();
            await reload();
        }
    };

    const create = (request: CreateSnapshotRequest) => {
        if (!domain) return;
        void run({ action: "create", snapshot: request.name }, path => createSnapshot({
            path,
            xml: snapshotCreateXml({ name: request.name, description: request.description, kind: request.kind, domain }),
            diskOnly: request.kind === "external-disk-only",
        }));
    };

    const busy = pending !== null || readOnly;
    return (
        <Card id="kvm-snapshots">
            <CardHeader actions={{
                actions: <Button variant="secondary" size="sm" id="kvm-snapshot-create-open" isDisabled={busy || domain === null || snapshots === null}
                    onClick={() => setDialog({ kind: "create" })}>{_("Create snapshot")}</Button>,
                hasNoOffset: true,
            }}>
                <CardTitle>{_("Snapshots")}</CardTitle>
            </CardHeader>
            <CardBody>
                {pending && <div className="kvm-pending" id="kvm-snapshots-pending"><Spinner size="sm" /> {pendingText(pending)}</div>}
                {failure &&
                    <Alert isInline variant="danger" id="kvm-snapshots-failure" title={failure.title}
                        actionClose={<AlertActionCloseButton onClose={() => setFailure(null)} />}>{failure.message}</Alert>}
                {error && <Alert isInline variant="warning" title={_("Snapshots could not be read")}>{error}</Alert>}
                {snapshots === null && !error && <Spinner size="md" aria-label={_("Loading snapshots")} />}
                {snapshots !== null && rows.length === 0 && <span className="kvm-muted" id="kvm-snapshots-none">{_("No snapshots")}</span>}
                {rows.length > 0 &&
                    <Table variant="compact" aria-label={_("Snapshots")}>
                        <Thead>
                            <Tr>
                                <Th>{_("Name")}</Th><Th>{_("Description")}</Th><Th>{_("Created")}</Th><Th>{_("VM state")}</Th>
                                <Th screenReaderText={_("Actions")} />
                            </Tr>
                        </Thead>
                        <Tbody>
                            {rows.map(({ snapshot, depth }) => (
                                <Tr key={snapshot.name} data-snapshot={snapshot.name} data-depth={depth}
                                    data-parent={snapshot.parent ?? ""} data-current={snapshot.current ? "true" : "false"}>
                                    <Td dataLabel={_("Name")}>
                                        <span className="kvm-snapshot-name" style={{ paddingInlineStart: `${depth * 1.5}rem` }}>
                                            {depth > 0 && <span aria-hidden="true" className="kvm-muted">└ </span>}
                                            <DisplayName name={snapshot.name} />
                                        </span>
                                        {snapshot.current && <> <Label isCompact color="blue">{_("Current")}</Label></>}
                                    </Td>
                                    <Td dataLabel={_("Description")}>{snapshot.description ?? <span className="kvm-muted">{_("None")}</span>}</Td>
                                    <Td dataLabel={_("Created")}>
                                        {snapshot.creationTime === null ? "–" : dateFormat.format(snapshot.creationTime * 1000)}
                                    </Td>
                                    <Td dataLabel={_("VM state")}>{snapshotStateLabel(snapshot.state)}</Td>
                                    <Td isActionCell>
                                        <Flex flexWrap={{ default: "nowrap" }} spaceItems={{ default: "spaceItemsSm" }} justifyContent={{ default: "justifyContentFlexEnd" }}>
                                        {isExternal(snapshot)
                                            // libvirt before 9.7 refuses to revert to external snapshots; this stack has 9.0.
                                            ? <Tooltip content={_("Reverting to an external (disk-only) snapshot needs libvirt 9.7 or later.")}>
                                                <Button variant="secondary" size="sm" data-action="revert" isAriaDisabled>{_("Revert")}</Button>
                                            </Tooltip>
                                            : <Button variant="secondary" size="sm" data-action="revert" isDisabled={busy}
                                                onClick={() => setDialog({ kind: "revert", snapshot })}>{_("Revert")}</Button>}
                                        <Button variant="secondary" isDanger size="sm" data-action="delete" isDisabled={busy}
                                            onClick={() => setDialog({ kind: "delete", snapshot })}>{_("Delete")}</Button>
                                        </Flex>
                                    </Td>
                                </Tr>
                            ))}
                        </Tbody>
                    </Table>}
            </CardBody>
            {dialog?.kind === "create" && domain &&
                <CreateSnapshotDialog vmName={name} domain={domain} active={isActive(state)}
                    taken={(snapshots ?? []).map(s => s.name)} onCreate={create} onCancel={() => setDialog(null)} />}
            {dialog?.kind === "revert" &&
                <RevertSnapshotDialog vmName={name} snapshotName={dialog.snapshot.name} snapshotState={dialog.snapshot.state}
                    onCancel={() => setDialog(null)}
                    onRevert={start => void run({ action: "revert", snapshot: dialog.snapshot.name },
                        () => revertSnapshot({ snapshotPath: dialog.snapshot.path, start }))} />}
            {dialog?.kind === "delete" &&
                <ConfirmDialog title={_("Delete snapshot?")} danger confirmLabel={_("Delete")}
                    body={<NameSentence names={[dialog.snapshot.name, name]} template={rows.some(r => r.snapshot.parent === dialog.snapshot.name)
                        ? _("Snapshot “$0” of $1 is deleted. Its child snapshots are kept and become children of its parent.")
                        : _("Snapshot “$0” of $1 is deleted. The virtual machine's current state is not changed.")} />}
                    onCancel={() => setDialog(null)}
                    onConfirm={() => void run({ action: "delete", snapshot: dialog.snapshot.name },
                        () => deleteSnapshot({ snapshotPath: dialog.snapshot.path }))} />}
        </Card>
    );
}
