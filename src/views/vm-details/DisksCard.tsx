// A VM's disks: device, bus, source, format, capacity and allocation, with add, remove and a CD/DVD's
// medium change. A running VM's definition can differ from what the guest has (a SATA disk added for the
// next boot, a disk removed that stays until shutdown): such rows say so.
import {
    Alert, AlertActionCloseButton, Button, Card, CardBody, CardHeader, CardTitle, Checkbox, Flex, Label, Modal, ModalBody, ModalFooter,
    ModalHeader, ModalVariant, Spinner,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useEffect, useMemo, useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { isActive, type DomainState } from "../../core/domain-state";
import type { BlockInfo } from "../../core/domain-stats";
import { parseDomainXml, type DiskDescription, type DomainDescription } from "../../core/domain-xml";
import { formatBytes } from "../../core/format";
import { detachPlan } from "../../core/storage/disk-device";
import { parseVolumeXml } from "../../core/storage/volume-xml";
import { volumeUsers } from "../../core/storage/volume-users";
import { ActionStatus } from "../../components/ActionStatus";
import { AdminButton } from "../../components/AdminButton";
import { NameSentence } from "../../components/DisplayName";
import { getDomainXml } from "../../libvirt/domains";
import { getVolumeXml, lookupVolumeByPath } from "../../libvirt/storage-volumes";
import { readAllDomainDisks } from "../../state/domain-disks";
import { vmStore } from "../../state/vm-store";
import { AddDiskDialog, type AddDiskRequest } from "./AddDiskDialog";
import { ChangeMediumDialog } from "./ChangeMediumDialog";
import { addDisk, changeMedium, removeDisk } from "./disk-actions";
import { useDeviceChange } from "./useDeviceChange";

const dash = "–";
const bytes = (value: number | null | undefined): string => value == null ? dash : formatBytes(value, cockpit.language);

interface DiskRow {
    disk: DiskDescription;
    inLive: boolean;
    inConfig: boolean;
}

interface Definitions {
    live: string;
    persistent: string;
}

// Both definitions as XML: the running one (what the guest has) and the persistent one (the next boot).
function useDefinitions(name: string, description: DomainDescription | null): Definitions | null {
    const [definitions, setDefinitions] = useState<Definitions | null>(null);
    useEffect(() => {
        if (description === null) return;
        let cancelled = false;
        void (async () => {
            try {
                const path = await vmStore.resolvePath(name);
                const [live, persistent] = await Promise.all([getDomainXml({ path }), getDomainXml({ path, inactive: true })]);
                if (!cancelled) setDefinitions({ live, persistent });
            } catch (error) {
                console.warn(`The definitions of ${name} could not be read:`, error);
            }
        })();
        return () => {
            cancelled = true;
        };
    }, [name, description]);
    return definitions;
}

function diskRows(description: DomainDescription | null, definitions: Definitions | null, active: boolean): DiskRow[] {
    const live = description?.disks ?? [];
    if (!definitions || !active) return live.map(disk => ({ disk, inLive: true, inConfig: true }));
    const persistent = parseDomainXml(definitions.persistent).disks;
    const same = (a: DiskDescription, b: DiskDescription) => a.target === b.target && (a.device === "cdrom" || a.source === b.source);
    return [
        ...live.map(disk => ({ disk, inLive: true, inConfig: persistent.some(p => same(p, disk)) })),
        ...persistent.filter(p => !live.some(l => same(p, l))).map(disk => ({ disk, inLive: false, inConfig: true })),
    ];
}

type Pending = { action: "add" | "remove" | "medium"; target: string | null };
type Dialog = { kind: "add" } | { kind: "remove"; row: DiskRow } | { kind: "medium"; row: DiskRow };

function pendingText(pending: Pending): string {
    switch (pending.action) {
    case "add": return _("Adding disk…");
    case "remove": return cockpit.format(_("Removing disk $0…"), pending.target);
    case "medium": return cockpit.format(_("Changing the medium in $0…"), pending.target);
    }
}

// The volume behind a disk, if it is one of a pool's, and the other VMs that use it.
function useDiskVolume(name: string, disk: DiskDescription): { volumePath: string | null; volumeName: string | null; otherUsers: string[]; loading: boolean } {
    const [state, setState] = useState<{ volumePath: string | null; volumeName: string | null; otherUsers: string[]; loading: boolean }>(
        { volumePath: null, volumeName: null, otherUsers: [], loading: true });
    useEffect(() => {
        let cancelled = false;
        void (async () => {
            if (disk.source === null || (disk.sourceType !== "file" && disk.sourceType !== "block")) {
                setState({ volumePath: null, volumeName: null, otherUsers: [], loading: false });
                return;
            }
            try {
                const volumePath = await lookupVolumeByPath({ filePath: disk.source });
                const [volume, domains] = await Promise.all([getVolumeXml({ path: volumePath }).then(parseVolumeXml), readAllDomainDisks()]);
                const otherUsers = volumeUsers(domains.filter(d => d.name !== name)).usersOf({ pool: "", name: volume.name, path: disk.source });
                if (!cancelled) setState({ volumePath, volumeName: volume.name, otherUsers, loading: false });
            } catch {
                // Not a volume of any pool (an image file elsewhere): there is nothing to offer to delete.
                if (!cancelled) setState({ volumePath: null, volumeName: null, otherUsers: [], loading: false });
            }
        })();
        return () => {
            cancelled = true;
        };
    }, [name, disk]);
    return state;
}

function RemoveDiskDialog({ vmName, state, row, onRemove, onCancel }: {
    vmName: string;
    state: DomainState;
    row: DiskRow;
    onRemove: (volumePath: string | null) => void;
    onCancel: () => void;
}) {
    const { disk } = row;
    const volume = useDiskVolume(vmName, disk);
    const [deleteVolume, setDeleteVolume] = useState(false);
    const plan = detachPlan({ state, bus: disk.bus, inLive: row.inLive, inConfig: row.inConfig });
    const canDelete = volume.volumePath !== null && plan.timing === "now" && volume.otherUsers.length === 0;
    return (
        <Modal isOpen variant={ModalVariant.small} onClose={onCancel} aria-labelledby="kvm-disk-remove-title" id="kvm-disk-remove">
            <ModalHeader title={cockpit.format(_("Remove disk $0?"), disk.target)} titleIconVariant="warning" labelId="kvm-disk-remove-title" />
            <ModalBody>
                <p id="kvm-disk-remove-timing">
                    {!isActive(state) || !row.inLive
                        ? _("The disk is removed from the virtual machine's definition.")
                        : plan.timing === "now"
                            ? _("The disk is unplugged from the running virtual machine now and removed from its definition.")
                            : cockpit.format(_("A $0 disk cannot be unplugged from a running virtual machine: it is removed from the definition now and stays in the guest until the VM shuts down."), (disk.bus ?? "").toUpperCase())}
                </p>
                {volume.loading && <Spinner size="sm" aria-label={_("Checking the disk's volume")} />}
                {volume.volumePath !== null &&
                    <Checkbox id="kvm-disk-remove-volume" isChecked={deleteVolume && canDelete} isDisabled={!canDelete}
                        onChange={(_event, checked) => setDeleteVolume(checked)}
                        label={cockpit.format(_("Also delete volume $0 and its data"), volume.volumeName)}
                        description={volume.otherUsers.length > 0
                            ? <NameSentence template={_("Not possible: VM $0 uses it too.")} names={[volume.otherUsers.join(", ")]} />
                            : plan.timing !== "now" ? _("Not possible while the running guest still uses it.") : undefined} />}
            </ModalBody>
            <ModalFooter>
                <Button variant="danger" id="kvm-disk-remove-confirm" isDisabled={volume.loading}
                    onClick={() => onRemove(deleteVolume && canDelete ? volume.volumePath : null)}>{_("Remove")}</Button>
                <Button variant="link" onClick={onCancel}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}

export function DisksCard({ name, state, description, blocks, readOnly, onDefinitionChanged }: {
    name: string;
    state: DomainState;
    description: DomainDescription | null;
    blocks: BlockInfo[];
    readOnly: boolean;
    onDefinitionChanged: () => void;
}) {
    const definitions = useDefinitions(name, description);
    const active = isActive(state);
    const rows = useMemo(() => diskRows(description, definitions, active), [description, definitions, active]);
    const [dialog, setDialog] = useState<Dialog | null>(null);
    const change = useDeviceChange<Pending>(name, onDefinitionChanged);
    const { pending, failure, notice } = change;
    const run = (what: Pending, title: string, work: (domainPath: string) => Promise<string | null>): Promise<void> => {
        setDialog(null);
        return change.run(what, title, work);
    };

    const add = (request: AddDiskRequest): void => {
        const usedTargets = rows.map(r => r.disk.target);
        void run({ action: "add", target: null }, _("The disk could not be added"), async domainPath => {
            const { target, timing } = await addDisk({ domainPath, state, request, usedTargets });
            return timing === "next-boot" ? cockpit.format(_("Disk $0 was added to the definition: the guest sees it after its next shutdown and start."), target) : null;
        });
    };

    const remove = (row: DiskRow, volumePath: string | null): void => {
        if (!definitions) return;
        void run({ action: "remove", target: row.disk.target }, cockpit.format(_("Disk $0 could not be removed"), row.disk.target), async domainPath => {
            const timing = await removeDisk({
                domainPath, state, target: row.disk.target, bus: row.disk.bus, liveXml: definitions.live, persistentXml: definitions.persistent,
                inLive: row.inLive, inConfig: row.inConfig, volumePath,
            });
            if (timing === "guest-holds") {
                return cockpit.format(_("Disk $0 was removed from the definition, but the guest has not released it yet, so its volume was kept."), row.disk.target);
            }
            return timing === "next-boot" ? cockpit.format(_("Disk $0 was removed from the definition: it stays in the guest until the VM shuts down."), row.disk.target) : null;
        });
    };

    const setMedium = (row: DiskRow, isoPath: string | null): void => {
        if (!definitions) return;
        void run({ action: "medium", target: row.disk.target }, cockpit.format(_("The medium in $0 could not be changed"), row.disk.target), async domainPath => {
            await changeMedium({ domainPath, state, xml: row.inLive ? definitions.live : definitions.persistent, target: row.disk.target, isoPath });
            return null;
        });
    };

    const busy = readOnly || pending !== null || definitions === null;
    return (
        <Card id="kvm-disks">
            <CardHeader actions={{
                actions: <AdminButton readOnly={readOnly} variant="secondary" size="sm" id="kvm-disk-add-open" isDisabled={busy || description === null}
                    onClick={() => setDialog({ kind: "add" })}>{_("Add disk")}</AdminButton>,
                hasNoOffset: true,
            }}>
                <CardTitle>{_("Disks")}</CardTitle>
            </CardHeader>
            <CardBody>
                <ActionStatus id="kvm-disks" pendingText={pending && pendingText(pending)} failure={failure} onDismiss={change.dismissFailure} />
                {notice &&
                    <Alert isInline variant="info" id="kvm-disks-notice" title={notice}
                        actionClose={<AlertActionCloseButton onClose={change.dismissNotice} />} />}
                {rows.length === 0
                    ? <span className="kvm-muted">{_("No disks")}</span>
                    : <Table variant="compact" aria-label={_("Disks")}>
                        <Thead>
                            <Tr>
                                {/* The short columns fit their content, so a long source path never cuts their headers. */}
                                <Th modifier="fitContent">{_("Device")}</Th><Th modifier="fitContent">{_("Bus")}</Th>
                                <Th>{_("Source")}</Th><Th modifier="fitContent">{_("Format")}</Th>
                                <Th modifier="fitContent">{_("Capacity")}</Th><Th modifier="fitContent">{_("Allocation")}</Th>
                                <Th screenReaderText={_("Actions")} />
                            </Tr>
                        </Thead>
                        <Tbody>
                            {rows.map(row => {
                                const { disk } = row;
                                // Allocation as libvirt (and `virsh domblkinfo`) reports it: blocks in use on the
                                // host; for a running qcow2, its highest written offset.
                                const info = row.inLive ? blocks.find(b => b.name === disk.target) : undefined;
                                return (
                                    <Tr key={`${disk.target}-${row.inLive}`} data-disk={disk.target} data-in-live={String(row.inLive)} data-in-config={String(row.inConfig)}>
                                        <Td dataLabel={_("Device")}>
                                            {disk.device === "disk" ? disk.target : `${disk.target} (${disk.device})`}
                                        </Td>
                                        <Td dataLabel={_("Bus")}>{disk.bus ?? dash}</Td>
                                        <Td dataLabel={_("Source")} className="kvm-disk-source" modifier="breakWord">
                                            {disk.source ?? <span className="kvm-muted">{_("Empty")}</span>}
                                            {active && !row.inLive && <> <Label isCompact color="orange" className="kvm-disk-next-boot">{_("At next boot")}</Label></>}
                                            {active && !row.inConfig && <> <Label isCompact color="orange" className="kvm-disk-next-boot">{_("Removed at next boot")}</Label></>}
                                        </Td>
                                        <Td dataLabel={_("Format")}>{disk.format ?? dash}</Td>
                                        <Td dataLabel={_("Capacity")}>{bytes(info?.capacity)}</Td>
                                        <Td dataLabel={_("Allocation")}>{bytes(info?.allocation)}</Td>
                                        <Td isActionCell>
                                            <Flex flexWrap={{ default: "nowrap" }} spaceItems={{ default: "spaceItemsSm" }} justifyContent={{ default: "justifyContentFlexEnd" }}>
                                                {disk.device === "cdrom" && <>
                                                    <Button variant="secondary" size="sm" data-action="medium" isDisabled={busy}
                                                        onClick={() => setDialog({ kind: "medium", row })}>{disk.source ? _("Change medium") : _("Insert")}</Button>
                                                    {disk.source &&
                                                        <Button variant="secondary" size="sm" data-action="eject" isDisabled={busy}
                                                            onClick={() => setMedium(row, null)}>{_("Eject")}</Button>}
                                                </>}
                                                {row.inConfig &&
                                                    <Button variant="secondary" isDanger size="sm" data-action="remove" isDisabled={busy}
                                                        onClick={() => setDialog({ kind: "remove", row })}>{_("Remove")}</Button>}
                                            </Flex>
                                        </Td>
                                    </Tr>
                                );
                            })}
                        </Tbody>
                    </Table>}
            </CardBody>
            {dialog?.kind === "add" && <AddDiskDialog vmName={name} state={state} onAdd={add} onCancel={() => setDialog(null)} />}
            {dialog?.kind === "remove" &&
                <RemoveDiskDialog vmName={name} state={state} row={dialog.row} onCancel={() => setDialog(null)}
                    onRemove={volumePath => remove(dialog.row, volumePath)} />}
            {dialog?.kind === "medium" &&
                <ChangeMediumDialog target={dialog.row.disk.target} current={dialog.row.disk.source} onCancel={() => setDialog(null)}
                    onChange={isoPath => setMedium(dialog.row, isoPath)} />}
        </Card>
    );
}
