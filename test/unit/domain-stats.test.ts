import { parseDomainStats, withMissingFromPrevious } from "../../src/core/domain-stats";

const running = {
    "state.state": 1, "state.reason": 1,
    "cpu.time": 5_000_000_000,
    "balloon.current": 65536, "balloon.maximum": 131072, "balloon.rss": 40000,
    "vcpu.current": 2, "vcpu.maximum": 4,
    "block.count": 3,
    "block.0.name": "vda", "block.0.rd.bytes": 100, "block.0.wr.bytes": 200,
    // A backing-chain layer repeats the device name: only the top layer counts.
    "block.1.name": "vda", "block.1.rd.bytes": 999, "block.1.wr.bytes": 999,
    "block.2.name": "vdb", "block.2.rd.bytes": 10, "block.2.wr.bytes": 20,
    "net.count": 1, "net.0.name": "vnet0", "net.0.rx.bytes": 1000, "net.0.tx.bytes": 2000,
};

describe("parseDomainStats", () => {
    test("a running VM without guest memory stats uses RSS", () => {
        const sample = parseDomainStats("web 1", running);
        expect(sample).toMatchObject({
            name: "web 1", state: "running", vcpus: 2, maxVcpus: 4,
            memoryMaxKiB: 131072, memoryCurrentKiB: 65536, memoryUsedKiB: 40000, memoryUsedSource: "rss",
            cpuTimeNs: 5_000_000_000,
        });
        expect(sample.disks).toEqual([
            { name: "vda", readBytes: 100, writeBytes: 200 },
            { name: "vdb", readBytes: 10, writeBytes: 20 },
        ]);
        expect(sample.nics).toEqual([{ name: "vnet0", readBytes: 1000, writeBytes: 2000 }]);
    });

    test("guest balloon statistics win over RSS", () => {
        const sample = parseDomainStats("db", { ...running, "balloon.available": 60000, "balloon.usable": 45000, "balloon.unused": 30000 });
        expect(sample.memoryUsedKiB).toBe(15000);
        expect(sample.memoryUsedSource).toBe("guest");
    });

    test("a shut-off VM has no usage even though libvirt reports a cpu.time", () => {
        const sample = parseDomainStats("off", { "state.state": 5, "cpu.time": 280000000, "balloon.maximum": 65536, "vcpu.current": 1 });
        expect(sample.state).toBe("shut-off");
        expect(sample.cpuTimeNs).toBeNull();
        expect(sample.memoryUsedKiB).toBeNull();
        expect(sample.disks).toEqual([]);
        expect(sample.memoryMaxKiB).toBe(65536);
    });

    test("virsh --raw strings and missing fields", () => {
        const sample = parseDomainStats("raw", { "state.state": "1", "cpu.time": "42", "vcpu.current": "" });
        expect(sample.state).toBe("running");
        expect(sample.cpuTimeNs).toBe(42);
        expect(sample.vcpus).toBeNull();
        expect(sample.memoryMaxKiB).toBeNull();
    });

    test("a record without state is unknown", () => {
        expect(parseDomainStats("x", {}).state).toBe("unknown");
    });
});

describe("withMissingFromPrevious (NOWAIT answers of busy domains)", () => {
    const before = parseDomainStats("vm", running);
    const busy = parseDomainStats("vm", { "state.state": 1 });

    test("a running VM that answered with its state only keeps its last figures", () => {
        const merged = withMissingFromPrevious(before, busy);
        expect(merged).toMatchObject({ vcpus: 2, memoryMaxKiB: 131072, memoryUsedKiB: 40000, cpuTimeNs: 5_000_000_000 });
        expect(merged.disks).toEqual(before.disks);
    });

    test("a state change takes only what libvirt says now", () => {
        const stopped = parseDomainStats("vm", { "state.state": 5 });
        expect(withMissingFromPrevious(before, stopped)).toBe(stopped);
    });

    test("a complete answer is taken as it is", () => {
        const fresh = parseDomainStats("vm", { ...running, "cpu.time": 6_000_000_000 });
        expect(withMissingFromPrevious(before, fresh)).toBe(fresh);
        expect(withMissingFromPrevious(undefined, busy)).toBe(busy);
    });
});
