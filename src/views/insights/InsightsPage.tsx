// Insights: for every VM of the host, what its history says about its size (suggestions grouped by VM
// and by category, and the full list), the host's capacity against what the VMs are given, and the
// busiest VMs over the range. kvm-manager-insights computes it all on the host in one run.
import {
    Alert, Button, Card, CardBody, CardTitle, DescriptionList, DescriptionListDescription, DescriptionListGroup,
    DescriptionListTerm, EmptyState, EmptyStateBody, Flex, FlexItem, Grid, GridItem, PageSection, Progress, ProgressMeasureLocation,
    ProgressSize, Spinner, Title, ToggleGroup, ToggleGroupItem,
} from "@patternfly/react-core";
import { CheckCircleIcon, SyncAltIcon } from "@patternfly/react-icons";
import { useMemo, useState } from "react";
import { formatBytes, formatBytesPerSecond } from "../../core/format";
import {
    TOP_METRICS, groupBy, isInsightsRange, type HostCapacity, type InsightsRange, type InsightsResponse, type TopMetric,
} from "../../core/insights/summary";
import { CATEGORIES, SEVERITIES, type Category } from "../../core/insights/types";
import { ADMIN_ACCESS_HINT } from "../../components/ConnectionEmptyState";
import { DisplayName } from "../../components/DisplayName";
import { InsightsRangeSelector } from "../../components/InsightsRangeSelector";
import { MetricChart, type ChartLine } from "../../components/MetricChart";
import { RouteLink } from "../../components/RouteLink";
import { SuggestionList } from "../../components/SuggestionList";
import { categoryLabel, notEnoughData, severityLabel } from "../../components/suggestion-text";
import cockpit, { _ } from "../../lib/cockpit";
import { vmDetailsPath } from "../../lib/paths";
import { useAdminAccess } from "../../lib/permission";
import { useInsights } from "../../state/insights";

function Counts({ response }: { response: InsightsResponse }) {
    const c = response.counts;
    const items: { id: string; label: string; value: number }[] = [
        { id: "vms", label: _("Virtual machines"), value: c.vms },
        { id: "running", label: _("Running"), value: c.running },
        ...SEVERITIES.map(s => ({ id: s, label: severityLabel(s), value: c[s] })),
    ];
    return (
        <div className="kvm-insights-counts">
            {items.map(item => (
                <Card key={item.id} isCompact id={`kvm-insights-count-${item.id}`} data-count={item.value}>
                    <CardBody>
                        <div className="kvm-count-value">{item.value}</div>
                        <div className="kvm-muted">{item.label}</div>
                    </CardBody>
                </Card>
            ))}
        </div>
    );
}

const ratio = (value: number | null) =>
    value === null ? "–" : cockpit.format(_("$0×"), new Intl.NumberFormat(cockpit.language, { maximumFractionDigits: 2 }).format(value));

function CapacityCard({ host }: { host: HostCapacity }) {
    const bytes = (kib: number) => formatBytes(kib * 1024, cockpit.language);
    const bar = (id: string, title: string, used: number, total: number | null, text: string) => (
        <Progress id={id} title={title} size={ProgressSize.sm} measureLocation={ProgressMeasureLocation.outside}
            value={total ? Math.min(100, used / total * 100) : 0} label={text} valueText={text}
            variant={total !== null && used > total ? "warning" : undefined} />
    );
    return (
        <Card id="kvm-insights-capacity" isFullHeight>
            <CardTitle>{_("Host capacity")}</CardTitle>
            <CardBody>
                {bar("kvm-capacity-cpu", _("vCPUs given to VMs"), host.vcpusAllocated, host.cpus,
                    cockpit.format(_("$0 of $1 CPUs"), host.vcpusAllocated, host.cpus ?? "–"))}
                {bar("kvm-capacity-memory", _("Memory given to VMs"), host.memoryAllocatedKiB, host.memoryKiB,
                    cockpit.format(_("$0 of $1"), bytes(host.memoryAllocatedKiB), host.memoryKiB === null ? "–" : bytes(host.memoryKiB)))}
                <DescriptionList isHorizontal isCompact termWidth="12rem" className="kvm-capacity-figures">
                    <DescriptionListGroup>
                        <DescriptionListTerm>{_("CPU overcommit")}</DescriptionListTerm>
                        <DescriptionListDescription id="kvm-capacity-cpu-ratio">{ratio(host.cpuOvercommit)}</DescriptionListDescription>
                    </DescriptionListGroup>
                    <DescriptionListGroup>
                        <DescriptionListTerm>{_("Memory overcommit")}</DescriptionListTerm>
                        <DescriptionListDescription id="kvm-capacity-memory-ratio">{ratio(host.memoryOvercommit)}</DescriptionListDescription>
                    </DescriptionListGroup>
                    <DescriptionListGroup>
                        <DescriptionListTerm>{_("Running VMs")}</DescriptionListTerm>
                        <DescriptionListDescription>
                            {cockpit.format(_("$0 vCPUs, $1"), host.vcpusRunning, bytes(host.memoryRunningKiB))}
                        </DescriptionListDescription>
                    </DescriptionListGroup>
                </DescriptionList>
            </CardBody>
        </Card>
    );
}

const LINE_COLORS = [
    "--pf-t--chart--color--blue--300", "--pf-t--chart--color--orange--300", "--pf-t--chart--color--green--300",
    "--pf-t--chart--color--purple--300", "--pf-t--chart--color--yellow--300",
];

function topTitle(metric: TopMetric): string {
    switch (metric) {
    case "cpu": return _("CPU (vCPUs busy)");
    case "memory": return _("Memory used");
    case "disk": return _("Disk I/O");
    case "network": return _("Network I/O");
    }
}

function TopCharts({ response }: { response: InsightsResponse }) {
    const long = response.range === "7d" || response.range === "30d";
    const formatTime = useMemo(() => {
        const format = new Intl.DateTimeFormat(cockpit.language, long ? { month: "short", day: "numeric" } : { hour: "2-digit", minute: "2-digit" });
        return (ms: number) => format.format(ms);
    }, [long]);
    const formatters = useMemo(() => ({
        cpu: (v: number) => new Intl.NumberFormat(cockpit.language, { maximumFractionDigits: 2 }).format(v),
        memory: (v: number) => formatBytes(v * 1024, cockpit.language),
        disk: (v: number) => formatBytesPerSecond(v, cockpit.language),
        network: (v: number) => formatBytesPerSecond(v, cockpit.language),
    }), []);
    const lines = useMemo(() => Object.fromEntries(TOP_METRICS.map(m => [m, response.top[m].map((entry, i): ChartLine => ({
        label: entry.vm, values: entry.series, colorToken: LINE_COLORS[i % LINE_COLORS.length],
    }))])) as Record<TopMetric, ChartLine[]>, [response]);
    return (
        <Card id="kvm-insights-top">
            <CardTitle>{_("Busiest virtual machines")}</CardTitle>
            <CardBody>
                <div className="kvm-chart-grid">
                    {TOP_METRICS.map(m => (
                        <div key={m} className="kvm-chart-small" data-metric={m}>
                            {response.top[m].length === 0
                                ? <><div className="kvm-chart-title">{topTitle(m)}</div><span className="kvm-muted">{_("Nothing collected in this range.")}</span></>
                                : <MetricChart id={`kvm-top-${m}`} title={topTitle(m)} timestamps={response.top.timestamps} lines={lines[m]}
                                    formatValue={formatters[m]} formatTime={formatTime} axis={m === "cpu" ? "count" : "bytes"}
                                    emptyTop={m === "cpu" ? 1 : 1024} />}
                            {response.top[m].length > 0 &&
                                <ol className="kvm-top-list">
                                    {response.top[m].map(entry => (
                                        <li key={entry.vm} data-vm={entry.vm}>
                                            <RouteLink path={vmDetailsPath(entry.vm)}><DisplayName name={entry.vm} truncate /></RouteLink>
                                            {" "}<span className="kvm-muted">{cockpit.format(_("$0 on average"), formatters[m](entry.mean))}</span>
                                        </li>
                                    ))}
                                </ol>}
                        </div>
                    ))}
                </div>
            </CardBody>
        </Card>
    );
}

type View = "vm" | "category" | "all";

const VIEWS: { view: View; label: () => string }[] = [
    { view: "vm", label: () => _("By virtual machine") },
    { view: "category", label: () => _("By category") },
    { view: "all", label: () => _("All") },
];

function SuggestionsCard({ response }: { response: InsightsResponse }) {
    const [view, setView] = useState<View>("vm");
    const waiting = response.vms.filter(v => v.config?.active && !v.coverage.enough);
    const byVm = useMemo(() => groupBy(response.suggestions, s => s.vm), [response]);
    const byCategory = useMemo(() => groupBy(response.suggestions, s => s.category), [response]);
    const none = response.suggestions.length === 0;
    return (
        <Card id="kvm-insights-suggestions">
            <CardTitle>{_("Suggestions")}</CardTitle>
            <CardBody>
                <ToggleGroup aria-label={_("Group suggestions")} isCompact className="kvm-insights-views">
                    {VIEWS.map(v => (
                        <ToggleGroupItem key={v.view} text={v.label()} buttonId={`kvm-insights-${v.view === "all" ? "all" : `by-${v.view}`}`}
                            isSelected={view === v.view} onChange={() => setView(v.view)} />
                    ))}
                </ToggleGroup>
                <div className="kvm-insights-list" data-view={view}>
                    {none &&
                        <EmptyState icon={CheckCircleIcon} headingLevel="h3" titleText={_("No suggestions")} variant="sm" id="kvm-insights-none">
                            <EmptyStateBody>{_("Every VM with enough history is sized well for this range.")}</EmptyStateBody>
                        </EmptyState>}
                    {view === "vm" && [...byVm].map(([vm, list]) => (
                        <section key={vm} className="kvm-insights-group" data-group-vm={vm}>
                            <Title headingLevel="h3" size="md">
                                <RouteLink path={vmDetailsPath(vm)}><DisplayName name={vm} truncate /></RouteLink>
                            </Title>
                            <SuggestionList suggestions={list} showVm={false} />
                        </section>
                    ))}
                    {view === "category" && CATEGORIES.filter(c => byCategory.has(c)).map((category: Category) => (
                        <section key={category} className="kvm-insights-group" data-group-category={category}>
                            <Title headingLevel="h3" size="md">{categoryLabel(category)}</Title>
                            <SuggestionList suggestions={byCategory.get(category) ?? []} showVm />
                        </section>
                    ))}
                    {view === "all" && <SuggestionList suggestions={response.suggestions} showVm />}
                    {waiting.length > 0 &&
                        <section className="kvm-insights-group" id="kvm-insights-waiting">
                            <Title headingLevel="h3" size="md">{_("Waiting for history")}</Title>
                            <ul className="kvm-suggestions">
                                {waiting.map(v => (
                                    <li key={v.vm} className="kvm-suggestion" data-vm={v.vm}>
                                        <RouteLink path={vmDetailsPath(v.vm)}><DisplayName name={v.vm} truncate /></RouteLink>
                                        {": "}<span className="kvm-muted">{notEnoughData(v.coverage)}</span>
                                    </li>
                                ))}
                            </ul>
                        </section>}
                </div>
            </CardBody>
        </Card>
    );
}

export function InsightsPage() {
    // The range travels in the URL (#/insights?range=30d), so a view can be bookmarked and shared.
    const option = cockpit.location.options.range;
    const [range, setRangeState] = useState<InsightsRange>(typeof option === "string" && isInsightsRange(option) ? option : "24h");
    const setRange = (next: InsightsRange): void => {
        setRangeState(next);
        cockpit.location.replace(["insights"], { range: next });
    };
    const insights = useInsights(range);
    const admin = useAdminAccess();
    const { response } = insights;
    const updated = insights.updatedAtMs === null ? null
        : new Intl.DateTimeFormat(cockpit.language, { timeStyle: "short" }).format(insights.updatedAtMs);
    return (
        <PageSection id="kvm-insights" data-range={range} data-state={response ? "ready" : insights.error ? "error" : "loading"}>
            <Flex className="kvm-details-header" alignItems={{ default: "alignItemsCenter" }}>
                <FlexItem><Title headingLevel="h1">{_("Insights")}</Title></FlexItem>
                <FlexItem align={{ default: "alignRight" }}>
                    <Flex alignItems={{ default: "alignItemsCenter" }} spaceItems={{ default: "spaceItemsSm" }}>
                        {updated && <FlexItem className="kvm-muted" id="kvm-insights-updated">{cockpit.format(_("Updated $0"), updated)}</FlexItem>}
                        <FlexItem>
                            <Button variant="plain" aria-label={_("Refresh")} icon={insights.loading ? <Spinner size="md" aria-label={_("Loading")} /> : <SyncAltIcon />}
                                isDisabled={insights.loading} onClick={insights.reload} />
                        </FlexItem>
                        <FlexItem><InsightsRangeSelector range={range} onChange={setRange} idPrefix="kvm-insights-range" /></FlexItem>
                    </Flex>
                </FlexItem>
            </Flex>
            {insights.error &&
                <Alert isInline variant="warning" title={_("Insights could not be computed")} id="kvm-insights-error">
                    <div className="kvm-technical">{insights.error}</div>
                    {/* The history under /var/lib/kvm-manager is readable by root only. */}
                    {admin === false && <div>{_(ADMIN_ACCESS_HINT)}</div>}
                </Alert>}
            {response && response.warnings.length > 0 &&
                <Alert isInline isPlain variant="warning" title={_("Some of the history or of the VMs' sizes could not be read")} id="kvm-insights-warnings">
                    {response.warnings.map(w => <div key={w} className="kvm-technical">{w}</div>)}
                </Alert>}
            {!response && !insights.error && <Spinner size="xl" aria-label={_("Loading insights")} />}
            {response &&
                <>
                    <Counts response={response} />
                    <Grid hasGutter>
                        <GridItem lg={8}><SuggestionsCard response={response} /></GridItem>
                        <GridItem lg={4}><CapacityCard host={response.host} /></GridItem>
                        <GridItem span={12}><TopCharts response={response} /></GridItem>
                    </Grid>
                </>}
        </PageSection>
    );
}
