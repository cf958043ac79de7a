// One virtual network: its settings, the VMs attached to it and the DHCP leases dnsmasq handed out.
// libvirt sends no event for a new lease, so the leases are re-read every 10 s while the page is shown
// (one call), and at once with "Refresh".
import {
    Alert, AlertActionCloseButton, Breadcrumb, BreadcrumbItem, Button, Card, CardBody, CardHeader, CardTitle, DescriptionList,
    DescriptionListDescription, DescriptionListGroup, DescriptionListTerm, EmptyState, EmptyStateBody, Flex, FlexItem, Grid,
    GridItem, List, ListItem, PageSection, Spinner, Switch, Title,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useEffect, useMemo, useState, type ReactNode } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { attachedVms } from "../../core/network/attachments";
import type { DhcpLease } from "../../core/network/network-xml";
import { ConnectionEmptyState } from "../../components/ConnectionEmptyState";
import { DisplayName } from "../../components/DisplayName";
import { RouteLink } from "../../components/RouteLink";
import { vmDetailsPath } from "../../lib/paths";
import { useAdminAccess } from "../../lib/permission";
import { toLibvirtError } from "../../libvirt/connection";
import { getDhcpLeases } from "../../libvirt/networks";
import { forwardModeLabel } from "./network-labels";
import { NetworkStateLabel } from "./NetworksPage";
import { actionFailureTitle, pendingText, useNetworkActions } from "./useNetworkActions";
import { useNetworks } from "./useNetworks";

const LEASES_REFRESH_MS = 10_000;
const dash = "–";

function Field({ term, id, children }: { term: string; id: string; children: ReactNode }) {
    return (
        <DescriptionListGroup>
            <DescriptionListTerm>{term}</DescriptionListTerm>
            <DescriptionListDescription id={id}>{children}</DescriptionListDescription>
        </DescriptionListGroup>
    );
}

// `active`: a start or stop re-reads at once.
function useLeases(path: string | null, active: boolean) {
    const [leases, setLeases] = useState<DhcpLease[] | null>(null);
    const [error, setError] = useState<string | null>(null);
    // Bumped by "Refresh": the effect reads again at once.
    const [version, setVersion] = useState(0);

    useEffect(() => {
        if (path === null) return;
        let stopped = false;
        const read = async (): Promise<void> => {
            try {
                const list = await getDhcpLeases({ path });
                if (!stopped) {
                    setLeases(list);
                    setError(null);
                }
            } catch (err) {
                if (!stopped) setError(toLibvirtError(err).message);
            }
        };
        void read();
        let timer: ReturnType<typeof setInterval> | null = null;
        const schedule = (): void => {
            if (timer) clearInterval(timer);
            timer = cockpit.hidden ? null : setInterval(() => void read(), LEASES_REFRESH_MS);
        };
        schedule();
        cockpit.addEventListener("visibilitychange", schedule);
        return () => {
            stopped = true;
            if (timer) clearInterval(timer);
            cockpit.removeEventListener("visibilitychange", schedule);
        };
    }, [path, active, version]);

    return { leases, error, refresh: () => setVersion(v => v + 1) };
}

export function NetworkDetailsPage({ name }: { name: string }) {
    const { networks, domains, error, reload } = useNetworks();
    const admin = useAdminAccess();
    const readOnly = admin !== true;
    const network = networks?.find(n => n.name === name) ?? null;
    const actions = useNetworkActions({ onDone: reload, onDeleted: () => cockpit.location.go(["networks"]) });
    const vms = useMemo(() => network ? attachedVms([{ name, bridge: network.description?.bridge ?? null }], domains).get(name) ?? [] : [],
        [network, domains, name]);
    const leases = useLeases(network?.path ?? null, network?.active ?? false);
    const dateFormat = useMemo(() => new Intl.DateTimeFormat(cockpit.language, { dateStyle: "medium", timeStyle: "medium" }), []);

    const breadcrumb = (
        <Breadcrumb>
            <BreadcrumbItem to="#/networks" onClick={event => {
                event.preventDefault();
                cockpit.location.go(["networks"]);
            }}>{_("Networks")}</BreadcrumbItem>
            <BreadcrumbItem isActive><DisplayName name={name} truncate /></BreadcrumbItem>
        </Breadcrumb>
    );

    if (error && networks === null) {
        return (
            <PageSection>
                {breadcrumb}
                <ConnectionEmptyState status={error.kind === "not-found" ? "other" : error.kind} message={error.message} admin={admin}
                    onRetry={() => void reload()} />
            </PageSection>
        );
    }
    if (networks === null) return <PageSection>{breadcrumb}<Spinner size="lg" aria-label={_("Loading network")} /></PageSection>;
    if (!network) {
        return (
            <PageSection>
                {breadcrumb}
                <EmptyState titleText={_("Network not found")} headingLevel="h2" id="kvm-network-missing">
                    <EmptyStateBody>{cockpit.format(_("There is no virtual network named “$0” on this host (any more)."), name)}</EmptyStateBody>
                    <Button variant="link" onClick={() => cockpit.location.go(["networks"])}>{_("Back to all networks")}</Button>
                </EmptyState>
            </PageSection>
        );
    }

    const d = network.description;
    const pending = actions.pendingOf(name);
    const busy = readOnly || pending !== null;
    return (
        <PageSection id="kvm-network-details" data-network={name}>
            {breadcrumb}
            <Flex className="kvm-details-header" alignItems={{ default: "alignItemsCenter" }}>
                <FlexItem><Title headingLevel="h1" id="kvm-network-name"><DisplayName name={name} /></Title></FlexItem>
                <FlexItem id="kvm-network-state">
                    {pending ? <span className="kvm-pending"><Spinner size="sm" /> {pendingText(pending)}</span> : <NetworkStateLabel active={network.active} />}
                </FlexItem>
                <FlexItem align={{ default: "alignRight" }}>
                    <Flex spaceItems={{ default: "spaceItemsSm" }}>
                        {network.active
                            ? <Button variant="secondary" size="sm" data-action="stop" isDisabled={busy}
                                onClick={() => actions.request("stop", network, vms)}>{_("Stop")}</Button>
                            : <Button variant="secondary" size="sm" data-action="start" isDisabled={busy}
                                onClick={() => actions.request("start", network, vms)}>{_("Start")}</Button>}
                        <Button variant="danger" size="sm" data-action="delete" isDisabled={busy}
                            onClick={() => actions.request("delete", network, vms)}>{_("Delete")}</Button>
                    </Flex>
                </FlexItem>
            </Flex>
            {actions.failures.map(failure => (
                <Alert key={failure.network} isInline variant="danger" className="kvm-row-error kvm-network-failure" title={actionFailureTitle(failure)}
                    actionClose={<AlertActionCloseButton onClose={() => actions.dismiss(failure.network)} />}>{failure.message}</Alert>
            ))}
            {network.problem && <Alert isInline variant="warning" title={_("The network's definition could not be read")}>{network.problem}</Alert>}
            <Grid hasGutter className="kvm-details-grid">
                <GridItem lg={7}>
                    <Card id="kvm-network-overview" isFullHeight>
                        <CardTitle>{_("Overview")}</CardTitle>
                        <CardBody>
                            <DescriptionList isHorizontal isCompact>
                                <Field term={_("Mode")} id="kvm-network-overview-mode">
                                    {d ? forwardModeLabel(d.forwardMode) + (d.forwardDevice ? ` (${d.forwardDevice})` : "") : dash}
                                </Field>
                                <Field term={_("Bridge")} id="kvm-network-overview-bridge">{d?.bridge ?? dash}</Field>
                                <Field term={_("IPv4 address")} id="kvm-network-overview-ipv4">{d?.ipv4 ? `${d.ipv4.address}/${d.ipv4.prefix}` : dash}</Field>
                                <Field term={_("DHCP range")} id="kvm-network-overview-dhcp">
                                    {d?.ipv4?.dhcpRange ? `${d.ipv4.dhcpRange.start} – ${d.ipv4.dhcpRange.end}` : _("No DHCP")}
                                </Field>
                                {d && d.ipv6.length > 0 &&
                                    <Field term={_("IPv6 address")} id="kvm-network-overview-ipv6">{d.ipv6.map(ip => `${ip.address}/${ip.prefix}`).join(", ")}</Field>}
                                <Field term={_("Autostart")} id="kvm-network-overview-autostart">
                                    <Switch id="kvm-network-autostart" isChecked={network.autostart} isDisabled={busy || !network.persistent}
                                        label={_("Start with the host")}
                                        onChange={(_event, checked) => actions.request(checked ? "autostart-on" : "autostart-off", network, vms)} />
                                </Field>
                                <Field term={_("UUID")} id="kvm-network-overview-uuid">{d?.uuid ?? dash}</Field>
                            </DescriptionList>
                        </CardBody>
                    </Card>
                </GridItem>
                <GridItem lg={5}>
                    <Card id="kvm-network-vms" isFullHeight>
                        <CardTitle>{_("Virtual machines")}</CardTitle>
                        <CardBody>
                            {vms.length === 0
                                ? <span className="kvm-muted">{_("No virtual machine has an interface on this network.")}</span>
                                : <List isPlain>
                                    {vms.map(vm => (
                                        <ListItem key={vm.name} data-vm={vm.name}>
                                            <RouteLink path={vmDetailsPath(vm.name)}><DisplayName name={vm.name} /></RouteLink>
                                            {" "}<span className="kvm-muted">{vm.active ? _("running") : _("shut off")}</span>
                                        </ListItem>
                                    ))}
                                </List>}
                        </CardBody>
                    </Card>
                </GridItem>
                <GridItem span={12}>
                    <Card id="kvm-network-leases">
                        <CardHeader actions={{
                            actions: <Button variant="secondary" size="sm" id="kvm-network-leases-refresh"
                                onClick={leases.refresh}>{_("Refresh")}</Button>,
                            hasNoOffset: true,
                        }}>
                            <CardTitle>{_("DHCP leases")}</CardTitle>
                        </CardHeader>
                        <CardBody>
                            {leases.error && <Alert isInline variant="warning" title={_("The leases could not be read")}>{leases.error}</Alert>}
                            {leases.leases === null && !leases.error && <Spinner size="md" aria-label={_("Loading leases")} />}
                            {leases.leases !== null && leases.leases.length === 0 &&
                                <span className="kvm-muted" id="kvm-network-leases-none">
                                    {network.active ? _("No guest holds a DHCP lease on this network.") : _("The network is stopped: no leases.")}
                                </span>}
                            {leases.leases !== null && leases.leases.length > 0 &&
                                <Table variant="compact" aria-label={_("DHCP leases")}>
                                    <Thead>
                                        <Tr><Th>{_("IP address")}</Th><Th>{_("MAC address")}</Th><Th>{_("Host name")}</Th><Th>{_("Client ID")}</Th><Th>{_("Expires")}</Th></Tr>
                                    </Thead>
                                    <Tbody>
                                        {leases.leases.map(lease => (
                                            <Tr key={`${lease.mac} ${lease.address}`} data-mac={lease.mac} data-address={lease.address}>
                                                <Td dataLabel={_("IP address")}>{`${lease.address}/${lease.prefix}`}</Td>
                                                <Td dataLabel={_("MAC address")}>{lease.mac}</Td>
                                                <Td dataLabel={_("Host name")}>{lease.hostname ?? dash}</Td>
                                                <Td dataLabel={_("Client ID")}>{lease.clientId ?? dash}</Td>
                                                <Td dataLabel={_("Expires")}>{dateFormat.format(lease.expiryTime * 1000)}</Td>
                                            </Tr>
                                        ))}
                                    </Tbody>
                                </Table>}
                        </CardBody>
                    </Card>
                </GridItem>
            </Grid>
            {actions.dialog}
        </PageSection>
    );
}
