// Turns one record of libvirt's GetAllDomainStats / `virsh domstats --raw` (flat "group.field" keys) into
// a typed sample. Pure, so the page (D-Bus) and the collector helper (virsh) read stats the same way.
import { domainStateFromCode, type DomainState } from "./domain-state";

export type RawStatsRecord = Record<string, number | string | boolean | bigint>;

// VIR_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT: a domain busy with a job (starting, migrating) answers with
// what it has instead of holding the whole call, and libvirt-dbus' few worker threads, for seconds.
export const STATS_NOWAIT = 1 << 29;

// virDomainStatsTypes bits.
export const STATS = {
    STATE: 1,
    CPU_TOTAL: 2,
    BALLOON: 4,
    VCPU: 8,
    INTERFACE: 16,
    BLOCK: 32,
} as const;

export interface DeviceCounters {
    name: string;
    readBytes: number;
    writeBytes: number;
}

export interface DomainSample {
    name: string;
    state: DomainState;
    vcpus: number | null;
    maxVcpus: number | null;
    // KiB, as libvirt reports them.
    memoryMaxKiB: number | null;
    memoryCurrentKiB: number | null;
    // What the guest uses: from the guest's balloon statistics when it reports them, else the host RSS.
    memoryUsedKiB: number | null;
    memoryUsedSource: "guest" | "rss" | null;
    cpuTimeNs: number | null;
    // Per disk: read/write bytes. Per NIC: readBytes = rx, writeBytes = tx.
    disks: DeviceCounters[];
    nics: DeviceCounters[];
}

function num(record: RawStatsRecord, key: string): number | null {
    const value = record[key];
    if (typeof value === "number") return Number.isFinite(value) ? value : null;
    if (typeof value === "bigint") return Number(value);
    if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
    return null;
}

function str(record: RawStatsRecord, key: string): string | null {
    const value = record[key];
    return typeof value === "string" ? value : null;
}

function devices(record: RawStatsRecord, group: "block" | "net", readKey: string, writeKey: string): DeviceCounters[] {
    const count = num(record, `${group}.count`) ?? 0;
    const result: DeviceCounters[] = [];
    for (let i = 0; i < count; i++) {
        const name = str(record, `${group}.${i}.name`) ?? `${group}${i}`;
        // A block device with a backing chain repeats its name for each layer; count the top layer only.
        if (result.some(d => d.name === name)) continue;
        result.push({
            name,
            readBytes: num(record, `${group}.${i}.${readKey}`) ?? 0,
            writeBytes: num(record, `${group}.${i}.${writeKey}`) ?? 0,
        });
    }
    return result;
}

export function parseDomainStats(name: string, record: RawStatsRecord): DomainSample {
    const stateCode = num(record, "state.state");
    const state = stateCode === null ? "unknown" : domainStateFromCode(stateCode);
    const active = state !== "shut-off" && state !== "unknown";

    const available = num(record, "balloon.available");
    const unused = num(record, "balloon.unused");
    const usable = num(record, "balloon.usable");
    const rss = num(record, "balloon.rss");
    let memoryUsedKiB: number | null = null;
    let memoryUsedSource: DomainSample["memoryUsedSource"] = null;
    if (active && available !== null && (usable !== null || unused !== null)) {
        // "usable" counts reclaimable page cache as free, which matches what `free` calls available.
        memoryUsedKiB = Math.max(0, available - (usable ?? unused ?? 0));
        memoryUsedSource = "guest";
    } else if (active && rss !== null) {
        memoryUsedKiB = rss;
        memoryUsedSource = "rss";
    }

    return {
        name,
        state,
        vcpus: num(record, "vcpu.current"),
        maxVcpus: num(record, "vcpu.maximum"),
        memoryMaxKiB: num(record, "balloon.maximum"),
        memoryCurrentKiB: num(record, "balloon.current"),
        memoryUsedKiB,
        memoryUsedSource,
        // libvirt reports a cpu.time for inactive domains too; it means nothing there.
        cpuTimeNs: active ? num(record, "cpu.time") : null,
        disks: active ? devices(record, "block", "rd.bytes", "wr.bytes") : [],
        nics: active ? devices(record, "net", "rx.bytes", "tx.bytes") : [],
    };
}

export interface BlockInfo {
    name: string;
    path: string | null;
    // Bytes. capacity: size the guest sees; allocation: what libvirt counts as written; physical: host file size.
    capacity: number | null;
    allocation: number | null;
    physical: number | null;
}

export function parseBlockInfo(record: RawStatsRecord): BlockInfo[] {
    const count = num(record, "block.count") ?? 0;
    const result: BlockInfo[] = [];
    for (let i = 0; i < count; i++) {
        const name = str(record, `block.${i}.name`);
        if (name === null || result.some(b => b.name === name)) continue;
        result.push({
            name,
            path: str(record, `block.${i}.path`),
            capacity: num(record, `block.${i}.capacity`),
            allocation: num(record, `block.${i}.allocation`),
            physical: num(record, `block.${i}.physical`),
        });
    }
    return result;
}

// Under NOWAIT a busy domain's record may lack its CPU, balloon and vCPU fields. For a domain still in
// the same state, the previous sample's figures stand in (the counters are then unchanged, so no rate is
// made up); after a state change only what libvirt said now counts.
export function withMissingFromPrevious(previous: DomainSample | undefined, current: DomainSample): DomainSample {
    if (!previous || previous.state !== current.state || current.cpuTimeNs !== null || previous.cpuTimeNs === null) {
        return current;
    }
    return {
        ...current,
        vcpus: current.vcpus ?? previous.vcpus,
        maxVcpus: current.maxVcpus ?? previous.maxVcpus,
        memoryMaxKiB: current.memoryMaxKiB ?? previous.memoryMaxKiB,
        memoryCurrentKiB: current.memoryCurrentKiB ?? previous.memoryCurrentKiB,
        memoryUsedKiB: current.memoryUsedKiB ?? previous.memoryUsedKiB,
        memoryUsedSource: current.memoryUsedSource ?? previous.memoryUsedSource,
        cpuTimeNs: previous.cpuTimeNs,
        disks: current.disks.length > 0 ? current.disks : previous.disks,
        nics: current.nics.length > 0 ? current.nics : previous.nics,
    };
}
