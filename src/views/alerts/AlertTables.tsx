// The fired alerts and the alert history as tables, for the Alerts page and a VM's Alerts card (which
// leaves out the VM column).
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import type { AlertEvent } from "../../core/alerts/evaluate";
import { DisplayName } from "../../components/DisplayName";
import { RouteLink } from "../../components/RouteLink";
import type { ActiveAlertRow } from "../../host/alerts";
import { _ } from "../../lib/cockpit";
import { vmDetailsPath } from "../../lib/paths";
import { conditionText, eventText, severityLabel, timeText, valueText } from "./alert-labels";
import { SeverityIcon } from "./AlertMarker";

function Severity({ severity }: { severity: ActiveAlertRow["severity"] }) {
    return <span className="kvm-alert-severity"><SeverityIcon severity={severity} /> {severityLabel(severity)}</span>;
}

function VmLink({ name }: { name: string }) {
    return <RouteLink path={vmDetailsPath(name)}><DisplayName name={name} truncate /></RouteLink>;
}

export function ActiveAlertsTable({ alerts, showVm, id }: { alerts: readonly ActiveAlertRow[]; showVm: boolean; id: string }) {
    return (
        <Table variant="compact" aria-label={_("Fired alerts")} id={id}>
            <Thead>
                <Tr>
                    <Th>{_("Severity")}</Th>
                    {showVm && <Th>{_("VM")}</Th>}
                    <Th>{_("Rule")}</Th>
                    <Th>{_("Condition")}</Th>
                    <Th modifier="nowrap">{_("Value when fired")}</Th>
                    <Th>{_("Since")}</Th>
                </Tr>
            </Thead>
            <Tbody>
                {alerts.map(a => (
                    <Tr key={a.seq} data-rule={a.rule} data-vm={a.vm}>
                        <Td dataLabel={_("Severity")}><Severity severity={a.severity} /></Td>
                        {showVm && <Td dataLabel={_("VM")}><VmLink name={a.vm} /></Td>}
                        <Td dataLabel={_("Rule")}><DisplayName name={a.rule} /></Td>
                        <Td dataLabel={_("Condition")}>{conditionText(a.condition)}</Td>
                        <Td dataLabel={_("Value when fired")}>{valueText(a.condition, a.value)}</Td>
                        <Td dataLabel={_("Since")}>{timeText(a.firedAtMs)}</Td>
                    </Tr>
                ))}
            </Tbody>
        </Table>
    );
}

export function AlertHistoryTable({ events, showVm, id }: { events: readonly AlertEvent[]; showVm: boolean; id: string }) {
    return (
        <Table variant="compact" aria-label={_("Alert history")} id={id}>
            <Thead>
                <Tr>
                    <Th>{_("Time")}</Th>
                    <Th>{_("Event")}</Th>
                    <Th>{_("Severity")}</Th>
                    {showVm && <Th>{_("VM")}</Th>}
                    <Th>{_("Rule")}</Th>
                    <Th>{_("Condition")}</Th>
                    <Th>{_("Value")}</Th>
                </Tr>
            </Thead>
            <Tbody>
                {events.map(e => (
                    <Tr key={e.seq} data-kind={e.kind} data-rule={e.rule} data-vm={e.vm}>
                        <Td dataLabel={_("Time")}>{timeText(e.tMs)}</Td>
                        <Td dataLabel={_("Event")}>{eventText(e)}</Td>
                        <Td dataLabel={_("Severity")}><Severity severity={e.severity} /></Td>
                        {showVm && <Td dataLabel={_("VM")}><VmLink name={e.vm} /></Td>}
                        <Td dataLabel={_("Rule")}><DisplayName name={e.rule} /></Td>
                        <Td dataLabel={_("Condition")}>{conditionText(e.condition)}</Td>
                        <Td dataLabel={_("Value")}>{valueText(e.condition, e.value)}</Td>
                    </Tr>
                ))}
            </Tbody>
        </Table>
    );
}
