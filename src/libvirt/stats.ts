// Domain statistics: ONE GetAllDomainStats call answers for every domain (keyed by name), so the list
// never polls per VM. Domain.GetStats covers a single domain after an event or on its details page.
import { parseBlockInfo, parseDomainStats, STATS, STATS_NOWAIT, type BlockInfo, type DomainSample } from "../core/domain-stats";
import { diskPathsFromStats } from "../core/vm-delete";
import { CONNECT_IFACE, CONNECT_PATH, DOMAIN_IFACE, call, unwrapRecord } from "./connection";

export const LIST_STATS = STATS.STATE | STATS.CPU_TOTAL | STATS.BALLOON | STATS.VCPU;
export const DETAIL_STATS = LIST_STATS | STATS.BLOCK | STATS.INTERFACE;

// Which domains a GetAllDomainStats call covers: virConnectGetAllDomainStatsFlags ACTIVE = 1, INACTIVE = 2.
export type DomainSet = "all" | "active" | "inactive";
const DOMAIN_SET_FLAGS: Record<DomainSet, number> = { all: 0, active: 1, inactive: 2 };

export async function getAllDomainStats({ stats = LIST_STATS, domains = "all" }: { stats?: number; domains?: DomainSet } = {}):
    Promise<DomainSample[]> {
    const [records] = await call<[[string, Record<string, unknown>][]]>({
        path: CONNECT_PATH, iface: CONNECT_IFACE, method: "GetAllDomainStats", signature: "uu",
        args: [stats, STATS_NOWAIT | DOMAIN_SET_FLAGS[domains]],
    });
    return records.map(([name, record]) => parseDomainStats(name, unwrapRecord(record)));
}

async function getStatsRecord({ path, stats }: { path: string; stats: number }) {
    const [record] = await call<[Record<string, unknown>]>({
        path, iface: DOMAIN_IFACE, method: "GetStats", signature: "uu", args: [stats, STATS_NOWAIT],
    });
    return unwrapRecord(record);
}

export async function getDomainStats({ path, name }: { path: string; name: string }): Promise<DomainSample> {
    return parseDomainStats(name, await getStatsRecord({ path, stats: LIST_STATS }));
}

export interface DetailedStats {
    sample: DomainSample;
    blocks: BlockInfo[];
}

export async function getDetailedDomainStats({ path, name }: { path: string; name: string }): Promise<DetailedStats> {
    const record = await getStatsRecord({ path, stats: DETAIL_STATS });
    return { sample: parseDomainStats(name, record), blocks: parseBlockInfo(record) };
}

// VIR_CONNECT_GET_ALL_DOMAINS_STATS_BACKING: block stats for the backing chain too, so a linked clone's
// base image shows as one of its files.
const STATS_BACKING = 1 << 30;

/** Every VM's disk files (backing files included), by VM name, from one call. */
export async function getAllDiskPaths(): Promise<Map<string, string[]>> {
    const [records] = await call<[[string, Record<string, unknown>][]]>({
        path: CONNECT_PATH, iface: CONNECT_IFACE, method: "GetAllDomainStats", signature: "uu",
        args: [STATS.BLOCK, STATS_NOWAIT | STATS_BACKING],
    });
    return new Map(records.map(([name, record]) => [name, diskPathsFromStats(unwrapRecord(record))]));
}
