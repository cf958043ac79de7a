// The landing page: every VM with live state and usage, filter, sort, and per-row lifecycle actions.
import {
    Alert, AlertActionCloseButton, Button, Checkbox, EmptyState, EmptyStateBody, MenuToggle, PageSection, SearchInput, Select,
    SelectList, SelectOption, Spinner, Toolbar, ToolbarContent, ToolbarGroup, ToolbarItem, type MenuToggleElement,
} from "@patternfly/react-core";
import { VirtualMachineIcon } from "@patternfly/react-icons";
import { Table, Td, Th, Thead, Tr, type ThProps } from "@patternfly/react-table";
import { memo, useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import cockpit, { _, ngettext } from "../../lib/cockpit";
import { isActive, type LifecycleAction } from "../../core/domain-state";
import { formatBytes, formatPercent } from "../../core/format";
import {
    filterVms, sortVms, STATE_FILTERS, type ListFilter, type SortColumn, type SortDirection, type StateFilter, type VmListItem,
} from "../../core/vm-list";
import { DisplayName } from "../../components/DisplayName";
import type { ActiveAlertRow } from "../../host/alerts";
import { useActiveAlertsByVm } from "../alerts/active-alerts";
import { AlertMarker } from "../alerts/AlertMarker";
import { RouteLink } from "../../components/RouteLink";
import { ADMIN_ACCESS_HINT, ConnectionEmptyState } from "../../components/ConnectionEmptyState";
import { StateLabel } from "../../components/StateLabel";
import { UsageCell } from "../../components/UsageCell";
import { WindowedTbody } from "../../components/WindowedTbody";
import { useLifecycleAction } from "../../components/useLifecycleAction";
import { actionLabel, batchActionLabel, pendingLabel, stateFilterLabel, type BatchAction } from "../../lib/labels";
import { useAdminAccess } from "../../lib/permission";
import { vmDetailsPath } from "../../lib/paths";
import { snapshotCountOf } from "../../state/snapshot-counts";
import { deleteVms } from "../../state/vm-delete";
import { snapshotCounts, vmStore, type VmRow } from "../../state/vm-store";
import { BatchConfirmDialog, batchNeedsConfirmation } from "./BatchConfirmDialog";
import { BatchDialog, type BatchState } from "./BatchDialog";
import { CreateVmButton } from "../vm-create/CreateVmButton";
import { VmActionsMenu } from "./VmActionsMenu";
import { useCloneDelete, type VmCommand } from "../vm-lifecycle/useCloneDelete";

interface ListRow extends VmListItem {
    row: VmRow;
}

const COLUMNS: { column: SortColumn; title: () => string }[] = [
    { column: "name", title: () => _("Name") },
    { column: "state", title: () => _("State") },
    { column: "vcpus", title: () => _("vCPUs") },
    { column: "memory", title: () => _("Memory") },
    { column: "cpu", title: () => _("CPU usage") },
    { column: "memoryUsed", title: () => _("Memory usage") },
    { column: "snapshots", title: () => _("Snapshots") },
];

// The store keeps a VM's row object while nothing changes; so does this cache, which keeps rows memoized.
const listRows = new WeakMap<VmRow, ListRow>();

function toListRow(row: VmRow, snapshots: number | null): ListRow {
    const cached = listRows.get(row);
    if (cached?.snapshots === snapshots) return cached;
    const { sample, usage } = row;
    const item: ListRow = {
        row,
        name: row.name,
        state: sample.state,
        vcpus: sample.vcpus,
        memoryKiB: sample.memoryCurrentKiB ?? sample.memoryMaxKiB,
        cpuPercent: usage.cpuPercent,
        memoryUsedKiB: usage.memoryUsedKiB,
        snapshots,
    };
    listRows.set(row, item);
    return item;
}

function StateFilterSelect({ value, onChange }: { value: StateFilter; onChange: (value: StateFilter) => void }) {
    const [open, setOpen] = useState(false);
    return (
        <Select
            isOpen={open}
            selected={value}
            onOpenChange={setOpen}
            onSelect={(_event, selected) => {
                onChange(selected as StateFilter);
                setOpen(false);
            }}
            toggle={(ref: React.Ref<MenuToggleElement>) => (
                <MenuToggle ref={ref} onClick={() => setOpen(!open)} isExpanded={open} id="kvm-state-filter">
                    {stateFilterLabel(value)}
                </MenuToggle>
            )}
        >
            <SelectList>
                {STATE_FILTERS.map(filter => <SelectOption key={filter} value={filter}>{stateFilterLabel(filter)}</SelectOption>)}
            </SelectList>
        </Select>
    );
}

const BATCH_ACTIONS: readonly BatchAction[] = ["start", "shutdown", "forceOff", "reboot", "delete"];

function CpuCell({ item }: { item: ListRow }) {
    if (!isActive(item.state)) return <span className="kvm-usage-none">–</span>;
    const value = item.cpuPercent;
    return <UsageCell value={value} label={value === null ? _("Measuring…") : formatPercent(value, cockpit.language)}
        ariaLabel={cockpit.format(_("CPU usage of $0"), item.name)} />;
}

function MemoryUsageCell({ item }: { item: ListRow }) {
    const { usage } = item.row;
    if (!isActive(item.state) || usage.memoryUsedKiB === null) return <span className="kvm-usage-none">–</span>;
    const label = formatBytes(usage.memoryUsedKiB * 1024, cockpit.language);
    return <UsageCell value={usage.memoryPercent} label={label}
        ariaLabel={cockpit.format(_("Memory usage of $0"), item.name)} />;
}

// One row, redrawn only when its VM, its selection or the access mode changes: with hundreds of VMs a
// poll must not redraw every idle row.
const VmTableRow = memo(function VmTableRow({ item, alerts, rowIndex, selected, readOnly, onSelect, onAction, onCommand }: {
    item: ListRow;
    alerts: readonly ActiveAlertRow[] | undefined;
    rowIndex: number;
    selected: boolean;
    readOnly: boolean;
    onSelect: (name: string, isSelecting: boolean) => void;
    onAction: (name: string, action: LifecycleAction) => void;
    onCommand: (name: string, command: VmCommand) => void;
}) {
    const { row } = item;
    return (
        <Tr data-vm-name={item.name} data-state={item.state} data-pending={row.pending ?? undefined}
            data-snapshots={item.snapshots ?? undefined}>
            {/* PF's select cell labels its checkbox "Select row N" whatever is passed: this one names the VM. */}
            <Td className="pf-v6-c-table__check">
                <Checkbox id={`kvm-select-${rowIndex}`} isChecked={selected} isDisabled={readOnly}
                    aria-label={cockpit.format(_("Select $0"), item.name)}
                    onChange={(_event, checked) => onSelect(item.name, checked)} />
            </Td>
            <Td dataLabel={_("Name")} className="kvm-vm-name">
                <RouteLink path={vmDetailsPath(item.name)} className="kvm-name-link">
                    <DisplayName name={item.name} truncate />
                </RouteLink>
                {alerts && <AlertMarker alerts={alerts} />}
                {row.actionError &&
                    <Alert isInline isPlain variant="danger" className="kvm-row-error"
                        title={cockpit.format(_("$0 failed: $1"), actionLabel(row.actionError.action), row.actionError.message)}
                        actionClose={<AlertActionCloseButton onClose={() => vmStore.dismissError(item.name)} />} />}
            </Td>
            <Td dataLabel={_("State")}>
                {/* A wrapper, so the stacked layout's grid cell does not stretch the label across the row. */}
                <span>
                    {row.pending
                        ? <span className="kvm-pending"><Spinner size="sm" /> {pendingLabel(row.pending)}</span>
                        : <StateLabel state={item.state} />}
                </span>
            </Td>
            <Td dataLabel={_("vCPUs")}>{item.vcpus ?? "–"}</Td>
            <Td dataLabel={_("Memory")}>
                {item.memoryKiB === null ? "–" : formatBytes(item.memoryKiB * 1024, cockpit.language)}
            </Td>
            <Td dataLabel={_("CPU usage")} className="kvm-cpu-cell"><CpuCell item={item} /></Td>
            <Td dataLabel={_("Memory usage")} className="kvm-memory-cell"><MemoryUsageCell item={item} /></Td>
            <Td dataLabel={_("Snapshots")} className="kvm-snapshots-cell">
                {item.snapshots === null || item.snapshots === 0 ? <span className="kvm-usage-none">{item.snapshots ?? "–"}</span> : item.snapshots}
            </Td>
            <Td isActionCell>
                <VmActionsMenu name={item.name} state={item.state} disabled={readOnly || row.pending !== null}
                    onAction={action => onAction(item.name, action)} onCommand={command => onCommand(item.name, command)} />
            </Td>
        </Tr>
    );
});

export function VmListPage() {
    const snapshot = useSyncExternalStore(vmStore.subscribe, vmStore.getSnapshot);
    const counts = useSyncExternalStore(snapshotCounts.subscribe, snapshotCounts.getSnapshot);
    const admin = useAdminAccess();
    const alertsByVm = useActiveAlertsByVm();
    const [filter, setFilter] = useState<ListFilter>({ text: "", state: "all" });
    const [sortColumn, setSortColumn] = useState<SortColumn>("name");
    const [sortDirection, setSortDirection] = useState<SortDirection>("asc");
    const lifecycle = useLifecycleAction();
    const cloneDelete = useCloneDelete();
    const [deleteDisks, setDeleteDisks] = useState(true);
    const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
    const [batch, setBatch] = useState<BatchState | null>(null);
    const [confirmBatch, setConfirmBatch] = useState<BatchAction | null>(null);
    const onSelect = useCallback((name: string, isSelecting: boolean) => setSelected(current => {
        const next = new Set(current);
        if (isSelecting) next.add(name);
        else next.delete(name);
        return next;
    }), []);

    useEffect(() => {
        vmStore.start();
        void snapshotCounts.sync();
    }, []);

    const allRows = useMemo(() => snapshot.vms.map(row => toListRow(row, snapshotCountOf(counts, row.name))), [snapshot.vms, counts]);
    const visible = useMemo(
        () => sortVms(filterVms(allRows, filter), sortColumn, sortDirection),
        [allRows, filter, sortColumn, sortDirection]);

    // A batch acts only on the selected rows the list shows now: a VM the filter hides stays selected
    // (and is counted as hidden) but is never acted on; a VM removed elsewhere leaves the selection.
    // In the list's order, so the confirmation and the results read like the list.
    const selectedNames = visible.filter(item => selected.has(item.name)).map(item => item.name);
    const hiddenSelectedCount = allRows.filter(item => selected.has(item.name)).length - selectedNames.length;

    const startBatch = (action: BatchAction, names: readonly string[]): void => {
        setBatch({ action, total: names.length, settled: 0, results: null });
        const onProgress = (settled: number) => setBatch(b => b && { ...b, settled });
        void (action === "delete" ? deleteVms(names, { removeDisks: deleteDisks }, onProgress) : vmStore.runBatch(action, names, onProgress))
            .then(results => setBatch(b => b && { ...b, settled: results.length, results }));
    };

    if (snapshot.status !== "ready") {
        return (
            <PageSection>
                <ConnectionEmptyState status={snapshot.status} message={snapshot.statusMessage} admin={admin}
                    onRetry={() => void vmStore.refresh()} />
            </PageSection>
        );
    }

    if (allRows.length === 0) {
        return (
            <PageSection>
                <EmptyState titleText={_("No virtual machines")} headingLevel="h2" icon={VirtualMachineIcon} id="kvm-no-vms">
                    <EmptyStateBody>
                        {_("libvirt on this host has no virtual machines defined. Machines created with virt-install, virsh or Cockpit's Virtual machines page appear here at once.")}
                    </EmptyStateBody>
                    <CreateVmButton />
                </EmptyState>
            </PageSection>
        );
    }

    const readOnly = admin === false;
    const sortProps = (columnIndex: number, column: SortColumn): ThProps["sort"] => ({
        // Column 0 is the selection checkbox.
        sortBy: { index: COLUMNS.findIndex(c => c.column === sortColumn) + 1, direction: sortDirection },
        onSort: (_event, _index, direction) => {
            setSortColumn(column);
            setSortDirection(direction);
        },
        columnIndex,
    });

    return (
        <PageSection>
            {readOnly &&
                <Alert isInline variant="info" className="kvm-read-only" title={_("Read-only: administrative access is off")}>
                    {_("You can see every virtual machine, but starting, stopping and changing them needs administrative access.")}{" "}
                    {_(ADMIN_ACCESS_HINT)}
                </Alert>}
            <Toolbar id="kvm-vm-toolbar">
                <ToolbarContent>
                    <ToolbarItem><CreateVmButton /></ToolbarItem>
                    <ToolbarItem>
                        <SearchInput
                            placeholder={_("Filter by name")}
                            value={filter.text}
                            onChange={(_event, text) => setFilter({ ...filter, text })}
                            onClear={() => setFilter({ ...filter, text: "" })}
                            aria-label={_("Filter by name")}
                            id="kvm-name-filter"
                        />
                    </ToolbarItem>
                    <ToolbarItem>
                        <StateFilterSelect value={filter.state} onChange={state => setFilter({ ...filter, state })} />
                    </ToolbarItem>
                    <ToolbarGroup id="kvm-batch-actions">
                        {BATCH_ACTIONS.map(action => (
                            <ToolbarItem key={action}>
                                <Button variant={action === "forceOff" || action === "delete" ? "danger" : "secondary"} data-batch-action={action}
                                    isDisabled={readOnly || selectedNames.length === 0 || batch !== null}
                                    onClick={() => batchNeedsConfirmation(action, hiddenSelectedCount)
                                        ? setConfirmBatch(action)
                                        : startBatch(action, selectedNames)}>
                                    {batchActionLabel(action)}
                                </Button>
                            </ToolbarItem>
                        ))}
                        {selectedNames.length + hiddenSelectedCount > 0 &&
                            <ToolbarItem id="kvm-selected-count" alignSelf="center">
                                {hiddenSelectedCount === 0
                                    ? cockpit.format(ngettext("$0 selected", "$0 selected", selectedNames.length), selectedNames.length)
                                    : cockpit.format(ngettext("$0 selected ($1 more hidden by the filter)",
                                        "$0 selected ($1 more hidden by the filter)", selectedNames.length),
                                    selectedNames.length, hiddenSelectedCount)}
                            </ToolbarItem>}
                    </ToolbarGroup>
                    <ToolbarItem variant="pagination" id="kvm-vm-count">
                        {visible.length === allRows.length
                            ? cockpit.format(ngettext("$0 virtual machine", "$0 virtual machines", allRows.length), allRows.length)
                            : cockpit.format(_("$0 of $1 virtual machines"), visible.length, allRows.length)}
                    </ToolbarItem>
                </ToolbarContent>
            </Toolbar>
            {/* Stacked below 992 px: narrower, the seven columns would squeeze their headers. */}
            <Table aria-label={_("Virtual machines")} variant="compact" id="kvm-vm-table" gridBreakPoint="grid-lg">
                <Thead noWrap>
                    <Tr>
                        <Th className="pf-v6-c-table__check" aria-label={_("Selection")}>
                            <Checkbox id="kvm-select-all" isDisabled={readOnly} aria-label={_("Select all shown")}
                                isChecked={visible.length > 0 && visible.every(v => selected.has(v.name))}
                                onChange={(_event, checked) => setSelected(checked ? new Set(visible.map(v => v.name)) : new Set())} />
                        </Th>
                        {COLUMNS.map(({ column, title }, index) =>
                            <Th key={column} sort={sortProps(index + 1, column)}>{title()}</Th>)}
                        <Th screenReaderText={_("Actions")} />
                    </Tr>
                </Thead>
                <WindowedTbody items={visible} columns={COLUMNS.length + 2} keyOf={item => item.name}
                    rowAttributes={item => ({ "data-vm-name": item.name, "data-state": item.state,
                        "data-cpu-percent": item.cpuPercent === null ? undefined : String(item.cpuPercent) })}
                    renderRow={(item, rowIndex) => (
                        <VmTableRow key={item.name} item={item} alerts={alertsByVm.get(item.name)} rowIndex={rowIndex} selected={selected.has(item.name)}
                            readOnly={readOnly} onSelect={onSelect} onAction={lifecycle.request} onCommand={cloneDelete.request} />
                    )} />
            </Table>
            {visible.length === 0 &&
                <EmptyState titleText={_("No matching virtual machines")} headingLevel="h3" id="kvm-no-match">
                    <Button variant="link" onClick={() => setFilter({ text: "", state: "all" })}>{_("Clear all filters")}</Button>
                </EmptyState>}
            {lifecycle.dialog}
            {cloneDelete.dialog}
            {confirmBatch &&
                <BatchConfirmDialog action={confirmBatch} names={selectedNames} hiddenCount={hiddenSelectedCount}
                    onConfirm={() => {
                        setConfirmBatch(null);
                        startBatch(confirmBatch, selectedNames);
                    }}
                    onCancel={() => setConfirmBatch(null)}>
                    {confirmBatch === "delete" &&
                        <Checkbox id="kvm-batch-delete-disks" isChecked={deleteDisks} onChange={(_event, checked) => setDeleteDisks(checked)}
                            label={_("Also remove the disk files that only these virtual machines use")}
                            description={_("A disk file that another virtual machine uses is kept, and so are CD-ROM images.")} />}
                </BatchConfirmDialog>}
            {batch && <BatchDialog batch={batch} onClose={() => {
                setBatch(null);
                setSelected(new Set());
            }} />}
        </PageSection>
    );
}
