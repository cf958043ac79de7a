// The insights rules on crafted series: each suggestion, its thresholds from both sides, gaps (nulls,
// buckets without samples), counter resets (a bucket with samples but no rate), too little history,
// and the summary the helper answers.
import { AFFECT_CONFIG, AFFECT_LIVE, SET_MAXIMUM, planSizeChange, type SizeNow } from "../../src/core/insights/apply-plan";
import { cpuSuggestions, vcpusNeeded } from "../../src/core/insights/cpu";
import { historiesFromRows } from "../../src/core/insights/histories";
import { cpusFromCpuinfo, memTotalKiB } from "../../src/core/insights/host-resources";
import { bytesMoved, ioHotspots } from "../../src/core/insights/io-hotspots";
import { memorySizeFor, memorySuggestions } from "../../src/core/insights/memory";
import { coverage, linearFit, percentile, points } from "../../src/core/insights/series-stats";
import { buildInsights, insightsForVm, vmConfigFromStats, type InsightsInput } from "../../src/core/insights/summary";
import { trendSuggestions } from "../../src/core/insights/trends";
import type { VmConfig, VmHistory } from "../../src/core/insights/types";
import { buildHistoryResponse, historyWindowForRange } from "../../src/core/metrics/history";
import { METRIC_NAMES, emptyMetricValues, type BucketRow, type MetricName } from "../../src/core/metrics/rollup";
import { DAY_MS, HOUR_MS } from "../../src/core/metrics/tiers";

const STEP = 30 * 60_000;
const END = Date.UTC(2026, 10, 26, 12);
const GIB = 1024 * 1024;

type Gen = (i: number) => number | null;

// A VM's history of `buckets` 30-minute buckets ending at END; each metric's avg (and max, default the
// avg) comes from a function of the bucket index; null is a gap. samples: 60 per full bucket unless
// the generator says otherwise.
function history(vm: string, buckets: number, avg: Partial<Record<MetricName, Gen>>,
    max: Partial<Record<MetricName, Gen>> = {}, samples: Gen = () => 60): VmHistory {
    const startMs = END - buckets * STEP;
    const series = Object.fromEntries(METRIC_NAMES.map(m => [m, {
        avg: Array.from({ length: buckets }, (_, i) => avg[m]?.(i) ?? null),
        max: Array.from({ length: buckets }, (_, i) => (max[m] ?? avg[m])?.(i) ?? null),
    }])) as VmHistory["series"];
    return {
        vm, stepMs: STEP, startMs, endMs: END, timestamps: Array.from({ length: buckets }, (_, i) => startMs + i * STEP),
        series, samples: Array.from({ length: buckets }, (_, i) => samples(i) ?? 0),
    };
}

function config(name: string, over: Partial<VmConfig> = {}): VmConfig {
    return { name, active: true, vcpus: 4, maxVcpus: 4, memoryKiB: 8 * GIB, maxMemoryKiB: 8 * GIB, memorySource: "guest", ...over };
}

const DAY_BUCKETS = 48;

describe("series statistics", () => {
    test("percentile is nearest-rank over the values", () => {
        expect(percentile([], 95)).toBeNull();
        expect(percentile([5], 95)).toBe(5);
        const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
        expect(percentile(hundred, 95)).toBe(95);
        expect(percentile([...hundred].reverse(), 50)).toBe(50);
    });

    test("gaps and buckets without samples are left out, never read as zero", () => {
        const h = history("a", 4, { cpuPercent: i => [50, null, 70, 90][i] }, {}, i => (i === 2 ? 0 : 60));
        expect(points(h, "cpuPercent").map(p => p.value)).toEqual([50, 90]);
    });

    test("coverage counts samples, half a range (at most 3 days) is needed", () => {
        const h = history("a", 2 * DAY_BUCKETS, { cpuPercent: () => 10 }, {}, i => (i < 20 ? 60 : 0));
        expect(coverage(h)).toEqual({ dataHours: 10, requiredHours: 24, enough: false });
        const month = history("b", 30 * DAY_BUCKETS, { cpuPercent: () => 10 }, {}, i => (i >= 30 * DAY_BUCKETS - 3 * DAY_BUCKETS ? 60 : 0));
        expect(coverage(month)).toEqual({ dataHours: 72, requiredHours: 72, enough: true });
    });

    test("a linear fit finds slope and r²; one time alone gives none", () => {
        const pts = [0, 1, 2, 3].map(i => ({ tsMs: END + i * HOUR_MS, value: 10 + 2 * i, weight: 1 }));
        const fit = linearFit(pts);
        expect(fit?.slope).toBeCloseTo(2 / HOUR_MS, 15);
        expect(fit?.r2).toBeCloseTo(1, 10);
        expect(linearFit([pts[0], { ...pts[0], value: 3 }])).toBeNull();
    });
});

describe("CPU", () => {
    test("sustained low use: fewer vCPUs, saying how many", () => {
        const h = history("quiet", DAY_BUCKETS, { cpuPercent: i => 5 + (i % 10) });
        const [s] = cpuSuggestions(h, config("quiet", { vcpus: 8 }), 24, 16);
        expect(s).toMatchObject({ kind: "cpu-low", severity: "info", change: { kind: "vcpus", from: 8, to: 2 } });
        expect(s.evidence).toMatchObject({ startMs: END - DAY_MS, endMs: END, dataHours: 24, values: { p95Percent: 14, vcpus: 8 } });
    });

    test("low use on one vCPU, or a p95 at the threshold, suggests nothing", () => {
        expect(cpuSuggestions(history("one", DAY_BUCKETS, { cpuPercent: () => 3 }), config("one", { vcpus: 1 }), 24, 4)).toEqual([]);
        expect(cpuSuggestions(history("at", DAY_BUCKETS, { cpuPercent: () => 20 }), config("at"), 24, 4)).toEqual([]);
    });

    test("high use: more vCPUs, critical near 100 %, never more than the host has (then no change, only the advice)", () => {
        const h = history("busy", DAY_BUCKETS, { cpuPercent: () => 85 });
        expect(cpuSuggestions(h, config("busy", { vcpus: 2 }), 24, 16)[0]).toMatchObject({
            kind: "cpu-high", severity: "warning", change: { from: 2, to: 3 },
        });
        const full = history("full", DAY_BUCKETS, { cpuPercent: () => 99 });
        expect(cpuSuggestions(full, config("full", { vcpus: 4 }), 24, 16)[0]).toMatchObject({ severity: "critical", change: { to: 7 } });
        expect(cpuSuggestions(full, config("full", { vcpus: 4 }), 24, 6)[0]).toMatchObject({ change: { to: 6 } });
        expect(cpuSuggestions(full, config("full", { vcpus: 4 }), 24, 4)[0]).toMatchObject({
            kind: "cpu-high", change: null, evidence: { values: { hostCpus: 4 } },
        });
        expect(cpuSuggestions(history("edge", DAY_BUCKETS, { cpuPercent: () => 80 }), config("edge"), 24, 16)).toEqual([]);
    });

    test("a counter reset (samples but no rate) is a gap, not an idle bucket", () => {
        // Every 4th bucket is a VM restart: the collector has samples but no CPU rate there.
        const h = history("restarts", DAY_BUCKETS, { cpuPercent: i => (i % 4 === 0 ? null : 90), memoryPercent: () => 50 });
        expect(cpuSuggestions(h, config("restarts", { vcpus: 2 }), 24, 16)[0]).toMatchObject({ kind: "cpu-high", evidence: { values: { p95Percent: 90, meanPercent: 90 } } });
    });

    test("spikes: a peak over 90 % while the average is low; beside 'fewer vCPUs' when use is low", () => {
        const h = history("spiky", DAY_BUCKETS, { cpuPercent: () => 25 }, { cpuPercent: i => (i === 10 || i === 30 ? 97 : 30) });
        const [s] = cpuSuggestions(h, config("spiky"), 24, 16);
        expect(s).toMatchObject({ kind: "cpu-spikes", change: null, evidence: { values: { maxPercent: 97, spikeBuckets: 2, lastSpikeMs: END - 18 * STEP } } });
        const quiet = history("quiet-spiky", DAY_BUCKETS, { cpuPercent: () => 4 }, { cpuPercent: i => (i === 5 ? 95 : 6) });
        expect(cpuSuggestions(quiet, config("quiet-spiky"), 24, 16).map(x => x.kind)).toEqual(["cpu-low", "cpu-spikes"]);
        const steady = history("steady", DAY_BUCKETS, { cpuPercent: () => 40 }, { cpuPercent: () => 95 });
        expect(cpuSuggestions(steady, config("steady"), 24, 16)).toEqual([]);
    });

    test("vCPUs needed leave the p95 at about 60 %", () => {
        expect(vcpusNeeded(8, 15)).toBe(2);
        expect(vcpusNeeded(4, 60)).toBe(4);
        expect(vcpusNeeded(4, 0)).toBe(1);
    });
});

describe("memory", () => {
    test("under-allocation from guest figures: a larger size, critical when it reached the top", () => {
        const h = history("tight", DAY_BUCKETS, { memoryPercent: () => 93, memoryUsedKiB: () => 0.93 * 4 * GIB },
            { memoryPercent: () => 99, memoryUsedKiB: () => 0.99 * 4 * GIB });
        const [s] = memorySuggestions(h, config("tight", { memoryKiB: 4 * GIB }), 24, 64 * GIB);
        expect(s).toMatchObject({ kind: "memory-under", severity: "critical", change: { kind: "memory", fromKiB: 4 * GIB, toKiB: memorySizeFor(0.99 * 4 * GIB) } });
        expect(s.change).toMatchObject({ toKiB: 5.75 * GIB });
    });

    test("host RSS alone never says 'too little'", () => {
        const h = history("rss", DAY_BUCKETS, { memoryPercent: () => 97, memoryUsedKiB: () => 0.97 * 4 * GIB });
        expect(memorySuggestions(h, config("rss", { memoryKiB: 4 * GIB, memorySource: "rss" }), 24, 64 * GIB)).toEqual([]);
    });

    test("over-allocation: a smaller size from the peak; small savings are not suggested", () => {
        const h = history("roomy", DAY_BUCKETS, { memoryPercent: () => 12, memoryUsedKiB: () => GIB }, { memoryPercent: () => 15, memoryUsedKiB: () => 1.2 * GIB });
        const [s] = memorySuggestions(h, config("roomy", { memoryKiB: 8 * GIB, memorySource: "rss" }), 24, 64 * GIB);
        expect(s).toMatchObject({ kind: "memory-over", severity: "info", change: { fromKiB: 8 * GIB, toKiB: 1.75 * GIB }, evidence: { values: { guestFigures: 0 } } });
        const close = history("close", DAY_BUCKETS, { memoryPercent: () => 35, memoryUsedKiB: () => 1.4 * GIB });
        expect(memorySuggestions(close, config("close", { memoryKiB: 2 * GIB }), 24, 64 * GIB)).toEqual([]);
    });

    test("never below 512 MiB, and nothing without history or a size", () => {
        expect(memorySizeFor(10_000)).toBe(512 * 1024);
        expect(memorySuggestions(history("none", DAY_BUCKETS, {}), config("none"), 24, null)).toEqual([]);
        const h = history("nosize", DAY_BUCKETS, { memoryPercent: () => 5, memoryUsedKiB: () => GIB });
        expect(memorySuggestions(h, config("nosize", { memoryKiB: null }), 24, null)).toEqual([]);
    });
});

describe("trends", () => {
    const week = 7 * DAY_BUCKETS;

    test("steady CPU growth: the date it reaches 80 %", () => {
        // 20 % a week ago, +5 % a day: 55 % now, 80 % in five days.
        const h = history("growing", week, { cpuPercent: i => 20 + 5 * (i + 0.5) / DAY_BUCKETS });
        const [s] = trendSuggestions(h, config("growing"), 168);
        expect(s.kind).toBe("trend-cpu");
        expect(s.severity).toBe("warning");
        expect(s.evidence.values.perDayPercent).toBeCloseTo(5, 5);
        expect(Math.abs(s.evidence.values.limitAtMs - (END + 5 * DAY_MS - STEP / 2))).toBeLessThan(60_000);
    });

    test("growth across gaps still fits; a daily rhythm is no trend", () => {
        const gappy = history("gappy", week, { cpuPercent: i => (i % 48 < 16 ? null : 10 + 1 * i / DAY_BUCKETS) });
        const [s] = trendSuggestions(gappy, config("gappy"), 100);
        expect(s).toMatchObject({ kind: "trend-cpu", severity: "info" });
        const rhythm = history("rhythm", week, { cpuPercent: i => 40 + 30 * Math.sin(i / DAY_BUCKETS * 2 * Math.PI) });
        expect(trendSuggestions(rhythm, config("rhythm"), 168)).toEqual([]);
    });

    test("memory trends only from guest figures; less than a day or far away is no trend", () => {
        const mem = history("mem", week, { memoryPercent: i => 50 + 2 * i / DAY_BUCKETS });
        expect(trendSuggestions(mem, config("mem"), 168).map(s => s.kind)).toEqual(["trend-memory"]);
        expect(trendSuggestions(mem, config("mem", { memorySource: "rss" }), 168)).toEqual([]);
        const short = history("short", 40, { cpuPercent: i => 10 + i });
        expect(trendSuggestions(short, config("short"), 20)).toEqual([]);
        const slow = history("slow", week, { cpuPercent: i => 10 + 0.1 * i / DAY_BUCKETS });
        expect(trendSuggestions(slow, config("slow"), 168)).toEqual([]);
    });
});

describe("I/O hot spots", () => {
    const MIB = 1024 * 1024;

    test("bytes moved skip gaps and counter resets", () => {
        const h = history("a", 4, { diskReadBps: i => [MIB, null, MIB, 2 * MIB][i], diskWriteBps: () => null }, {}, i => (i === 3 ? 30 : 60));
        // Buckets 0 and 2: 60 samples of 30 s at 1 MiB/s; bucket 3: 30 samples at 2 MiB/s.
        expect(bytesMoved(h, ["diskReadBps", "diskWriteBps"])).toEqual({ bytes: 2 * 1800 * MIB + 900 * 2 * MIB, seconds: 4500 });
    });

    test("the VM that moves most of the host's bytes, with its share", () => {
        const hot = history("hot", DAY_BUCKETS, { diskWriteBps: () => 30 * MIB, netRxBps: () => 1000 });
        const cold = history("cold", DAY_BUCKETS, { diskWriteBps: () => 5 * MIB, netRxBps: () => 1000 });
        const idle = history("idle", DAY_BUCKETS, { diskWriteBps: () => 5 * MIB, netTxBps: () => 900 });
        const found = ioHotspots([hot, cold, idle], new Map([["hot", 24]]));
        expect(found).toHaveLength(1);
        expect(found[0]).toMatchObject({ vm: "hot", kind: "io-disk", severity: "warning", evidence: { dataHours: 24, values: { sharePercent: 75, vmsWithIo: 3 } } });
    });

    test("one busy VM alone, or a big share of very little, is no hot spot", () => {
        const only = history("only", DAY_BUCKETS, { diskWriteBps: () => 100 * MIB });
        expect(ioHotspots([only, history("off", DAY_BUCKETS, {}, {}, () => 0)], new Map())).toEqual([]);
        const small = history("small", DAY_BUCKETS, { netTxBps: () => 500_000 });
        expect(ioHotspots([small, history("tiny", DAY_BUCKETS, { netTxBps: () => 1 })], new Map())).toEqual([]);
    });
});

describe("summary", () => {
    const window = { startMs: END - DAY_MS, endMs: END, stepMs: STEP };
    const input = (over: Partial<InsightsInput> = {}): InsightsInput => ({
        range: "24h", window,
        histories: [
            history("busy", DAY_BUCKETS, { cpuPercent: () => 99, memoryPercent: () => 50, memoryUsedKiB: () => 4 * GIB }),
            history("new", DAY_BUCKETS, { cpuPercent: () => 99 }, {}, i => (i >= 44 ? 60 : 0)),
            history("quiet", DAY_BUCKETS, { cpuPercent: () => 2, memoryPercent: () => 10, memoryUsedKiB: () => 0.8 * GIB }),
        ],
        configs: [config("busy", { vcpus: 2 }), config("new"), config("quiet", { vcpus: 8 }), config("off", { active: false, vcpus: 2, memoryKiB: 2 * GIB })],
        host: { cpus: 8, memoryKiB: 16 * GIB },
        asOfMs: END,
        ...over,
    });

    test("counts, most severe first, and 'not enough data' instead of a guess", () => {
        const r = buildInsights(input());
        expect(r.counts).toEqual({ vms: 4, running: 3, notEnoughData: 1, critical: 1, warning: 0, info: 2 });
        expect(r.suggestions.map(s => `${s.vm}/${s.kind}`)).toEqual(["busy/cpu-high", "quiet/cpu-low", "quiet/memory-over"]);
        expect(r.vms.find(v => v.vm === "new")).toMatchObject({ coverage: { dataHours: 2, requiredHours: 12, enough: false }, suggestions: [] });
        expect(r.vms.find(v => v.vm === "off")).toMatchObject({ coverage: { dataHours: 0, enough: false }, suggestions: [] });
    });

    test("host capacity and overcommit", () => {
        expect(buildInsights(input()).host).toEqual({
            cpus: 8, memoryKiB: 16 * GIB, vcpusAllocated: 16, vcpusRunning: 14, memoryAllocatedKiB: 26 * GIB, memoryRunningKiB: 24 * GIB,
            cpuOvercommit: 2, memoryOvercommit: 26 / 16,
        });
        expect(buildInsights(input({ host: { cpus: null, memoryKiB: null } })).host).toMatchObject({ cpuOvercommit: null, memoryOvercommit: null });
    });

    test("top VMs by CPU in vCPUs busy over the whole range, with small series", () => {
        const r = buildInsights(input());
        expect(r.top.cpu.map(t => [t.vm, Number(t.mean.toFixed(2))])).toEqual([["busy", 1.98], ["new", 0.33], ["quiet", 0.16]]);
        expect(r.top.timestamps).toHaveLength(48);
        expect(r.top.cpu[1].series.filter(v => v !== null)).toHaveLength(4);
        expect(r.top.disk).toEqual([]);
    });

    test("no VM sizes (libvirt unreachable): history still counted, no suggestions", () => {
        const r = buildInsights(input({ configs: [], warnings: ["no libvirt"] }));
        expect(r.suggestions).toEqual([]);
        expect(r.counts.vms).toBe(0);
        expect(r.top.cpu.map(t => t.vm)).toEqual(["busy", "new", "quiet"]);
        expect(r.warnings).toEqual(["no libvirt"]);
    });

    test("one VM's answer keeps its I/O share against all", () => {
        const MIB = 1024 * 1024;
        const r = buildInsights(input({
            histories: [
                history("a", DAY_BUCKETS, { diskReadBps: () => 9 * MIB, cpuPercent: () => 50 }),
                history("b", DAY_BUCKETS, { diskReadBps: () => MIB, cpuPercent: () => 50 }),
            ],
            configs: [config("a"), config("b")],
        }));
        const a = insightsForVm(r, "a");
        expect(a.vms.map(v => v.vm)).toEqual(["a"]);
        expect(a.suggestions).toMatchObject([{ kind: "io-disk", evidence: { values: { sharePercent: 90 } } }]);
        expect(a.counts).toEqual(r.counts);
    });

    test("reads the history helper's format: rows rolled up into the range's buckets, gaps as null", () => {
        const window24 = historyWindowForRange("24h", END - 1);
        const rows: BucketRow[] = [];
        for (let t = window24.startMs; t < window24.endMs; t += 60_000) {
            if (t > window24.startMs + 6 * HOUR_MS && t < window24.startMs + 8 * HOUR_MS) continue; // off for two hours
            const avg = emptyMetricValues();
            avg.cpuPercent = 3;
            rows.push({ vm: "v", tsMs: t, n: 2, avg, max: avg });
        }
        const h = buildHistoryResponse("v", "24h", window24, rows);
        const r = buildInsights({ range: "24h", window: window24, histories: [h], configs: [config("v")], host: { cpus: 4, memoryKiB: 16 * GIB }, asOfMs: END - 1 });
        expect(r.vms[0].coverage.dataHours).toBeCloseTo(22, 1);
        expect(r.suggestions).toMatchObject([{ kind: "cpu-low", change: { from: 4, to: 1 } }]);
        // The last bucket runs past the time of the answer; the evidence ends there.
        expect(window24.endMs).toBeGreaterThan(END - 1);
        expect(r.suggestions[0].evidence).toMatchObject({ startMs: window24.startMs, endMs: END - 1 });
    });
});

describe("host and VM sizes", () => {
    test("/proc figures", () => {
        expect(cpusFromCpuinfo("processor\t: 0\nmodel name\t: x\n\nprocessor\t: 1\n")).toBe(2);
        expect(cpusFromCpuinfo("garbage")).toBeNull();
        expect(memTotalKiB("MemTotal:       24685092 kB\nMemFree: 1 kB\n")).toBe(24685092);
        expect(memTotalKiB("")).toBeNull();
    });

    test("a virsh domstats record: running with guest figures, shut off from its definition", () => {
        expect(vmConfigFromStats("a 'b'", {
            "state.state": "1", "balloon.current": "2097152", "balloon.maximum": "4194304", "balloon.available": "2000000",
            "balloon.usable": "1000000", "vcpu.current": "2", "vcpu.maximum": "4",
        })).toEqual({ name: "a 'b'", active: true, vcpus: 2, maxVcpus: 4, memoryKiB: 2097152, maxMemoryKiB: 4194304, memorySource: "guest" });
        expect(vmConfigFromStats("off", { "state.state": "5", "balloon.current": "65536", "balloon.maximum": "65536", "vcpu.current": "1", "vcpu.maximum": "1" }))
            .toEqual({ name: "off", active: false, vcpus: 1, maxVcpus: 1, memoryKiB: 65536, maxMemoryKiB: 65536, memorySource: null });
    });
});

describe("applying a size change", () => {
    const off: SizeNow = { config: { vcpus: 2, maxVcpus: 4, memoryKiB: 2 * GIB, maxMemoryKiB: 4 * GIB }, live: null };
    const running: SizeNow = { ...off, live: { vcpus: 2, maxVcpus: 4, memoryKiB: 2 * GIB, maxMemoryKiB: 4 * GIB } };

    test("a VM that is off: the persistent definition only, raising the maximum first when needed", () => {
        expect(planSizeChange({ kind: "vcpus", from: 2, to: 3 }, off)).toEqual({
            steps: [{ method: "SetVcpus", value: 3, flags: AFFECT_CONFIG, live: false }], appliesLive: false,
        });
        expect(planSizeChange({ kind: "vcpus", from: 2, to: 6 }, off).steps).toEqual([
            { method: "SetVcpus", value: 6, flags: AFFECT_CONFIG | SET_MAXIMUM, live: false },
            { method: "SetVcpus", value: 6, flags: AFFECT_CONFIG, live: false },
        ]);
        expect(planSizeChange({ kind: "memory", fromKiB: 2 * GIB, toKiB: 6 * GIB }, off).steps.map(s => s.flags)).toEqual([AFFECT_CONFIG | SET_MAXIMUM, AFFECT_CONFIG]);
    });

    test("a running VM: vCPUs hot-plugged up to the maximum, never unplugged", () => {
        expect(planSizeChange({ kind: "vcpus", from: 2, to: 4 }, running)).toMatchObject({
            appliesLive: true, steps: [{ flags: AFFECT_CONFIG }, { method: "SetVcpus", value: 4, flags: AFFECT_LIVE, live: true }],
        });
        expect(planSizeChange({ kind: "vcpus", from: 2, to: 5 }, running).appliesLive).toBe(false);
        expect(planSizeChange({ kind: "vcpus", from: 2, to: 1 }, running)).toEqual({
            steps: [{ method: "SetVcpus", value: 1, flags: AFFECT_CONFIG, live: false }], appliesLive: false,
        });
    });

    test("a running VM: memory ballooned up to its maximum memory", () => {
        expect(planSizeChange({ kind: "memory", fromKiB: 2 * GIB, toKiB: GIB }, running)).toMatchObject({
            appliesLive: true, steps: [{ flags: AFFECT_CONFIG }, { value: GIB, flags: AFFECT_LIVE }],
        });
        expect(planSizeChange({ kind: "memory", fromKiB: 2 * GIB, toKiB: 8 * GIB }, running)).toMatchObject({
            appliesLive: false, steps: [{ flags: AFFECT_CONFIG | SET_MAXIMUM }, { flags: AFFECT_CONFIG }],
        });
    });
});

describe("histories from one read of the store", () => {
    test("the same series as kvm-manager-history's, for every VM, duplicates and gaps included", () => {
        const window = historyWindowForRange("24h", END - 1);
        const rows: BucketRow[] = [];
        const value = (v: number | null) => {
            const x = emptyMetricValues();
            x.cpuPercent = v;
            x.netRxBps = v === null ? null : v * 1000;
            return x;
        };
        for (let t = window.startMs - 60_000; t < window.endMs + 60_000; t += 60_000) {
            if (t % (7 * 60_000) === 0) continue; // gaps
            for (const vm of ["a", "b ü"]) {
                const v = (t / 60_000) % 13;
                rows.push({ vm, tsMs: t, n: 2, avg: value(v % 5 === 0 ? null : v), max: value(v % 5 === 0 ? null : v + 1) });
                // The same bucket read twice (a fold ran meanwhile) and a half-filled one.
                if (v === 3) rows.push({ vm, tsMs: t, n: 1, avg: value(10), max: value(40) });
            }
        }
        const fast = historiesFromRows(rows, window);
        expect(fast.map(h => h.vm)).toEqual(["a", "b ü"]);
        for (const h of fast) {
            const reference = buildHistoryResponse(h.vm, "24h", window, rows);
            expect(h.samples).toEqual(reference.samples);
            expect(h.timestamps).toEqual(reference.timestamps);
            for (const m of METRIC_NAMES) {
                expect(h.series[m].max).toEqual(reference.series[m].max);
                h.series[m].avg.forEach((v, i) => (v === null ? expect(reference.series[m].avg[i]).toBeNull() : expect(v).toBeCloseTo(reference.series[m].avg[i] ?? NaN, 9)));
            }
        }
    });
});
