// The host's storage pools: type, state, autostart, usage and volume count for each, with start, stop,
// refresh, autostart, create and delete. A pool that cannot be read, or whose last action failed, shows
// libvirt's message on its own row; the rest of the page stays usable.
import {
    Alert, AlertActionCloseButton, Button, EmptyState, EmptyStateBody, EmptyStateFooter, Flex, FlexItem, PageSection, Progress,
    ProgressMeasureLocation, ProgressSize, Spinner, Switch, Title,
} from "@patternfly/react-core";
import { CubesIcon, ExclamationCircleIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { formatBytes } from "../../core/format";
import { AdminButton } from "../../components/AdminButton";
import { ADMIN_ACCESS_HINT } from "../../components/ConnectionEmptyState";
import { DisplayName } from "../../components/DisplayName";
import { RouteLink } from "../../components/RouteLink";
import { namedRoutePath } from "../../lib/paths";
import { useAdminAccess } from "../../lib/permission";
import { toLibvirtError } from "../../libvirt/connection";
import { refreshPool, setPoolAutostart, startPool, stopPool } from "../../libvirt/storage-pools";
import { CreatePoolDialog, type CreatePoolRequest } from "./CreatePoolDialog";
import { DeletePoolDialog } from "./DeletePoolDialog";
import { createPool, deletePool } from "./pool-actions";
import { poolStateLabel, poolTypeLabel } from "./storage-labels";
import { usePoolTypes } from "./usePoolTypes";
import { useStoragePools, type PoolRow } from "./useStoragePools";

const dash = "–";
const bytes = (value: number | null | undefined): string => value == null ? dash : formatBytes(value, cockpit.language);

type PoolAction = "start" | "stop" | "refresh" | "autostart" | "delete";

function pendingText(action: PoolAction): string {
    switch (action) {
    case "start": return _("Starting…");
    case "stop": return _("Stopping…");
    case "refresh": return _("Refreshing…");
    case "autostart": return _("Changing autostart…");
    case "delete": return _("Deleting…");
    }
}

function failureText(action: PoolAction): string {
    switch (action) {
    case "start": return _("Start failed");
    case "stop": return _("Stop failed");
    case "refresh": return _("Refresh failed");
    case "autostart": return _("Autostart could not be changed");
    case "delete": return _("Delete failed");
    }
}

export function poolName(pool: PoolRow): string {
    return pool.description?.name ?? pool.path;
}

export function UsageBar({ pool, id }: { pool: PoolRow; id?: string }) {
    const capacity = pool.info?.capacity ?? pool.description?.capacity ?? null;
    const allocation = pool.info?.allocation ?? pool.description?.allocation ?? null;
    const available = pool.info?.available ?? pool.description?.available ?? null;
    if (!pool.active || capacity === null || allocation === null || capacity === 0) return <span className="kvm-muted">{dash}</span>;
    const percent = Math.min(100, (allocation / capacity) * 100);
    return (
        <Progress id={id} value={percent} size={ProgressSize.sm} measureLocation={ProgressMeasureLocation.none}
            variant={percent >= 95 ? "danger" : percent >= 85 ? "warning" : undefined}
            aria-label={cockpit.format(_("$0 of $1 used"), bytes(allocation), bytes(capacity))}
            title={<span className="kvm-pool-usage-text">
                {cockpit.format(_("$0 of $1 used, $2 available"), bytes(allocation), bytes(capacity), bytes(available))}
            </span>} />
    );
}

export function StoragePoolsPage() {
    const { pools, error, reload, reloadPool, setActionError } = useStoragePools();
    const admin = useAdminAccess();
    const readOnly = admin === false;
    const [pending, setPending] = useState<Map<string, PoolAction>>(new Map());
    const [creating, setCreating] = useState<"dialog" | "running" | null>(null);
    const [createError, setCreateError] = useState<string | null>(null);
    const [deleting, setDeleting] = useState<PoolRow | null>(null);
    const types = usePoolTypes();

    const act = async (pool: PoolRow, action: PoolAction, work: () => Promise<unknown>): Promise<void> => {
        setPending(p => new Map(p).set(pool.path, action));
        setActionError(pool.path, null);
        try {
            await work();
        } catch (err) {
            setActionError(pool.path, cockpit.format(_("$0: $1"), failureText(action), toLibvirtError(err).message));
        } finally {
            setPending(p => {
                const next = new Map(p);
                next.delete(pool.path);
                return next;
            });
            await reloadPool(pool.path);
        }
    };

    const create = async (request: CreatePoolRequest): Promise<void> => {
        setCreating("running");
        setCreateError(null);
        try {
            await createPool(request);
        } catch (err) {
            setCreateError((err as Error).message);
        } finally {
            setCreating(null);
            await reload();
        }
    };

    const header = (
        <Flex className="kvm-details-header" alignItems={{ default: "alignItemsCenter" }}>
            <FlexItem><Title headingLevel="h1">{_("Storage pools")}</Title></FlexItem>
            <FlexItem align={{ default: "alignRight" }}>
                <AdminButton readOnly={readOnly} variant="primary" id="kvm-pool-create-open" isDisabled={creating !== null || pools === null}
                    isLoading={creating === "running"} onClick={() => setCreating("dialog")}>{_("Create storage pool")}</AdminButton>
            </FlexItem>
        </Flex>
    );

    if (error) {
        return (
            <PageSection id="kvm-storage-pools">
                {header}
                <EmptyState titleText={_("Storage pools could not be listed")} headingLevel="h2" icon={ExclamationCircleIcon} id="kvm-pools-error">
                    <EmptyStateBody>
                        {error.message}
                        {error.kind === "access-denied" && <div>{_(ADMIN_ACCESS_HINT)}</div>}
                    </EmptyStateBody>
                    <EmptyStateFooter><Button variant="link" onClick={() => void reload()}>{_("Try again")}</Button></EmptyStateFooter>
                </EmptyState>
            </PageSection>
        );
    }

    return (
        <PageSection id="kvm-storage-pools">
            {header}
            {readOnly && <Alert isInline variant="info" title={_("Read-only: actions need administrative access")}>{_(ADMIN_ACCESS_HINT)}</Alert>}
            {createError &&
                <Alert isInline variant="danger" id="kvm-pool-create-failure" title={_("The storage pool could not be created")} className="kvm-row-error"
                    actionClose={<AlertActionCloseButton onClose={() => setCreateError(null)} />}>{createError}</Alert>}
            {pools === null && <EmptyState titleText={_("Loading storage pools")} headingLevel="h2" icon={Spinner} id="kvm-pools-loading" />}
            {pools !== null && pools.length === 0 &&
                <EmptyState titleText={_("No storage pools")} headingLevel="h2" icon={CubesIcon} id="kvm-pools-empty">
                    <EmptyStateBody>{_("A storage pool is a place for virtual machine disks: a directory, a volume group, a network share.")}</EmptyStateBody>
                </EmptyState>}
            {pools !== null && pools.length > 0 &&
                <Table aria-label={_("Storage pools")} variant="compact" id="kvm-pools-table">
                    <Thead>
                        <Tr>
                            <Th>{_("Name")}</Th><Th modifier="fitContent">{_("Type")}</Th><Th modifier="fitContent">{_("State")}</Th>
                            <Th modifier="fitContent">{_("Autostart")}</Th><Th>{_("Usage")}</Th>
                            <Th modifier="fitContent">{_("Volumes")}</Th><Th screenReaderText={_("Actions")} />
                        </Tr>
                    </Thead>
                    {pools.map(pool => {
                        const name = poolName(pool);
                        const action = pending.get(pool.path);
                        const busy = readOnly || action !== undefined;
                        const message = pool.error ?? pool.actionError;
                        return (
                            <Tbody key={pool.path} data-pool={name}>
                                <Tr className={message ? "kvm-pool-row-with-error" : undefined}>
                                    <Td dataLabel={_("Name")}>
                                        <RouteLink path={namedRoutePath("pool", name)} className="kvm-pool-name"><DisplayName name={name} truncate /></RouteLink>
                                        {pool.description?.targetPath && <div className="kvm-muted kvm-pool-target">{pool.description.targetPath}</div>}
                                    </Td>
                                    <Td dataLabel={_("Type")}>{pool.description ? poolTypeLabel(pool.description.type) : dash}</Td>
                                    <Td dataLabel={_("State")} className="kvm-pool-state">
                                        {action
                                            ? <span className="kvm-pending"><Spinner size="sm" /> {pendingText(action)}</span>
                                            : message
                                                ? <span className="kvm-pool-state-error"><ExclamationCircleIcon /> {poolStateLabel(pool.info?.state ?? null, pool.active)}</span>
                                                : poolStateLabel(pool.info?.state ?? null, pool.active)}
                                    </Td>
                                    <Td dataLabel={_("Autostart")}>
                                        <Switch aria-label={_("Start with the host")} className="kvm-pool-autostart"
                                            isChecked={pool.autostart} isDisabled={busy || !pool.persistent}
                                            onChange={(_event, checked) => void act(pool, "autostart", () => setPoolAutostart({ path: pool.path, autostart: checked }))} />
                                    </Td>
                                    <Td dataLabel={_("Usage")} className="kvm-pool-usage"><UsageBar pool={pool} /></Td>
                                    <Td dataLabel={_("Volumes")} className="kvm-pool-volumes">{pool.volumeCount ?? dash}</Td>
                                    <Td isActionCell>
                                        <Flex flexWrap={{ default: "nowrap" }} spaceItems={{ default: "spaceItemsSm" }} justifyContent={{ default: "justifyContentFlexEnd" }}>
                                            {pool.active
                                                ? <Button variant="secondary" size="sm" data-action="stop" isDisabled={busy}
                                                    onClick={() => void act(pool, "stop", () => stopPool({ path: pool.path }))}>{_("Stop")}</Button>
                                                : <Button variant="secondary" size="sm" data-action="start" isDisabled={busy}
                                                    onClick={() => void act(pool, "start", () => startPool({ path: pool.path }))}>{_("Start")}</Button>}
                                            <Button variant="secondary" size="sm" data-action="refresh" isDisabled={busy || !pool.active}
                                                onClick={() => void act(pool, "refresh", () => refreshPool({ path: pool.path }))}>{_("Refresh")}</Button>
                                            <Button variant="secondary" isDanger size="sm" data-action="delete" isDisabled={busy}
                                                onClick={() => setDeleting(pool)}>{_("Delete")}</Button>
                                        </Flex>
                                    </Td>
                                </Tr>
                                {message &&
                                    <Tr className="kvm-pool-error-row">
                                        <Td colSpan={7}>
                                            <Alert isInline isPlain variant="danger" className="kvm-pool-error" title={message}
                                                actionClose={pool.actionError && !pool.error
                                                    ? <AlertActionCloseButton aria-label={_("Dismiss")} onClose={() => setActionError(pool.path, null)} />
                                                    : undefined} />
                                        </Td>
                                    </Tr>}
                            </Tbody>
                        );
                    })}
                </Table>}
            {creating === "dialog" &&
                <CreatePoolDialog availability={types.availability} taken={(pools ?? []).map(poolName)}
                    onCreate={request => void create(request)} onCancel={() => setCreating(null)} />}
            {deleting &&
                <DeletePoolDialog pool={deleting} name={poolName(deleting)} onCancel={() => setDeleting(null)}
                    onDelete={withVolumes => {
                        const pool = deleting;
                        setDeleting(null);
                        void act(pool, "delete", () => deletePool({ path: pool.path, name: poolName(pool), active: pool.active, withVolumes }));
                    }} />}
        </PageSection>
    );
}
