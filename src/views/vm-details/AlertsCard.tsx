// The VM's fired alerts and its recent alert history, read on opening and every minute while shown.
import { Alert, Card, CardBody, CardTitle, Content, Spinner, Title } from "@patternfly/react-core";
import { useEffect, useState } from "react";
import { RouteLink } from "../../components/RouteLink";
import { fetchAlerts, type AlertsAnswer } from "../../host/alerts";
import cockpit, { _ } from "../../lib/cockpit";
import { ACTIVE_ALERTS_REFRESH_MS } from "../alerts/active-alerts";
import { ActiveAlertsTable, AlertHistoryTable } from "../alerts/AlertTables";

const RECENT_EVENTS = 10;

export function AlertsCard({ name }: { name: string }) {
    const [answer, setAnswer] = useState<AlertsAnswer | null>(null);
    const [error, setError] = useState<string | null>(null);

    useEffect(() => {
        let stopped = false;
        let timer: ReturnType<typeof setTimeout> | null = null;
        const load = (): void => {
            // While the page is not shown nothing is read; the next minute tries again.
            if (cockpit.hidden) {
                timer = setTimeout(load, ACTIVE_ALERTS_REFRESH_MS);
                return;
            }
            fetchAlerts({ vm: name, limit: RECENT_EVENTS }).then(a => {
                if (stopped) return;
                setAnswer({ active: a.active.filter(x => x.vm === name), history: a.history });
                setError(null);
            }, (e: Error) => { if (!stopped) setError(e.message); }).finally(() => {
                if (!stopped) timer = setTimeout(load, ACTIVE_ALERTS_REFRESH_MS);
            });
        };
        load();
        return () => {
            stopped = true;
            if (timer !== null) clearTimeout(timer);
        };
    }, [name]);

    return (
        <Card id="kvm-vm-alerts">
            <CardTitle>{_("Alerts")}</CardTitle>
            <CardBody>
                {error && <Alert isInline variant="warning" title={_("Alerts could not be read")}>{error}</Alert>}
                {!answer && !error && <Spinner size="md" aria-label={_("Loading alerts")} />}
                {answer && answer.active.length === 0 && answer.history.length === 0 &&
                    <Content component="p" id="kvm-vm-alerts-none">
                        {_("No alert has fired for this VM.")}{" "}
                        <RouteLink path={["alerts"]}>{_("Alert rules")}</RouteLink>
                    </Content>}
                {answer && answer.active.length > 0 &&
                    <ActiveAlertsTable alerts={answer.active} showVm={false} id="kvm-vm-alerts-active" />}
                {answer && answer.history.length > 0 && <>
                    <Title headingLevel="h3" size="md" className="kvm-alerts-subtitle">
                        {cockpit.format(_("Recent events (the last $0)"), RECENT_EVENTS)}
                    </Title>
                    <AlertHistoryTable events={answer.history} showVm={false} id="kvm-vm-alerts-history" />
                </>}
            </CardBody>
        </Card>
    );
}
