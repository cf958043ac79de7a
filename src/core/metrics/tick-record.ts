// One collector tick as a single journal line: per running VM, the counters the next tick needs for its
// rates and the usage computed from the previous tick. Arrays instead of objects keep a line for
// 100 VMs near 15 KiB, which is what a tick writes.
import type { DeviceCounters } from "../domain-stats";
import type { Usage } from "../usage";
import { METRIC_NAMES } from "./rollup";

// 2 added the domain ID; version 1 lines (without it) still read, with no ID.
export const TICK_RECORD_VERSION = 2;

export interface TickVm {
    name: string;
    // libvirt's domain ID: a new one each time the VM starts, so it tells a restart apart from a
    // counter that merely grew. null where the caller did not have it.
    id: number | null;
    cpuTimeNs: number | null;
    vcpus: number | null;
    disks: DeviceCounters[];
    nics: DeviceCounters[];
    usage: Usage;
}

export interface TickRecord {
    // Wall-clock time of the sample, UTC milliseconds.
    t: number;
    vms: TickVm[];
}

type EncodedDevice = [string, number, number];
// name, domain ID, cpu ns, vcpus, disks, nics, then the metrics in METRIC_NAMES order.
type EncodedVm = [string, number | null, number | null, number | null, EncodedDevice[], EncodedDevice[], ...(number | null)[]];

// Enough precision for a chart; fewer digits make shorter lines.
function roundMetric(value: number | null, decimals: number): number | null {
    if (value === null || !Number.isFinite(value)) return null;
    const f = 10 ** decimals;
    return Math.round(value * f) / f;
}

const METRIC_DECIMALS: Record<(typeof METRIC_NAMES)[number], number> = {
    cpuPercent: 2, memoryUsedKiB: 0, memoryPercent: 2,
    diskReadBps: 0, diskWriteBps: 0, netRxBps: 0, netTxBps: 0,
};

function encodeDevices(devices: DeviceCounters[]): EncodedDevice[] {
    return devices.map(d => [d.name, d.readBytes, d.writeBytes]);
}

export function encodeTickRecord(record: TickRecord): string {
    const vms: EncodedVm[] = record.vms.map(vm => [
        vm.name, vm.id, vm.cpuTimeNs, vm.vcpus, encodeDevices(vm.disks), encodeDevices(vm.nics),
        ...METRIC_NAMES.map(m => roundMetric(vm.usage[m], METRIC_DECIMALS[m])),
    ]);
    // JSON.stringify escapes newlines inside VM names, so one record is always one line. v and t come
    // first: tickTimeOfLineStart() reads them without the rest.
    return JSON.stringify({ v: TICK_RECORD_VERSION, t: record.t, vms });
}

// How many bytes of a line tickTimeOfLineStart() needs at most.
export const TICK_LINE_HEAD_BYTES = 64;

// The time of the record a journal line holds, from the line's first bytes alone (the fold check reads
// no more of a line that can be hundreds of KiB); null when they do not start like a record.
export function tickTimeOfLineStart(start: string): number | null {
    const m = /^\{"v":(\d+),"t":(\d+),/.exec(start);
    if (!m) return null;
    const version = Number(m[1]);
    return version === TICK_RECORD_VERSION || version === 1 ? Number(m[2]) : null;
}

function isNumOrNull(value: unknown): value is number | null {
    return value === null || (typeof value === "number" && Number.isFinite(value));
}

function decodeDevices(value: unknown): DeviceCounters[] | null {
    if (!Array.isArray(value)) return null;
    const result: DeviceCounters[] = [];
    for (const d of value) {
        if (!Array.isArray(d) || d.length !== 3 || typeof d[0] !== "string" ||
            typeof d[1] !== "number" || typeof d[2] !== "number") return null;
        result.push({ name: d[0], readBytes: d[1], writeBytes: d[2] });
    }
    return result;
}

function decodeVm(value: unknown, version: number): TickVm | null {
    if (!Array.isArray(value)) return null;
    const v = version === 1 ? [value[0], null, ...value.slice(1)] : value;
    if (v.length !== 6 + METRIC_NAMES.length) return null;
    const [name, id, cpuTimeNs, vcpus, disks, nics] = v;
    if (typeof name !== "string" || !isNumOrNull(id) || !isNumOrNull(cpuTimeNs) || !isNumOrNull(vcpus)) return null;
    const decodedDisks = decodeDevices(disks);
    const decodedNics = decodeDevices(nics);
    if (!decodedDisks || !decodedNics) return null;
    const metrics = v.slice(6);
    if (!metrics.every(isNumOrNull)) return null;
    const usage = {} as Usage;
    METRIC_NAMES.forEach((m, i) => { usage[m] = metrics[i] as number | null; });
    return { name, id, cpuTimeNs, vcpus, disks: decodedDisks, nics: decodedNics, usage };
}

export type DecodeResult =
    | { ok: true; record: TickRecord }
    | { ok: false; reason: string };

// Never throws: a torn or foreign line is reported, so the journal reader can skip it and go on.
export function decodeTickRecord(line: string): DecodeResult {
    let parsed: unknown;
    try {
        parsed = JSON.parse(line);
    } catch {
        return { ok: false, reason: "not JSON (a torn or damaged line)" };
    }
    if (typeof parsed !== "object" || parsed === null) return { ok: false, reason: "not a tick record" };
    const obj = parsed as Record<string, unknown>;
    if (obj.v !== TICK_RECORD_VERSION && obj.v !== 1) return { ok: false, reason: `unsupported tick record version ${String(obj.v)}` };
    if (typeof obj.t !== "number" || !Number.isFinite(obj.t) || !Array.isArray(obj.vms)) {
        return { ok: false, reason: "tick record without time or VM list" };
    }
    const vms: TickVm[] = [];
    for (const v of obj.vms) {
        const vm = decodeVm(v, obj.v);
        if (!vm) return { ok: false, reason: "malformed VM entry" };
        vms.push(vm);
    }
    return { ok: true, record: { t: obj.t, vms } };
}
