// A VM's fired alerts as one icon in its list row: the most severe one's icon and colour, the alerts
// named in a tooltip (and for screen readers in the label); a click opens the VM's details, whose
// Alerts card lists them.
import { Button, Icon, Tooltip } from "@patternfly/react-core";
import { ExclamationCircleIcon, ExclamationTriangleIcon, InfoCircleIcon } from "@patternfly/react-icons";
import type { AlertSeverity } from "../../core/alerts/alert-rule";
import { mostSevere } from "../../core/alerts/alert-rule";
import type { ActiveAlertRow } from "../../host/alerts";
import cockpit, { _ } from "../../lib/cockpit";
import { vmDetailsPath } from "../../lib/paths";
import { conditionText, severityLabel } from "./alert-labels";

export function SeverityIcon({ severity }: { severity: AlertSeverity }) {
    switch (severity) {
    case "critical": return <Icon status="danger" isInline><ExclamationCircleIcon /></Icon>;
    case "warning": return <Icon status="warning" isInline><ExclamationTriangleIcon /></Icon>;
    case "info": return <Icon status="info" isInline><InfoCircleIcon /></Icon>;
    }
}

export function AlertMarker({ alerts }: { alerts: readonly ActiveAlertRow[] }) {
    const severity = mostSevere(alerts);
    if (severity === null) return null;
    const lines = alerts.map(a => cockpit.format(_("$0: $1 ($2)"), severityLabel(a.severity), a.rule, conditionText(a.condition)));
    return (
        <Tooltip content={<div>{lines.map((line, i) => <div key={i}>{line}</div>)}</div>}>
            <Button variant="plain" size="sm" className="kvm-alert-marker" data-severity={severity}
                aria-label={cockpit.format(_("Alerts: $0"), lines.join("; "))} icon={<SeverityIcon severity={severity} />}
                onClick={() => cockpit.location.go(vmDetailsPath(alerts[0].vm))} />
        </Tooltip>
    );
}
