// From `virsh domstats --raw` text to one tick's usage: parsing, rate math, counter resets, VMs that
// appear or vanish, and the journal line that carries it all.
import { parseDomainStats, type DomainSample } from "../../src/core/domain-stats";
import { MAX_RATE_INTERVAL_MS, buildTickRecord, isCounterReset } from "../../src/core/metrics/rates";
import { decodeTickRecord, encodeTickRecord, type TickRecord } from "../../src/core/metrics/tick-record";
import { DOMAIN_IDS_MARKER, parseCollectOutput, parseVirshDomstats } from "../../src/core/metrics/virsh-domstats";

interface Counters {
    state?: number;
    cpuNs: number;
    vcpus?: number;
    rd?: number;
    wr?: number;
    rx?: number;
    tx?: number;
    rssKiB?: number;
}

function domstatsText(vms: Record<string, Counters>): string {
    return Object.entries(vms).map(([name, c]) => [
        `Domain: '${name}'`,
        `  state.state=${c.state ?? 1}`,
        "  state.reason=1",
        `  cpu.time=${c.cpuNs}`,
        "  balloon.current=1048576",
        "  balloon.maximum=2097152",
        `  balloon.rss=${c.rssKiB ?? 524288}`,
        `  vcpu.current=${c.vcpus ?? 2}`,
        `  vcpu.maximum=${c.vcpus ?? 2}`,
        "  net.count=1",
        "  net.0.name=vnet0",
        `  net.0.rx.bytes=${c.rx ?? 0}`,
        `  net.0.tx.bytes=${c.tx ?? 0}`,
        "  block.count=1",
        "  block.0.name=vda",
        "  block.0.path=/var/lib/libvirt/images/a=b.qcow2",
        `  block.0.rd.bytes=${c.rd ?? 0}`,
        `  block.0.wr.bytes=${c.wr ?? 0}`,
        "",
    ].join("\n")).join("\n");
}

function samplesOf(vms: Record<string, Counters>): DomainSample[] {
    return parseVirshDomstats(domstatsText(vms)).map(e => parseDomainStats(e.name, e.record));
}

const T0 = Date.UTC(2025, 0, 31, 12, 0, 0);

describe("parseVirshDomstats", () => {
    test("reads names with quotes, spaces, $() and unicode, and values that contain '='", () => {
        const name = `it's "odd" $(rm -rf /) ü 日本 --help`;
        const entries = parseVirshDomstats(domstatsText({ [name]: { cpuNs: 5 }, plain: { cpuNs: 7 } }));
        expect(entries.map(e => e.name)).toEqual([name, "plain"]);
        expect(entries[0].record["block.0.path"]).toBe("/var/lib/libvirt/images/a=b.qcow2");
        expect(entries[1].record["cpu.time"]).toBe("7");
    });
    test("empty output (no VMs) gives no entries", () => {
        expect(parseVirshDomstats("")).toEqual([]);
        expect(parseVirshDomstats("\n")).toEqual([]);
    });
});

describe("parseCollectOutput", () => {
    test("domstats, then the marker, then 'ID NAME' lines; inactive VMs have no ID", () => {
        const text = domstatsText({ "a b": { cpuNs: 1 }, "c": { cpuNs: 0, state: 5 } }) +
            `${DOMAIN_IDS_MARKER}\n 7 a b\n- c\n12 it's $(x) 日本\n\n`;
        const out = parseCollectOutput(text);
        expect(out.domstats.map(e => e.name)).toEqual(["a b", "c"]);
        expect([...out.domainIds]).toEqual([["a b", 7], ["it's $(x) 日本", 12]]);
    });
    test("without the marker everything is domstats and no ID is known", () => {
        const out = parseCollectOutput(domstatsText({ a: { cpuNs: 1 } }));
        expect(out.domstats).toHaveLength(1);
        expect(out.domainIds.size).toBe(0);
    });
});

describe("buildTickRecord", () => {
    const first = buildTickRecord(null, T0, samplesOf({ a: { cpuNs: 10e9, rd: 1000, wr: 0, rx: 500, tx: 0 } }));

    test("the first sample has memory but no rates", () => {
        expect(first.vms).toHaveLength(1);
        const u = first.vms[0].usage;
        expect(u.memoryUsedKiB).toBe(524288);
        expect(u.memoryPercent).toBeCloseTo(50);
        expect(u.cpuPercent).toBeNull();
        expect(u.diskReadBps).toBeNull();
        expect(u.netRxBps).toBeNull();
    });

    test("CPU % is delta cpu.time over wall time and vCPUs; bytes become bytes per second", () => {
        // 30 s later: 15 s of CPU on 2 vCPUs = 25 %; 30 MB read = 1 MB/s.
        const next = buildTickRecord(first, T0 + 30_000,
            samplesOf({ a: { cpuNs: 25e9, rd: 1000 + 30e6, wr: 3e6, rx: 500 + 3000, tx: 60 } }));
        const u = next.vms[0].usage;
        expect(u.cpuPercent).toBeCloseTo(25);
        expect(u.diskReadBps).toBeCloseTo(1e6);
        expect(u.diskWriteBps).toBeCloseTo(1e5);
        expect(u.netRxBps).toBeCloseTo(100);
        expect(u.netTxBps).toBeCloseTo(2);
    });

    test("a counter that went back (the VM restarted) gives no rates for that tick, only memory", () => {
        const next = buildTickRecord(first, T0 + 30_000, samplesOf({ a: { cpuNs: 2e9, rd: 50, rx: 10 } }));
        const u = next.vms[0].usage;
        expect(u.cpuPercent).toBeNull();
        expect(u.diskReadBps).toBeNull();
        expect(u.netRxBps).toBeNull();
        expect(u.memoryUsedKiB).toBe(524288);
        // ... and the tick after that has rates again, from the new counters.
        const after = buildTickRecord(next, T0 + 60_000, samplesOf({ a: { cpuNs: 2e9 + 3e9, rd: 50, rx: 10 } }));
        expect(after.vms[0].usage.cpuPercent).toBeCloseTo(5);
    });

    test("a restart is caught by the new domain ID even when every counter grew", () => {
        const withId = buildTickRecord(null, T0, samplesOf({ a: { cpuNs: 1e9, rd: 100 } }), new Map([["a", 5]]));
        expect(withId.vms[0].id).toBe(5);
        // A busy boot: more CPU and more reads than before the restart, within one tick.
        const sameId = buildTickRecord(withId, T0 + 30_000, samplesOf({ a: { cpuNs: 3e9, rd: 200 } }), new Map([["a", 5]]));
        expect(sameId.vms[0].usage.cpuPercent).toBeCloseTo(100 * 2 / 60);
        const restarted = buildTickRecord(withId, T0 + 30_000, samplesOf({ a: { cpuNs: 3e9, rd: 200 } }), new Map([["a", 6]]));
        expect(restarted.vms[0].usage.cpuPercent).toBeNull();
        expect(restarted.vms[0].usage.diskReadBps).toBeNull();
        expect(restarted.vms[0].id).toBe(6);
    });

    test("a restart whose new counters already passed the old ones is caught by impossible CPU time", () => {
        // 30 s on 2 vCPUs allows at most 60 s of CPU; 100 s more cannot be one process.
        const next = buildTickRecord(first, T0 + 30_000, samplesOf({ a: { cpuNs: 110e9, rd: 5000, rx: 600 } }));
        expect(next.vms[0].usage.cpuPercent).toBeNull();
        expect(next.vms[0].usage.diskReadBps).toBeNull();
    });

    test("a VM that appears gets memory only; one that vanishes just ends; one shut off is left out", () => {
        const next = buildTickRecord(first, T0 + 30_000, samplesOf({
            b: { cpuNs: 1e9 },
            c: { cpuNs: 0, state: 5 },
        }));
        expect(next.vms.map(v => v.name)).toEqual(["b"]);
        expect(next.vms[0].usage.cpuPercent).toBeNull();
        expect(next.vms[0].usage.memoryUsedKiB).toBe(524288);
    });

    test("after a gap longer than the rate interval (collector or libvirtd down) there are no rates", () => {
        const counters = { cpuNs: 20e9, rd: 1000, rx: 500 };
        const late = buildTickRecord(first, T0 + MAX_RATE_INTERVAL_MS + 1, samplesOf({ a: counters }));
        expect(late.vms[0].usage.cpuPercent).toBeNull();
        const onTime = buildTickRecord(first, T0 + MAX_RATE_INTERVAL_MS, samplesOf({ a: counters }));
        expect(onTime.vms[0].usage.cpuPercent).not.toBeNull();
    });

    test("a clock that went backwards gives no rates instead of negative ones", () => {
        const back = buildTickRecord(first, T0 - 30_000, samplesOf({ a: { cpuNs: 20e9 } }));
        expect(back.vms[0].usage.cpuPercent).toBeNull();
    });

    test("isCounterReset looks at every device", () => {
        const prev = first.vms[0];
        const [cur] = samplesOf({ a: { cpuNs: 11e9, rd: 1000, rx: 100 } });
        expect(isCounterReset(prev, cur, 30_000)).toBe(true);
        const [fine] = samplesOf({ a: { cpuNs: 11e9, rd: 2000, rx: 600 } });
        expect(isCounterReset(prev, fine, 30_000)).toBe(false);
    });
});

describe("tick records", () => {
    const name = "b 'q' \"d\" $(x) ü";
    const record: TickRecord = buildTickRecord(
        buildTickRecord(null, T0, samplesOf({ [name]: { cpuNs: 1e9 } })),
        T0 + 30_000, samplesOf({ [name]: { cpuNs: 4e9, rd: 10 } }));

    test("one record is one line and reads back as it was written (metrics rounded)", () => {
        const line = encodeTickRecord(record);
        expect(line).not.toContain("\n");
        const decoded = decodeTickRecord(line);
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(decoded.record.t).toBe(record.t);
        expect(decoded.record.vms[0].name).toBe(name);
        expect(decoded.record.vms[0].usage.cpuPercent).toBeCloseTo(5, 2);
        expect(decoded.record.vms[0].disks).toEqual(record.vms[0].disks);
    });

    test("version 1 lines (before the domain ID) still read, without an ID", () => {
        const v1 = JSON.stringify({ v: 1, t: T0, vms: [["a", 5e9, 2, [["vda", 1, 2]], [], 12.5, 1000, 50, 0, 0, null, null]] });
        const decoded = decodeTickRecord(v1);
        expect(decoded.ok && decoded.record.vms[0]).toMatchObject({ name: "a", id: null, cpuTimeNs: 5e9, vcpus: 2 });
        expect(decoded.ok && decoded.record.vms[0].usage.cpuPercent).toBe(12.5);
    });

    test("a name with a newline still makes one line", () => {
        const odd: TickRecord = { t: T0, vms: [{ ...record.vms[0], name: "a\nb" }] };
        const line = encodeTickRecord(odd);
        expect(line).not.toContain("\n");
        const decoded = decodeTickRecord(line);
        expect(decoded.ok && decoded.record.vms[0].name).toBe("a\nb");
    });

    test("a torn line, a foreign line or another version is refused with a reason, never thrown", () => {
        const line = encodeTickRecord(record);
        for (const bad of [line.slice(0, line.length - 5), "garbage", "{}", line.replace('"v":2', '"v":99'), "[1,2]", "null"]) {
            const decoded = decodeTickRecord(bad);
            expect(decoded.ok).toBe(false);
        }
    });
});
