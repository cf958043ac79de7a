// One VM: overview, live usage, usage history, disks and network interfaces. The grid leaves a row for
// the snapshots that come next.
import {
    Alert, AlertActionCloseButton, Breadcrumb, BreadcrumbItem, Button, Card, CardBody, CardTitle, DescriptionList,
    DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, EmptyState, EmptyStateBody, Flex, FlexItem, Grid,
    GridItem, PageSection, Spinner, Switch, Title,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useEffect, useState, useSyncExternalStore } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { allowedActions, isActive } from "../../core/domain-state";
import type { BlockInfo } from "../../core/domain-stats";
import type { DomainDescription, InterfaceDescription } from "../../core/domain-xml";
import { formatBytes, formatBytesPerSecond, formatPercent } from "../../core/format";
import type { Usage } from "../../core/usage";
import { ConnectionEmptyState } from "../../components/ConnectionEmptyState";
import { StateLabel } from "../../components/StateLabel";
import { useLifecycleAction } from "../../components/useLifecycleAction";
import { actionLabel, pendingLabel } from "../../lib/labels";
import { useAdminAccess } from "../../lib/permission";
import type { InterfaceAddresses } from "../../libvirt/domains";
import { useDomainDetails } from "../../state/domain-details";
import { HistoryCard } from "./HistoryCard";
import { SaveAsTemplateButton } from "./SaveAsTemplateDialog";
import { SnapshotsCard } from "./SnapshotsCard";
import { DisplayName } from "../../components/DisplayName";
import { vmStore, type VmRow } from "../../state/vm-store";

const dash = "–";
const bytes = (value: number | null | undefined): string => value == null ? dash : formatBytes(value, cockpit.language);
const rate = (value: number | null): string => value === null ? dash : formatBytesPerSecond(value, cockpit.language);

function Field({ term, children, id }: { term: string; children: React.ReactNode; id: string }) {
    return (
        <DescriptionListGroup>
            <DescriptionListTerm>{term}</DescriptionListTerm>
            <DescriptionListDescription id={id}>{children}</DescriptionListDescription>
        </DescriptionListGroup>
    );
}

function bootDeviceLabel(device: string): string {
    switch (device) {
    case "hd": return _("Disk");
    case "cdrom": return _("CD/DVD");
    case "network": return _("Network");
    case "fd": return _("Floppy");
    default: return device;
    }
}

function OverviewCard({ row, description, autostart, readOnly, onAutostart }: {
    row: VmRow;
    description: DomainDescription | null;
    autostart: boolean | null;
    readOnly: boolean;
    onAutostart: (value: boolean) => void;
}) {
    const d = description;
    const cpu = d?.cpuModel ?? (d?.cpuMode ? cockpit.format(_("$0 (mode)"), d.cpuMode) : _("Hypervisor default"));
    return (
        <Card id="kvm-overview" isFullHeight>
            <CardTitle>{_("Overview")}</CardTitle>
            <CardBody>
                <DescriptionList isHorizontal isCompact>
                    <Field term={_("State")} id="kvm-overview-state"><StateLabel state={row.sample.state} /></Field>
                    <Field term={_("vCPUs")} id="kvm-overview-vcpus">
                        {d ? (d.currentVcpus !== d.vcpus ? cockpit.format(_("$0 of $1 maximum"), d.currentVcpus, d.vcpus) : d.vcpus) : dash}
                    </Field>
                    <Field term={_("CPU model")} id="kvm-overview-cpu">{d ? cpu : dash}</Field>
                    <Field term={_("Memory")} id="kvm-overview-memory">
                        {d ? cockpit.format(_("$0 current, $1 maximum"), bytes(d.currentMemoryKiB === null ? null : d.currentMemoryKiB * 1024),
                            bytes(d.memoryKiB === null ? null : d.memoryKiB * 1024)) : dash}
                    </Field>
                    <Field term={_("Operating system type")} id="kvm-overview-os">
                        {d ? [d.osType, d.arch, d.machine].filter(Boolean).join(", ") : dash}
                    </Field>
                    <Field term={_("Boot order")} id="kvm-overview-boot">
                        {d ? (d.bootOrder.length > 0 ? d.bootOrder.map(bootDeviceLabel).join(", ") : _("Hypervisor default")) : dash}
                    </Field>
                    <Field term={_("Firmware")} id="kvm-overview-firmware">{d ? (d.firmware === "uefi" ? "UEFI" : "BIOS") : dash}</Field>
                    <Field term={_("Autostart")} id="kvm-overview-autostart">
                        <Switch
                            id="kvm-autostart"
                            isChecked={autostart === true}
                            isDisabled={autostart === null || readOnly}
                            onChange={(_event, checked) => onAutostart(checked)}
                            label={_("Start with the host")}
                        />
                    </Field>
                    <Field term={_("Description")} id="kvm-overview-description">
                        {d?.description ?? d?.title ?? <span className="kvm-muted">{_("None")}</span>}
                    </Field>
                </DescriptionList>
            </CardBody>
        </Card>
    );
}

function UsageCard({ state, usage }: { state: VmRow["sample"]["state"]; usage: Usage }) {
    const active = isActive(state);
    const value = (text: string) => active ? text : dash;
    return (
        <Card id="kvm-live-usage" isFullHeight>
            <CardTitle>{_("Live usage")}</CardTitle>
            <CardBody>
                <DescriptionList isHorizontal isCompact>
                    <Field term={_("CPU")} id="kvm-usage-cpu">
                        {value(usage.cpuPercent === null ? _("Measuring…") : formatPercent(usage.cpuPercent, cockpit.language))}
                    </Field>
                    <Field term={_("Memory")} id="kvm-usage-memory">
                        {value(usage.memoryUsedKiB === null ? dash
                            : usage.memoryPercent === null ? bytes(usage.memoryUsedKiB * 1024)
                                : cockpit.format(_("$0 ($1)"), bytes(usage.memoryUsedKiB * 1024), formatPercent(usage.memoryPercent, cockpit.language)))}
                    </Field>
                    <Field term={_("Disk read / write")} id="kvm-usage-disk">
                        {value(`${rate(usage.diskReadBps)} / ${rate(usage.diskWriteBps)}`)}
                    </Field>
                    <Field term={_("Network receive / send")} id="kvm-usage-net">
                        {value(`${rate(usage.netRxBps)} / ${rate(usage.netTxBps)}`)}
                    </Field>
                </DescriptionList>
            </CardBody>
        </Card>
    );
}

function DisksCard({ description, blocks }: { description: DomainDescription | null; blocks: BlockInfo[] }) {
    const disks = description?.disks ?? [];
    return (
        <Card id="kvm-disks">
            <CardTitle>{_("Disks")}</CardTitle>
            <CardBody>
                {disks.length === 0
                    ? <span className="kvm-muted">{_("No disks")}</span>
                    : <Table variant="compact" aria-label={_("Disks")}>
                        <Thead>
                            <Tr>
                                {/* The short columns fit their content, so a long source path never cuts their headers. */}
                                <Th modifier="fitContent">{_("Device")}</Th><Th modifier="fitContent">{_("Bus")}</Th>
                                <Th>{_("Source")}</Th><Th modifier="fitContent">{_("Format")}</Th>
                                <Th modifier="fitContent">{_("Capacity")}</Th><Th modifier="fitContent">{_("Allocation")}</Th>
                            </Tr>
                        </Thead>
                        <Tbody>
                            {disks.map(disk => {
                                // Allocation as libvirt (and `virsh domblkinfo`) reports it: blocks in use on the
                                // host; for a running qcow2, its highest written offset.
                                const info = blocks.find(b => b.name === disk.target);
                                return (
                                    <Tr key={disk.target} data-disk={disk.target}>
                                        <Td dataLabel={_("Device")}>
                                            {disk.device === "disk" ? disk.target : `${disk.target} (${disk.device})`}
                                        </Td>
                                        <Td dataLabel={_("Bus")}>{disk.bus ?? dash}</Td>
                                        <Td dataLabel={_("Source")} className="kvm-disk-source" modifier="breakWord">
                                            {disk.source ?? <span className="kvm-muted">{_("Empty")}</span>}
                                        </Td>
                                        <Td dataLabel={_("Format")}>{disk.format ?? dash}</Td>
                                        <Td dataLabel={_("Capacity")}>{bytes(info?.capacity)}</Td>
                                        <Td dataLabel={_("Allocation")}>{bytes(info?.allocation)}</Td>
                                    </Tr>
                                );
                            })}
                        </Tbody>
                    </Table>}
            </CardBody>
        </Card>
    );
}

function interfaceSource(nic: InterfaceDescription): string {
    switch (nic.type) {
    case "network": return cockpit.format(_("Network $0"), nic.source ?? dash);
    case "bridge": return cockpit.format(_("Bridge $0"), nic.source ?? dash);
    case "direct": return cockpit.format(_("Direct $0"), nic.source ?? dash);
    case "user": return _("User-mode (NAT by QEMU)");
    default: return nic.source ? `${nic.type} ${nic.source}` : nic.type;
    }
}

function InterfacesCard({ description, addresses }: { description: DomainDescription | null; addresses: InterfaceAddresses[] }) {
    const nics = description?.interfaces ?? [];
    return (
        <Card id="kvm-interfaces">
            <CardTitle>{_("Network interfaces")}</CardTitle>
            <CardBody>
                {nics.length === 0
                    ? <span className="kvm-muted">{_("No network interfaces")}</span>
                    : <Table variant="compact" aria-label={_("Network interfaces")}>
                        <Thead>
                            <Tr><Th>{_("Model")}</Th><Th>{_("Source")}</Th><Th>{_("MAC address")}</Th><Th>{_("IP addresses")}</Th></Tr>
                        </Thead>
                        <Tbody>
                            {nics.map((nic, index) => {
                                const ips = addresses.find(a => nic.mac !== null && a.mac.toLowerCase() === nic.mac.toLowerCase())?.addresses ?? [];
                                return (
                                    <Tr key={nic.mac ?? index} data-mac={nic.mac ?? ""}>
                                        <Td dataLabel={_("Model")}>{nic.model ?? dash}</Td>
                                        <Td dataLabel={_("Source")}>{interfaceSource(nic)}</Td>
                                        <Td dataLabel={_("MAC address")}>{nic.mac ?? dash}</Td>
                                        <Td dataLabel={_("IP addresses")}>
                                            {ips.length > 0
                                                ? ips.map(ip => <div key={ip.address}>{`${ip.address}/${ip.prefix}`}</div>)
                                                : <span className="kvm-muted">{_("Unknown")}</span>}
                                        </Td>
                                    </Tr>
                                );
                            })}
                        </Tbody>
                    </Table>}
            </CardBody>
        </Card>
    );
}

export function VmDetailsPage({ name }: { name: string }) {
    const snapshot = useSyncExternalStore(vmStore.subscribe, vmStore.getSnapshot);
    const admin = useAdminAccess();
    const lifecycle = useLifecycleAction();
    const row = snapshot.vms.find(vm => vm.name === name) ?? null;
    const details = useDomainDetails(name, row?.sample.state ?? null);
    const [autostartError, setAutostartError] = useState<string | null>(null);

    useEffect(() => {
        vmStore.start();
    }, []);

    const breadcrumb = (
        <Breadcrumb>
            <BreadcrumbItem to="#/" onClick={event => {
                event.preventDefault();
                cockpit.location.go([]);
            }}>{_("Virtual machines")}</BreadcrumbItem>
            <BreadcrumbItem isActive><DisplayName name={name} truncate /></BreadcrumbItem>
        </Breadcrumb>
    );

    if (snapshot.status !== "ready") {
        return (
            <PageSection>
                {breadcrumb}
                <ConnectionEmptyState status={snapshot.status} message={snapshot.statusMessage} admin={admin}
                    onRetry={() => void vmStore.refresh()} />
            </PageSection>
        );
    }
    if (!row) {
        return (
            <PageSection>
                {breadcrumb}
                <EmptyState titleText={_("Virtual machine not found")} headingLevel="h2" id="kvm-vm-missing">
                    <EmptyStateBody>{cockpit.format(_("There is no virtual machine named “$0” on this host (any more)."), name)}</EmptyStateBody>
                    <Button variant="link" onClick={() => cockpit.location.go([])}>{_("Back to all virtual machines")}</Button>
                </EmptyState>
            </PageSection>
        );
    }

    const readOnly = admin === false;
    return (
        <PageSection id="kvm-vm-details" data-vm-name={name}>
            {breadcrumb}
            <Flex className="kvm-details-header" alignItems={{ default: "alignItemsCenter" }}>
                <FlexItem><Title headingLevel="h1" id="kvm-details-name"><DisplayName name={name} /></Title></FlexItem>
                <FlexItem>
                    {row.pending
                        ? <span className="kvm-pending"><Spinner size="sm" /> {pendingLabel(row.pending)}</span>
                        : <StateLabel state={row.sample.state} />}
                </FlexItem>
                <FlexItem align={{ default: "alignRight" }}>
                    <Flex spaceItems={{ default: "spaceItemsSm" }}>
                        {allowedActions(row.sample.state).map(action => (
                            <FlexItem key={action}>
                                <Button variant={action === "forceOff" ? "danger" : "secondary"} size="sm" data-action={action}
                                    isDisabled={readOnly || row.pending !== null} onClick={() => lifecycle.request(name, action)}>
                                    {actionLabel(action)}
                                </Button>
                            </FlexItem>
                        ))}
                        <FlexItem><SaveAsTemplateButton vmName={name} uuid={details.description?.uuid ?? null} readOnly={readOnly} /></FlexItem>
                    </Flex>
                </FlexItem>
            </Flex>
            {row.actionError &&
                <Alert isInline variant="danger" className="kvm-row-error"
                    title={cockpit.format(_("$0 failed: $1"), actionLabel(row.actionError.action), row.actionError.message)}
                    actionClose={<AlertActionCloseButton onClose={() => vmStore.dismissError(name)} />} />}
            {details.error && <Alert isInline variant="warning" title={_("Some details could not be read")}>{details.error}</Alert>}
            {autostartError &&
                <Alert isInline variant="danger" title={_("Autostart could not be changed")}
                    actionClose={<AlertActionCloseButton onClose={() => setAutostartError(null)} />}>{autostartError}</Alert>}
            <Grid hasGutter className="kvm-details-grid">
                <GridItem lg={7}>
                    <OverviewCard row={row} description={details.description} autostart={details.autostart} readOnly={readOnly}
                        onAutostart={value => {
                            setAutostartError(null);
                            details.toggleAutostart(value).catch((error: { message?: string }) =>
                                setAutostartError(error.message ?? String(error)));
                        }} />
                </GridItem>
                <GridItem lg={5}><UsageCard state={row.sample.state} usage={details.usage} /></GridItem>
                <GridItem span={12}><HistoryCard name={name} live={details.live} /></GridItem>
                <GridItem span={12}><DisksCard description={details.description} blocks={details.blocks} /></GridItem>
                <GridItem span={12}><InterfacesCard description={details.description} addresses={details.addresses} /></GridItem>
                <GridItem span={12}><SnapshotsCard name={name} state={row.sample.state} domain={details.description} readOnly={readOnly}
                    onDefinitionChanged={details.reloadDefinition} /></GridItem>
            </Grid>
            {lifecycle.dialog}
        </PageSection>
    );
}
