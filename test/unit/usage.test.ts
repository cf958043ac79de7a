import { parseDomainStats } from "../../src/core/domain-stats";
import { computeUsage, counterRate, cpuPercent } from "../../src/core/usage";

function sampleAt(atMs: number, fields: Record<string, number>) {
    return {
        atMs,
        sample: parseDomainStats("vm", {
            "state.state": 1, "vcpu.current": 2, "balloon.current": 1000, "balloon.maximum": 2000, "balloon.rss": 500,
            "block.count": 1, "block.0.name": "vda", "net.count": 1, "net.0.name": "vnet0",
            ...fields,
        }),
    };
}

describe("cpuPercent", () => {
    test("delta cpu time over wall time and vCPUs", () => {
        // 1 s of CPU over 1 s on 2 vCPUs = 50 %
        expect(cpuPercent(0, 1e9, 1000, 2)).toBeCloseTo(50);
    });
    test("counter reset gives no value, not a negative one", () => {
        expect(cpuPercent(5e9, 1e8, 1000, 1)).toBeNull();
    });
    test("jitter above 100 % is clamped", () => {
        expect(cpuPercent(0, 1.05e9, 1000, 1)).toBe(100);
    });
    test("no elapsed time or no vCPUs gives no value", () => {
        expect(cpuPercent(0, 1e9, 0, 1)).toBeNull();
        expect(cpuPercent(0, 1e9, 1000, 0)).toBeNull();
    });
});

describe("counterRate", () => {
    test("bytes per second", () => {
        expect(counterRate(1000, 6000, 5000)).toBe(1000);
    });
    test("reset", () => {
        expect(counterRate(6000, 10, 5000)).toBeNull();
    });
});

describe("computeUsage", () => {
    test("first sample: memory only", () => {
        const usage = computeUsage(undefined, sampleAt(0, { "cpu.time": 1e9 }));
        expect(usage.cpuPercent).toBeNull();
        expect(usage.memoryUsedKiB).toBe(500);
        expect(usage.memoryPercent).toBeCloseTo(50);
    });

    test("rates from two samples", () => {
        const a = sampleAt(0, { "cpu.time": 0, "block.0.rd.bytes": 0, "block.0.wr.bytes": 0, "net.0.rx.bytes": 0, "net.0.tx.bytes": 0 });
        const b = sampleAt(2000, {
            "cpu.time": 1e9, "block.0.rd.bytes": 4096, "block.0.wr.bytes": 8192, "net.0.rx.bytes": 200, "net.0.tx.bytes": 100,
        });
        const usage = computeUsage(a, b);
        expect(usage.cpuPercent).toBeCloseTo(25);
        expect(usage.diskReadBps).toBe(2048);
        expect(usage.diskWriteBps).toBe(4096);
        expect(usage.netRxBps).toBe(100);
        expect(usage.netTxBps).toBe(50);
    });

    test("a VM restarted between samples: counters went back, no rates", () => {
        const a = sampleAt(0, { "cpu.time": 9e9, "block.0.rd.bytes": 1e6, "net.0.rx.bytes": 1e6 });
        const b = sampleAt(5000, { "cpu.time": 1e8, "block.0.rd.bytes": 10, "net.0.rx.bytes": 10 });
        const usage = computeUsage(a, b);
        expect(usage.cpuPercent).toBeNull();
        expect(usage.diskReadBps).toBeNull();
        expect(usage.netRxBps).toBeNull();
    });

    test("a VM that was off in the previous sample gets no CPU figure yet", () => {
        const off = { atMs: 0, sample: parseDomainStats("vm", { "state.state": 5, "cpu.time": 3e8 }) };
        const usage = computeUsage(off, sampleAt(5000, { "cpu.time": 1e9 }));
        expect(usage.cpuPercent).toBeNull();
    });
});
