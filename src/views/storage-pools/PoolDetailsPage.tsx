// One storage pool: its summary and its volumes (name, format, capacity, allocation, the VMs that use
// each), with create and delete. A volume in use is never deleted: its Delete names the VM instead, and
// the check is made again right before libvirt is asked.
import {
    Alert, Breadcrumb, BreadcrumbItem, Button, Card, CardBody, CardHeader, CardTitle, DescriptionList,
    DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, EmptyState, EmptyStateBody, Flex, FlexItem, PageSection,
    Spinner, Title, Tooltip,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useEffect, useState } from "react";
import cockpit, { _, ngettext } from "../../lib/cockpit";
import { formatBytes } from "../../core/format";
import { buildVolumeXml } from "../../core/storage/volume-xml";
import { volumeFormatsFor } from "../../core/storage/pool-types";
import { ActionStatus, type ActionFailure } from "../../components/ActionStatus";
import { AdminButton } from "../../components/AdminButton";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { DisplayName, NameSentence } from "../../components/DisplayName";
import { RouteLink } from "../../components/RouteLink";
import { vmDetailsPath } from "../../lib/paths";
import { useAdminAccess } from "../../lib/permission";
import { toLibvirtError } from "../../libvirt/connection";
import { lookupPoolPath, subscribePoolEvents } from "../../libvirt/storage-pools";
import { createVolume, deleteVolume } from "../../libvirt/storage-volumes";
import { CreateVolumeDialog, type CreateVolumeRequest } from "./CreateVolumeDialog";
import { poolStateLabel, poolTypeLabel } from "./storage-labels";
import { UsageBar } from "./StoragePoolsPage";
import { usePoolTypes } from "./usePoolTypes";
import { readPoolVolumes, usePoolVolumes, type VolumeEntry } from "./usePoolVolumes";
import { readPool, type PoolRow } from "./useStoragePools";

const dash = "–";
const bytes = (value: number | null | undefined): string => value == null ? dash : formatBytes(value, cockpit.language);

function usePool(name: string): { pool: PoolRow | null; missing: boolean; error: string | null; reload: () => Promise<void> } {
    const [pool, setPool] = useState<PoolRow | null>(null);
    const [missing, setMissing] = useState(false);
    const [error, setError] = useState<string | null>(null);
    const reload = useCallback((): Promise<void> => lookupPoolPath({ name }).then(readPool).then(row => {
        setPool(row);
        setMissing(false);
        setError(null);
    }, (err: unknown) => {
        const failure = toLibvirtError(err);
        if (/no storage pool|Storage pool not found/i.test(failure.message)) setMissing(true);
        else setError(failure.message);
    }), [name]);
    useEffect(() => {
        void reload();
        // Any pool's lifecycle event may be this one's (defined again under the same name, too).
        return subscribePoolEvents(() => void reload());
    }, [reload]);
    return { pool, missing, error, reload };
}

type Pending = { action: "create" | "delete"; volume: string };

export function PoolDetailsPage({ name }: { name: string }) {
    const { pool, missing, error: poolError, reload: reloadPool } = usePool(name);
    const { volumes, error: volumesError, reload: reloadVolumes } = usePoolVolumes(pool?.path ?? null, name, pool?.active ?? false);
    const types = usePoolTypes();
    const admin = useAdminAccess();
    const readOnly = admin === false;
    const [creating, setCreating] = useState(false);
    const [deleting, setDeleting] = useState<VolumeEntry | null>(null);
    const [pending, setPending] = useState<Pending | null>(null);
    const [failure, setFailure] = useState<ActionFailure | null>(null);

    const breadcrumb = (
        <Breadcrumb>
            <BreadcrumbItem to="#/storage" onClick={event => {
                event.preventDefault();
                cockpit.location.go(["storage"]);
            }}>{_("Storage pools")}</BreadcrumbItem>
            <BreadcrumbItem isActive><DisplayName name={name} truncate /></BreadcrumbItem>
        </Breadcrumb>
    );

    if (missing) {
        return (
            <PageSection>
                {breadcrumb}
                <EmptyState titleText={_("Storage pool not found")} headingLevel="h2" id="kvm-pool-missing">
                    <EmptyStateBody>{cockpit.format(_("There is no storage pool named “$0” on this host (any more)."), name)}</EmptyStateBody>
                    <Button variant="link" onClick={() => cockpit.location.go(["storage"])}>{_("Back to all storage pools")}</Button>
                </EmptyState>
            </PageSection>
        );
    }

    const run = async (what: Pending, title: string, work: () => Promise<unknown>): Promise<void> => {
        setFailure(null);
        setPending(what);
        try {
            await work();
        } catch (err) {
            setFailure({ title, message: (err as Error).message });
        } finally {
            setPending(null);
            await Promise.all([reloadVolumes(), reloadPool()]);
        }
    };

    const create = (request: CreateVolumeRequest): void => {
        setCreating(false);
        if (!pool) return;
        void run({ action: "create", volume: request.name }, cockpit.format(_("Volume $0 could not be created"), request.name), async () => {
            try {
                await createVolume({ poolPath: pool.path, xml: buildVolumeXml(request) });
            } catch (err) {
                throw toLibvirtError(err);
            }
        });
    };

    const remove = (entry: VolumeEntry): void => {
        setDeleting(null);
        if (!pool) return;
        void run({ action: "delete", volume: entry.volume.name }, cockpit.format(_("Volume $0 could not be deleted"), entry.volume.name), async () => {
            // The VMs' definitions again, right before deleting: one may have taken the volume since the list was read.
            const fresh = (await readPoolVolumes({ poolPath: pool.path, poolName: name })).find(v => v.path === entry.path);
            if (fresh && fresh.users.length > 0) {
                throw new Error(cockpit.format(ngettext("It is used by VM $0. Remove the disk from the VM first.",
                    "It is used by VMs $0. Remove the disk from the VMs first.", fresh.users.length), fresh.users.join(", ")));
            }
            try {
                await deleteVolume({ path: entry.path });
            } catch (err) {
                throw toLibvirtError(err);
            }
        });
    };

    const busy = readOnly || pending !== null;
    const formats = volumeFormatsFor(types.capabilities, pool?.description?.type ?? "");
    return (
        <PageSection id="kvm-pool-details" data-pool-name={name}>
            {breadcrumb}
            <Flex className="kvm-details-header" alignItems={{ default: "alignItemsCenter" }}>
                <FlexItem><Title headingLevel="h1" id="kvm-pool-details-name"><DisplayName name={name} /></Title></FlexItem>
                <FlexItem id="kvm-pool-details-state">{pool ? poolStateLabel(pool.info?.state ?? null, pool.active) : <Spinner size="sm" />}</FlexItem>
            </Flex>
            {poolError && <Alert isInline variant="danger" title={_("The storage pool could not be read")} className="kvm-row-error">{poolError}</Alert>}
            {pool &&
                <Card className="kvm-row-error">
                    <CardBody>
                        <DescriptionList isHorizontal isCompact columnModifier={{ lg: "2Col" }}>
                            <DescriptionListGroup>
                                <DescriptionListTerm>{_("Type")}</DescriptionListTerm>
                                <DescriptionListDescription>{pool.description ? poolTypeLabel(pool.description.type) : dash}</DescriptionListDescription>
                            </DescriptionListGroup>
                            <DescriptionListGroup>
                                <DescriptionListTerm>{_("Target path")}</DescriptionListTerm>
                                <DescriptionListDescription id="kvm-pool-details-target">{pool.description?.targetPath ?? dash}</DescriptionListDescription>
                            </DescriptionListGroup>
                            <DescriptionListGroup>
                                <DescriptionListTerm>{_("Usage")}</DescriptionListTerm>
                                <DescriptionListDescription><UsageBar pool={pool} /></DescriptionListDescription>
                            </DescriptionListGroup>
                            <DescriptionListGroup>
                                <DescriptionListTerm>{_("Autostart")}</DescriptionListTerm>
                                <DescriptionListDescription>{pool.autostart ? _("Starts with the host") : _("No")}</DescriptionListDescription>
                            </DescriptionListGroup>
                        </DescriptionList>
                    </CardBody>
                </Card>}
            <Card id="kvm-volumes">
                <CardHeader actions={{
                    actions: <AdminButton readOnly={readOnly} variant="secondary" size="sm" id="kvm-volume-create-open"
                        isDisabled={busy || !pool?.active || volumes === null} onClick={() => setCreating(true)}>{_("Create volume")}</AdminButton>,
                    hasNoOffset: true,
                }}>
                    <CardTitle>{_("Volumes")}</CardTitle>
                </CardHeader>
                <CardBody>
                    <ActionStatus id="kvm-volumes" failure={failure} onDismiss={() => setFailure(null)}
                        pendingText={pending && (pending.action === "create"
                            ? cockpit.format(_("Creating volume $0…"), pending.volume)
                            : cockpit.format(_("Deleting volume $0…"), pending.volume))} />
                    {volumesError && <Alert isInline variant="warning" title={_("The volumes could not be read")}>{volumesError}</Alert>}
                    {pool && !pool.active && <span className="kvm-muted" id="kvm-volumes-inactive">{_("The pool is not active: start it to see its volumes.")}</span>}
                    {pool?.active && volumes === null && !volumesError && <Spinner size="md" aria-label={_("Loading volumes")} />}
                    {pool?.active && volumes !== null && volumes.length === 0 && <span className="kvm-muted" id="kvm-volumes-none">{_("No volumes")}</span>}
                    {pool?.active && volumes !== null && volumes.length > 0 &&
                        <Table variant="compact" aria-label={_("Volumes")}>
                            <Thead>
                                <Tr>
                                    <Th>{_("Name")}</Th><Th modifier="fitContent">{_("Format")}</Th><Th modifier="fitContent">{_("Capacity")}</Th>
                                    <Th modifier="fitContent">{_("Allocation")}</Th><Th>{_("Used by")}</Th><Th screenReaderText={_("Actions")} />
                                </Tr>
                            </Thead>
                            <Tbody>
                                {volumes.map(entry => (
                                    <Tr key={entry.path} data-volume={entry.volume.name}>
                                        <Td dataLabel={_("Name")} modifier="breakWord"><DisplayName name={entry.volume.name} /></Td>
                                        <Td dataLabel={_("Format")}>{entry.volume.format ?? dash}</Td>
                                        <Td dataLabel={_("Capacity")} modifier="nowrap">{bytes(entry.volume.capacity)}</Td>
                                        <Td dataLabel={_("Allocation")} modifier="nowrap">{bytes(entry.volume.allocation)}</Td>
                                        <Td dataLabel={_("Used by")} className="kvm-volume-users">
                                            {entry.users.length === 0
                                                ? <span className="kvm-muted">{_("Not used")}</span>
                                                : entry.users.map((vm, index) => (
                                                    <span key={vm}>{index > 0 && ", "}<RouteLink path={vmDetailsPath(vm)}><DisplayName name={vm} /></RouteLink></span>
                                                ))}
                                        </Td>
                                        <Td isActionCell>
                                            {entry.users.length > 0
                                                ? <Tooltip content={<NameSentence names={[entry.users.join(", ")]}
                                                    template={ngettext("Used by VM $0: remove the disk from the VM first.",
                                                        "Used by VMs $0: remove the disk from the VMs first.", entry.users.length)} />}>
                                                    <Button variant="secondary" isDanger size="sm" data-action="delete" isAriaDisabled>{_("Delete")}</Button>
                                                </Tooltip>
                                                : <Button variant="secondary" isDanger size="sm" data-action="delete" isDisabled={busy}
                                                    onClick={() => setDeleting(entry)}>{_("Delete")}</Button>}
                                        </Td>
                                    </Tr>
                                ))}
                            </Tbody>
                        </Table>}
                </CardBody>
            </Card>
            {creating && pool &&
                <CreateVolumeDialog poolName={name} formats={formats} taken={(volumes ?? []).map(v => v.volume.name)}
                    available={pool.info?.available ?? null} onCreate={create} onCancel={() => setCreating(false)} />}
            {deleting &&
                <ConfirmDialog title={_("Delete volume?")} danger confirmLabel={_("Delete")}
                    body={<NameSentence names={[deleting.volume.name, name]}
                        template={_("Volume “$0” is deleted from pool $1, with all the data it holds.")} />}
                    onCancel={() => setDeleting(null)} onConfirm={() => remove(deleting)} />}
        </PageSection>
    );
}
