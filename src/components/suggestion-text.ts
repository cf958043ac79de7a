// The words of an insight: core answers kinds and numbers, the page says them in the user's language.
import type { Category, Coverage, Severity, Suggestion } from "../core/insights/types";
import { formatBytes, formatBytesPerSecond, formatPercent } from "../core/format";
import cockpit, { _, ngettext } from "../lib/cockpit";

const KIB = 1024;
const lang = () => cockpit.language;
const percent = (v: number) => formatPercent(v, lang());
const kib = (v: number) => formatBytes(v * KIB, lang());
const number = (v: number, digits = 1) => new Intl.NumberFormat(lang(), { maximumFractionDigits: digits }).format(v);
const when = (ms: number) => new Intl.DateTimeFormat(lang(), { dateStyle: "medium", timeStyle: "short" }).format(ms);
const day = (ms: number) => new Intl.DateTimeFormat(lang(), { dateStyle: "medium" }).format(ms);

export function severityLabel(severity: Severity): string {
    switch (severity) {
    case "critical": return _("Critical");
    case "warning": return _("Warning");
    case "info": return _("Info");
    }
}

export function severityColor(severity: Severity): "red" | "orange" | "blue" {
    return severity === "critical" ? "red" : severity === "warning" ? "orange" : "blue";
}

export function categoryLabel(category: Category): string {
    switch (category) {
    case "cpu": return _("CPU");
    case "memory": return _("Memory");
    case "trend": return _("Growth trends");
    case "io": return _("I/O hot spots");
    }
}

export function vcpuCount(count: number): string {
    return cockpit.format(ngettext("$0 vCPU", "$0 vCPUs", count), count);
}

export function suggestionTitle(s: Suggestion): string {
    const c = s.change;
    switch (s.kind) {
    case "cpu-low": return c?.kind === "vcpus" ? cockpit.format(_("Fewer vCPUs: $0 instead of $1"), c.to, c.from) : _("Fewer vCPUs");
    case "cpu-high": return c?.kind === "vcpus" ? cockpit.format(_("More vCPUs: $0 instead of $1"), c.to, c.from) : _("CPU is saturated");
    case "cpu-spikes": return _("Short CPU spikes");
    case "memory-over": return c?.kind === "memory" ? cockpit.format(_("Less memory: $0 instead of $1"), kib(c.toKiB), kib(c.fromKiB)) : _("Less memory");
    case "memory-under": return c?.kind === "memory" ? cockpit.format(_("More memory: $0 instead of $1"), kib(c.toKiB), kib(c.fromKiB)) : _("More memory");
    case "trend-cpu": return _("CPU use is growing");
    case "trend-memory": return _("Memory use is growing");
    case "io-disk": return _("Disk I/O hot spot");
    case "io-network": return _("Network I/O hot spot");
    }
}

// The range the numbers come from, and how much history it held.
export function evidenceRange(s: Suggestion): string {
    return cockpit.format(_("$0 to $1, $2 hours of data"), when(s.evidence.startMs), when(s.evidence.endMs), number(s.evidence.dataHours));
}

export function suggestionEvidence(s: Suggestion): string {
    const v = s.evidence.values;
    switch (s.kind) {
    case "cpu-low": case "cpu-high":
        return cockpit.format(_("95th percentile CPU use $0, average $1, of $2."), percent(v.p95Percent), percent(v.meanPercent), vcpuCount(v.vcpus));
    case "cpu-spikes":
        return cockpit.format(ngettext("Peaks up to $0 in $1 interval (the last at $2), while the average is $3.",
            "Peaks up to $0 in $1 intervals (the last at $2), while the average is $3.", v.spikeBuckets),
        percent(v.maxPercent), v.spikeBuckets, when(v.lastSpikeMs), percent(v.meanPercent));
    case "memory-over": case "memory-under":
        return cockpit.format(_("95th percentile memory use $0 of $1, peak $2 ($3)."), percent(v.p95Percent), kib(v.allocatedKiB),
            kib(v.maxUsedKiB), percent(v.maxPercent)) + " " +
            (s.kind === "memory-over" && v.guestFigures === 0
                ? _("Figures from the host (the QEMU process' resident memory): the guest reports no balloon statistics.")
                : _("Figures reported by the guest's balloon driver."));
    case "trend-cpu": case "trend-memory":
        return cockpit.format(_("Growing $0 points a day (a straight line explains $1 of the variation); now $2, reaches $3 around $4."),
            number(v.perDayPercent, 2), percent(v.r2 * 100), percent(v.currentPercent), percent(v.limitPercent), day(v.limitAtMs));
    case "io-disk":
        return cockpit.format(_("$0 of the host's disk I/O ($1 on average), among $2 VMs with disk I/O."),
            percent(v.sharePercent), formatBytesPerSecond(v.meanBps, lang()), v.vmsWithIo);
    case "io-network":
        return cockpit.format(_("$0 of the host's network traffic ($1 on average), among $2 VMs with network traffic."),
            percent(v.sharePercent), formatBytesPerSecond(v.meanBps, lang()), v.vmsWithIo);
    }
}

export function suggestionRecommendation(s: Suggestion): string {
    const c = s.change;
    switch (s.kind) {
    case "cpu-low":
        return c?.kind === "vcpus" ? cockpit.format(_("Give it $0: its busiest times would then run at about 60 %."), vcpuCount(c.to)) : "";
    case "cpu-high":
        return c?.kind === "vcpus" ? cockpit.format(_("Give it $0, or move work off this VM."), vcpuCount(c.to))
            : cockpit.format(_("It already has at least as many vCPUs as the host has CPUs ($0): move work off this VM, or move the VM to a larger host."),
                s.evidence.values.hostCpus ?? s.evidence.values.vcpus);
    case "cpu-spikes":
        return _("Keep its vCPUs: the spikes are short. If they matter, look at what runs at those times (scheduled jobs, backups).");
    case "memory-over":
        return c?.kind === "memory" ? cockpit.format(_("Give it $0: that still leaves room above its peak."), kib(c.toKiB)) : "";
    case "memory-under":
        return c?.kind === "memory" ? cockpit.format(_("Give it $0, so the guest does not swap or run out of memory."), kib(c.toKiB)) : "";
    case "trend-cpu":
        return cockpit.format(_("Plan more vCPUs before $0, or find out what keeps growing."), day(s.evidence.values.limitAtMs));
    case "trend-memory":
        return cockpit.format(_("Plan more memory before $0, or find out what keeps growing."), day(s.evidence.values.limitAtMs));
    case "io-disk":
        return _("Put its busiest disk on separate storage, or set an I/O limit (virsh blkdeviotune) so the other VMs keep their share.");
    case "io-network":
        return _("Give it a network interface or bridge of its own, or set a bandwidth limit (virsh domiftune).");
    }
}

export function notEnoughData(coverage: Coverage): string {
    return cockpit.format(_("Not enough data yet ($0 of $1 hours)"), number(coverage.dataHours), number(coverage.requiredHours));
}
