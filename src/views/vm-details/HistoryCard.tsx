// CPU, memory, disk and network graphs for one VM. "Live" draws the page's own samples; the other
// ranges read the collector's history through kvm-manager-history, which picks the rollup tier.
import { Alert, Card, CardBody, CardHeader, CardTitle, Spinner, ToggleGroup, ToggleGroupItem } from "@patternfly/react-core";
import { useEffect, useMemo, useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { formatBytes, formatBytesPerSecond, formatPercent } from "../../core/format";
import { collectionHealth, type CollectionHealth } from "../../core/collection-status";
import { historyChartSeries, type HistoryResponse } from "../../core/metrics/history";
import { liveSeries, type ChartSeries, type LivePoint } from "../../core/metrics/live-series";
import type { MetricName } from "../../core/metrics/rollup";
import type { HistoryRange } from "../../core/metrics/tiers";
import { MetricChart, type ChartLine } from "../../components/MetricChart";
import { fetchTimersStatus } from "../../host/collection-status";
import { fetchHistory } from "../../host/history";
import { REFRESH_INTERVAL_MS } from "../../state/vm-store";

type GraphRange = "live" | Exclude<HistoryRange, "1y">;

const RANGES: { range: GraphRange; label: () => string }[] = [
    { range: "live", label: () => _("Live") },
    { range: "1h", label: () => _("1 hour") },
    { range: "6h", label: () => _("6 hours") },
    { range: "24h", label: () => _("24 hours") },
    { range: "7d", label: () => _("7 days") },
    { range: "30d", label: () => _("30 days") },
];

// New history arrives every 30 s; re-reading once a minute keeps short ranges current.
const HISTORY_REFRESH_MS = 60_000;

// Empty charts get an axis in their unit: 0 to 1 GiB of memory, 0 to 4 KiB/s of I/O.
const EMPTY_MEMORY_TOP = 1024 ** 3;
const EMPTY_RATE_TOP = 4096;

function timeFormatter(range: GraphRange): (epochMs: number) => string {
    const options: Intl.DateTimeFormatOptions = range === "7d" || range === "30d"
        ? { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" }
        : range === "live" ? { hour: "2-digit", minute: "2-digit", second: "2-digit" } : { hour: "2-digit", minute: "2-digit" };
    const format = new Intl.DateTimeFormat(cockpit.language, options);
    return epochMs => format.format(epochMs);
}

const kib = (values: (number | null)[]) => values.map(v => v === null ? null : v * 1024);

// Tells why the history stays empty when the collector has not run for a while, and how to start it.
function CollectionStopped({ health }: { health: Extract<CollectionHealth, { state: "stopped" }> }) {
    const since = health.sinceMs === null
        ? _("No metrics sample has ever been collected on this host, so the history ranges stay empty.")
        : cockpit.format(_("The last metrics sample was collected at $0; nothing has been recorded since."),
            new Intl.DateTimeFormat(cockpit.language, { dateStyle: "medium", timeStyle: "short" }).format(health.sinceMs));
    return (
        <Alert id="kvm-collection-stopped" data-remedy={health.remedy} isInline variant="warning"
            title={_("History collection is not running")}>
            <p>{since}</p>
            {health.remedy === "enable-timer" &&
                <p>{_("Start the collector's timer as root:")} <code>systemctl enable --now kvm-manager-collect.timer</code></p>}
            {health.remedy === "start-runner" &&
                <p>{_("This host does not run systemd, so no timer starts the collector. Start the timer runner as root:")}{" "}
                    <code>kvm-manager-timers --start</code> {_("(or make run in KVM Manager's source directory)")}</p>}
            {health.remedy === "runner-log" &&
                <p>{_("The timer runner is running, but the collector does not record samples. Its log says why:")}{" "}
                    <code>/var/log/kvm-manager-timers.log</code></p>}
        </Alert>
    );
}

export function HistoryCard({ name, live }: { name: string; live: LivePoint[] }) {
    const [range, setRange] = useState<GraphRange>("live");
    const [history, setHistory] = useState<{ range: GraphRange; response: HistoryResponse } | null>(null);
    const [error, setError] = useState<string | null>(null);
    const [health, setHealth] = useState<CollectionHealth | null>(null);

    // Checked on every range change and then once a minute: a stopped collector explains empty charts.
    useEffect(() => {
        let cancelled = false;
        let timer: ReturnType<typeof setTimeout> | null = null;
        const check = async (): Promise<void> => {
            try {
                const status = await fetchTimersStatus();
                if (!cancelled) setHealth(collectionHealth(status));
            } catch {
                // Without an answer (an older install without kvm-manager-timers, no access to the
                // state directory) the page claims nothing; a history that cannot be read says so itself.
                if (!cancelled) setHealth(null);
            }
            if (!cancelled) timer = setTimeout(() => void check(), HISTORY_REFRESH_MS);
        };
        void check();
        return () => {
            cancelled = true;
            if (timer) clearTimeout(timer);
        };
    }, [range]);

    useEffect(() => {
        if (range === "live") return;
        let cancelled = false;
        let timer: ReturnType<typeof setTimeout> | null = null;
        const load = async (): Promise<void> => {
            try {
                const response = await fetchHistory({ vm: name, range });
                if (!cancelled) {
                    setHistory({ range, response });
                    setError(null);
                }
            } catch (e) {
                if (!cancelled) setError((e as Error).message);
            }
            if (!cancelled) timer = setTimeout(() => void load(), HISTORY_REFRESH_MS);
        };
        void load();
        return () => {
            cancelled = true;
            if (timer) clearTimeout(timer);
        };
    }, [name, range]);

    const series: ChartSeries | null = useMemo(() => {
        if (range === "live") return liveSeries(live, REFRESH_INTERVAL_MS * 2.5);
        return history?.range === range ? historyChartSeries(history.response) : null;
    }, [range, live, history]);

    const formatTime = useMemo(() => timeFormatter(range), [range]);
    const percent = useMemo(() => (v: number) => formatPercent(v, cockpit.language), []);
    const bytes = useMemo(() => (v: number) => formatBytes(v, cockpit.language), []);
    const rate = useMemo(() => (v: number) => formatBytesPerSecond(v, cockpit.language), []);

    const charts = useMemo(() => {
        if (!series) return null;
        const withMax = (label: string, metric: MetricName, colorToken: string, transform = (v: (number | null)[]) => v): ChartLine[] => [
            { label, values: transform(series.avg[metric]), colorToken },
            ...(series.max ? [{ label: cockpit.format(_("$0 (peak)"), label), values: transform(series.max[metric]), colorToken, dashed: true }] : []),
        ];
        return {
            cpu: withMax(_("CPU"), "cpuPercent", "--pf-t--global--color--brand--default"),
            memory: withMax(_("Memory used"), "memoryUsedKiB", "--pf-t--chart--color--purple--300", kib),
            disk: [
                { label: _("Read"), values: series.avg.diskReadBps, colorToken: "--pf-t--chart--color--blue--300" },
                { label: _("Write"), values: series.avg.diskWriteBps, colorToken: "--pf-t--chart--color--orange--300" },
            ],
            network: [
                { label: _("Receive"), values: series.avg.netRxBps, colorToken: "--pf-t--chart--color--green--300" },
                { label: _("Send"), values: series.avg.netTxBps, colorToken: "--pf-t--chart--color--yellow--300" },
            ],
        };
    }, [series]);

    const empty = series !== null && series.timestamps.length > 0 &&
        Object.values(series.avg).every(values => values.every(v => v === null));
    const loading = range !== "live" && series === null && error === null;
    const stopped = health?.state === "stopped" ? health : null;

    return (
        <Card id="kvm-history" data-range={range} data-state={error ? "error" : loading ? "loading" : "ready"}>
            <CardHeader actions={{
                actions: (
                    <ToggleGroup aria-label={_("Time range")} isCompact>
                        {RANGES.map(r => (
                            <ToggleGroupItem key={r.range} text={r.label()} buttonId={`kvm-range-${r.range}`}
                                isSelected={range === r.range} onChange={() => setRange(r.range)} />
                        ))}
                    </ToggleGroup>
                ),
                hasNoOffset: true,
            }}>
                <CardTitle>{_("Usage history")}</CardTitle>
            </CardHeader>
            <CardBody>
                {error && <Alert isInline variant="warning" title={_("History could not be read")}>{error}</Alert>}
                {range === "live" && live.length < 2 &&
                    <Alert isInline isPlain variant="info" title={_("Live graphs fill in as this page samples the VM every 5 seconds.")} />}
                {stopped && <CollectionStopped health={stopped} />}
                {range !== "live" && empty && !stopped &&
                    <Alert isInline isPlain variant="info" title={_("Nothing was collected for this VM in this range.")}>
                        {_("The kvm-manager-collect timer records every running VM every 30 seconds; gaps mean the VM was off or nothing was collected.")}
                    </Alert>}
                {loading && <Spinner size="lg" aria-label={_("Loading history")} />}
                {charts && series && !(stopped && empty) &&
                    <div className="kvm-chart-grid">
                        <MetricChart id="kvm-chart-cpu" title={_("CPU")} timestamps={series.timestamps} lines={charts.cpu}
                            formatValue={percent} formatTime={formatTime} axis="percent" emptyTop={100} />
                        <MetricChart id="kvm-chart-memory" title={_("Memory")} timestamps={series.timestamps} lines={charts.memory}
                            formatValue={bytes} formatTime={formatTime} axis="bytes" emptyTop={EMPTY_MEMORY_TOP} />
                        <MetricChart id="kvm-chart-disk" title={_("Disk I/O")} timestamps={series.timestamps} lines={charts.disk}
                            formatValue={rate} formatTime={formatTime} axis="bytes" emptyTop={EMPTY_RATE_TOP} />
                        <MetricChart id="kvm-chart-network" title={_("Network I/O")} timestamps={series.timestamps} lines={charts.network}
                            formatValue={rate} formatTime={formatTime} axis="bytes" emptyTop={EMPTY_RATE_TOP} />
                    </div>}
            </CardBody>
        </Card>
    );
}
