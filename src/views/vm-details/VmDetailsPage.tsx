// One VM: overview and live usage here; usage history, suggestions, disks, network interfaces and
// snapshots in cards of their own.
import {
    Alert, AlertActionCloseButton, Breadcrumb, BreadcrumbItem, Button, Card, CardBody, CardTitle, DescriptionList,
    DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, EmptyState, EmptyStateBody, Flex, FlexItem, Grid,
    GridItem, PageSection, Spinner, Switch, Title,
} from "@patternfly/react-core";
import { useEffect, useState, useSyncExternalStore } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { allowedActions, isActive } from "../../core/domain-state";
import type { DomainDescription } from "../../core/domain-xml";
import { formatBytes, formatBytesPerSecond, formatPercent } from "../../core/format";
import type { Usage } from "../../core/usage";
import { ConnectionEmptyState } from "../../components/ConnectionEmptyState";
import { StateLabel } from "../../components/StateLabel";
import { useLifecycleAction } from "../../components/useLifecycleAction";
import { actionLabel, pendingLabel } from "../../lib/labels";
import { useAdminAccess } from "../../lib/permission";
import { useDomainDetails } from "../../state/domain-details";
import { AlertsCard } from "./AlertsCard";
import { DisksCard } from "./DisksCard";
import { HistoryCard } from "./HistoryCard";
import { NetworkInterfacesCard } from "./NetworkInterfacesCard";
import { SaveAsTemplateButton } from "./SaveAsTemplateDialog";
import { SnapshotsCard } from "./SnapshotsCard";
import { allowedCommands, useCloneDelete } from "../vm-lifecycle/useCloneDelete";
import { SuggestionsCard } from "./SuggestionsCard";
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

export function VmDetailsPage({ name }: { name: string }) {
    const snapshot = useSyncExternalStore(vmStore.subscribe, vmStore.getSnapshot);
    const admin = useAdminAccess();
    const lifecycle = useLifecycleAction();
    const cloneDelete = useCloneDelete({ onDeleted: () => cockpit.location.go([]) });
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
                {/* A deletion from this page: the VM leaves the list before its disks are removed. */}
                {cloneDelete.dialog}
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
                        {allowedCommands(row.sample.state).map(command => (
                            <FlexItem key={command}>
                                <Button variant={command === "delete" ? "danger" : "secondary"} size="sm" data-command={command}
                                    isDisabled={readOnly || row.pending !== null} onClick={() => cloneDelete.request(name, command)}>
                                    {command === "clone" ? _("Clone…") : _("Delete…")}
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
                <GridItem span={12}><AlertsCard name={name} /></GridItem>
                <GridItem span={12}><SuggestionsCard name={name} state={row.sample.state} readOnly={readOnly} onDefinitionChanged={details.reloadDefinition} /></GridItem>
                <GridItem span={12}><DisksCard name={name} state={row.sample.state} description={details.description} blocks={details.blocks}
                    readOnly={readOnly} onDefinitionChanged={details.reloadDefinition} /></GridItem>
                <GridItem span={12}><NetworkInterfacesCard name={name} state={row.sample.state} description={details.description}
                    addresses={details.addresses} readOnly={readOnly} onDefinitionChanged={details.reloadDefinition} /></GridItem>
                <GridItem span={12}><SnapshotsCard name={name} state={row.sample.state} domain={details.description} readOnly={readOnly}
                    onDefinitionChanged={details.reloadDefinition} /></GridItem>
            </Grid>
            {lifecycle.dialog}
            {cloneDelete.dialog}
        </PageSection>
    );
}
