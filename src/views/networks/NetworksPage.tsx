// Virtual networks: every libvirt network with state, autostart, mode, bridge, IPv4 subnet and DHCP
// range and the VMs attached; start, stop, autostart, create and delete. Signals refresh the list.
import {
    Alert, AlertActionCloseButton, Button, EmptyState, EmptyStateBody, Flex, Label, PageSection, Spinner, Switch, Title,
    Toolbar, ToolbarContent, ToolbarItem, Tooltip,
} from "@patternfly/react-core";
import { NetworkIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useMemo, useState } from "react";
import cockpit, { _, ngettext } from "../../lib/cockpit";
import { attachedVms, type AttachedVm } from "../../core/network/attachments";
import { ADMIN_ACCESS_HINT, ConnectionEmptyState } from "../../components/ConnectionEmptyState";
import { DisplayName } from "../../components/DisplayName";
import { RouteLink } from "../../components/RouteLink";
import { networkDetailsPath } from "../../lib/paths";
import { useAdminAccess } from "../../lib/permission";
import { CreateNetworkDialog } from "./CreateNetworkDialog";
import { forwardModeLabel } from "./network-labels";
import { actionFailureTitle, pendingText, useNetworkActions } from "./useNetworkActions";
import { useNetworks, type NetworkEntry } from "./useNetworks";

const dash = "–";

export function NetworkStateLabel({ active }: { active: boolean }) {
    return <Label isCompact color={active ? "green" : "grey"} className="kvm-network-state">{active ? _("Active") : _("Inactive")}</Label>;
}

function attachedVmsText(vms: AttachedVm[]): string {
    const running = vms.filter(vm => vm.active).length;
    return cockpit.format(ngettext("$0 VM ($1 running)", "$0 VMs ($1 running)", vms.length), vms.length, running);
}

export function NetworksPage() {
    const { networks, domains, error, reload } = useNetworks();
    const admin = useAdminAccess();
    const readOnly = admin !== true;
    const actions = useNetworkActions({ onDone: reload });
    const [creating, setCreating] = useState(false);
    const attached = useMemo(() => attachedVms((networks ?? []).map(n => ({ name: n.name, bridge: n.description?.bridge ?? null })), domains),
        [networks, domains]);
    const vmsOf = (network: NetworkEntry) => attached.get(network.name) ?? [];
    // Stable while the list is, so the create dialog reads the host's addresses once.
    const others = useMemo(() => (networks ?? []).flatMap(n => n.description?.ipv4 ? [{ name: n.name, subnet: n.description.ipv4 }] : []), [networks]);
    const bridges = useMemo(() => (networks ?? []).flatMap(n => n.description?.bridge ? [n.description.bridge] : []), [networks]);

    if (error && networks === null) {
        return (
            <PageSection>
                <ConnectionEmptyState status={error.kind === "not-found" ? "other" : error.kind} message={error.message} admin={admin}
                    onRetry={() => void reload()} />
            </PageSection>
        );
    }

    const list = networks ?? [];
    return (
        <PageSection id="kvm-networks">
            <Toolbar>
                <ToolbarContent>
                    <ToolbarItem><Title headingLevel="h1">{_("Virtual networks")}</Title></ToolbarItem>
                    <ToolbarItem align={{ default: "alignEnd" }}>
                        <Button variant="primary" id="kvm-network-create-open" isDisabled={readOnly || networks === null}
                            onClick={() => setCreating(true)}>{_("Create network")}</Button>
                    </ToolbarItem>
                </ToolbarContent>
            </Toolbar>
            {admin === false &&
                <Alert isInline variant="info" id="kvm-networks-read-only" title={_("Networks can be viewed but not changed without administrative access")}>
                    {_(ADMIN_ACCESS_HINT)}
                </Alert>}
            {error && <Alert isInline variant="warning" title={_("The list could not be refreshed")}>{error.message}</Alert>}
            {actions.failures.map(failure => (
                <Alert key={failure.network} isInline variant="danger" className="kvm-row-error kvm-network-failure" title={actionFailureTitle(failure)}
                    data-network={failure.network}
                    actionClose={<AlertActionCloseButton onClose={() => actions.dismiss(failure.network)} />}>{failure.message}</Alert>
            ))}
            {networks === null && <Spinner size="lg" aria-label={_("Loading networks")} />}
            {networks !== null && list.length === 0 &&
                <EmptyState titleText={_("No virtual networks")} headingLevel="h2" icon={NetworkIcon} id="kvm-networks-empty">
                    <EmptyStateBody>{_("Virtual machines can still use a host bridge or user-mode networking. Create a network to give them a NAT or isolated network with DHCP.")}</EmptyStateBody>
                </EmptyState>}
            {list.length > 0 &&
                <Table variant="compact" aria-label={_("Virtual networks")} id="kvm-networks-table">
                    <Thead>
                        <Tr>
                            <Th>{_("Name")}</Th><Th modifier="fitContent">{_("State")}</Th><Th modifier="fitContent">{_("Autostart")}</Th>
                            <Th modifier="fitContent">{_("Mode")}</Th><Th modifier="fitContent">{_("Bridge")}</Th>
                            <Th modifier="fitContent">{_("IPv4 address")}</Th><Th modifier="fitContent">{_("DHCP range")}</Th>
                            <Th modifier="fitContent">{_("Virtual machines")}</Th><Th screenReaderText={_("Actions")} />
                        </Tr>
                    </Thead>
                    <Tbody>
                        {list.map(network => {
                            const d = network.description;
                            const vms = vmsOf(network);
                            const pending = actions.pendingOf(network.name);
                            const busy = readOnly || pending !== null;
                            return (
                                <Tr key={network.path} data-network={network.name} data-active={network.active ? "true" : "false"}>
                                    <Td dataLabel={_("Name")}>
                                        <RouteLink path={networkDetailsPath(network.name)} className="kvm-name-link"><DisplayName name={network.name} /></RouteLink>
                                        {network.problem && <div className="kvm-muted">{network.problem}</div>}
                                    </Td>
                                    <Td dataLabel={_("State")} className="kvm-network-state-cell">
                                        {pending
                                            ? <span className="kvm-pending"><Spinner size="sm" /> {pendingText(pending)}</span>
                                            : <NetworkStateLabel active={network.active} />}
                                    </Td>
                                    <Td dataLabel={_("Autostart")}>
                                        <Switch className="kvm-network-autostart" isChecked={network.autostart} isDisabled={busy || !network.persistent}
                                            aria-label={cockpit.format(_("Start $0 with the host"), network.name)}
                                            onChange={(_event, checked) => actions.request(checked ? "autostart-on" : "autostart-off", network, vms)} />
                                    </Td>
                                    <Td dataLabel={_("Mode")} className="kvm-network-mode">{d ? forwardModeLabel(d.forwardMode) : dash}</Td>
                                    <Td dataLabel={_("Bridge")} className="kvm-network-bridge" modifier="nowrap">{d?.bridge ?? dash}</Td>
                                    <Td dataLabel={_("IPv4 address")} className="kvm-network-ipv4" modifier="nowrap">
                                        {d?.ipv4 ? `${d.ipv4.address}/${d.ipv4.prefix}` : dash}
                                    </Td>
                                    <Td dataLabel={_("DHCP range")} className="kvm-network-dhcp">
                                        {d?.ipv4?.dhcpRange ? `${d.ipv4.dhcpRange.start} – ${d.ipv4.dhcpRange.end}` : dash}
                                    </Td>
                                    <Td dataLabel={_("Virtual machines")} className="kvm-network-vms" data-count={vms.length} modifier="nowrap">
                                        {vms.length === 0
                                            ? <span className="kvm-muted">{_("None")}</span>
                                            : <Tooltip content={<div>{vms.map(vm => <div key={vm.name}><DisplayName name={vm.name} /></div>)}</div>}>
                                                <Button variant="link" isInline>{attachedVmsText(vms)}</Button>
                                            </Tooltip>}
                                    </Td>
                                    <Td isActionCell>
                                        <Flex flexWrap={{ default: "nowrap" }} spaceItems={{ default: "spaceItemsSm" }} justifyContent={{ default: "justifyContentFlexEnd" }}>
                                            {network.active
                                                ? <Button variant="secondary" size="sm" data-action="stop" isDisabled={busy}
                                                    onClick={() => actions.request("stop", network, vms)}>{_("Stop")}</Button>
                                                : <Button variant="secondary" size="sm" data-action="start" isDisabled={busy}
                                                    onClick={() => actions.request("start", network, vms)}>{_("Start")}</Button>}
                                            <Button variant="secondary" isDanger size="sm" data-action="delete" isDisabled={busy}
                                                onClick={() => actions.request("delete", network, vms)}>{_("Delete")}</Button>
                                        </Flex>
                                    </Td>
                                </Tr>
                            );
                        })}
                    </Tbody>
                </Table>}
            {creating &&
                <CreateNetworkDialog
                    taken={list.map(n => n.name)}
                    others={others}
                    bridges={bridges}
                    onCancel={() => setCreating(false)}
                    onCreated={() => {
                        setCreating(false);
                        void reload();
                    }} />}
            {actions.dialog}
        </PageSection>
    );
}
