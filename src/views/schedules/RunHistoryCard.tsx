// The run history of all schedules, newest first: one row per VM and run with libvirt's message, filtered
// by VM and result on the host (kvm-manager-scheduler --history), so the filter covers the whole history
// and not only the rows loaded.
import {
    Alert, Button, Card, CardBody, CardTitle, EmptyState, EmptyStateBody, FormSelect, FormSelectOption, Label, Spinner,
    Toolbar, ToolbarContent, ToolbarItem,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useCallback, useEffect, useRef, useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { DisplayName } from "../../components/DisplayName";
import { displayNameText } from "../../core/display-name";
import { HISTORY_LIMIT, readRunHistory, type RunRecord, type RunResult } from "../../host/schedules";
import { formatHostTime, operationTypeLabel, resultColor, resultLabel } from "./schedule-labels";

const ALL = "";
const RESULTS: readonly RunResult[] = ["ok", "failed", "skipped"];

export function RunHistoryCard({ timeZone, knownVms, refreshKey, readOnly }: {
    timeZone: string;
    // Without administrative access the history (root's, in /var/lib/kvm-manager) cannot be read.
    readOnly: boolean;
    // VMs the filter offers besides those in the history: the schedules' own.
    knownVms: readonly string[];
    // Changes after a run, so the history is read again.
    refreshKey: number;
}) {
    const [vm, setVm] = useState(ALL);
    const [result, setResult] = useState(ALL);
    const [runs, setRuns] = useState<RunRecord[] | null>(null);
    const [seenVms, setSeenVms] = useState<string[]>([]);
    const [error, setError] = useState<string | null>(null);

    // A slower earlier answer must not overwrite the one for the filter now chosen.
    const generation = useRef(0);
    const load = useCallback((): void => {
        const mine = ++generation.current;
        readRunHistory({ vm: vm === ALL ? undefined : vm, result: result === ALL ? undefined : result as RunResult }).then(answer => {
            if (generation.current !== mine) return;
            setRuns(answer);
            setError(null);
            setSeenVms(seen => [...new Set([...seen, ...answer.map(r => r.vm).filter(v => v !== "")])]);
        }, (err: Error) => {
            if (generation.current === mine) setError(err.message);
        });
    }, [vm, result]);

    useEffect(() => {
        load();
    }, [load, refreshKey]);

    const vmOptions = [...new Set([...knownVms, ...seenVms])].sort((a, b) => a.localeCompare(b));
    return (
        <Card id="kvm-schedule-history">
            <CardTitle>{_("Run history")}</CardTitle>
            <CardBody>
                <Toolbar>
                    <ToolbarContent>
                        <ToolbarItem>
                            <FormSelect id="kvm-history-vm" aria-label={_("Filter by VM")} value={vm} onChange={(_event, value) => setVm(value)}>
                                <FormSelectOption value={ALL} label={_("All VMs")} />
                                {vmOptions.map(name => <FormSelectOption key={name} value={name} label={displayNameText(name)} />)}
                            </FormSelect>
                        </ToolbarItem>
                        <ToolbarItem>
                            <FormSelect id="kvm-history-result" aria-label={_("Filter by result")} value={result} onChange={(_event, value) => setResult(value)}>
                                <FormSelectOption value={ALL} label={_("All results")} />
                                {RESULTS.map(r => <FormSelectOption key={r} value={r} label={resultLabel(r)} />)}
                            </FormSelect>
                        </ToolbarItem>
                        <ToolbarItem>
                            <Button variant="link" onClick={load}>{_("Refresh")}</Button>
                        </ToolbarItem>
                    </ToolbarContent>
                </Toolbar>
                {error && (readOnly
                    ? <Alert isInline variant="info" title={_("The run history is readable with administrative access only")}>{error}</Alert>
                    : <Alert isInline variant="danger" title={_("The run history could not be read")}>{error}</Alert>)}
                {runs === null && !error && <Spinner size="lg" aria-label={_("Loading the run history")} />}
                {runs !== null && runs.length === 0 &&
                    <EmptyState headingLevel="h3" titleText={vm === ALL && result === ALL ? _("No runs yet") : _("No runs match the filter")} id="kvm-history-empty">
                        <EmptyStateBody>{_("Each run of a schedule is recorded here, one row per VM.")}</EmptyStateBody>
                    </EmptyState>}
                {runs !== null && runs.length > 0 &&
                    <Table aria-label={_("Run history")} variant="compact" id="kvm-history-table">
                        <Thead>
                            <Tr>
                                <Th>{cockpit.format(_("Started ($0)"), timeZone)}</Th>
                                <Th>{_("Schedule")}</Th>
                                <Th>{_("VM")}</Th>
                                <Th>{_("Operation")}</Th>
                                <Th>{_("Result")}</Th>
                                <Th>{_("Message")}</Th>
                            </Tr>
                        </Thead>
                        <Tbody>
                            {runs.map((run, index) => (
                                <Tr key={`${run.start}-${run.schedule}-${run.vm}-${index}`} data-vm={run.vm} data-result={run.result}>
                                    <Td dataLabel={_("Started")}>{formatHostTime(run.start, timeZone)}</Td>
                                    <Td dataLabel={_("Schedule")}><DisplayName name={run.schedule} /></Td>
                                    <Td dataLabel={_("VM")}>{run.vm === "" ? "–" : <DisplayName name={run.vm} />}</Td>
                                    <Td dataLabel={_("Operation")}>{operationTypeLabel(run.operation)}</Td>
                                    <Td dataLabel={_("Result")}><Label color={resultColor(run.result)}>{resultLabel(run.result)}</Label></Td>
                                    <Td dataLabel={_("Message")} className="kvm-history-message">{run.message}</Td>
                                </Tr>
                            ))}
                        </Tbody>
                    </Table>}
                {runs !== null && runs.length >= HISTORY_LIMIT &&
                    <p className="kvm-muted">{cockpit.format(_("The newest $0 runs are shown; filter to see older ones."), HISTORY_LIMIT)}</p>}
            </CardBody>
        </Card>
    );
}
