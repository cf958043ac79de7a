// VM snapshots: what a snapshot's XML says, how snapshots hang together, what a new one may be called and
// which kinds a VM's disks allow. Pure, so the rules are unit-tested on real `virsh snapshot-dumpxml` output
// and the page only translates the structured answers into words.
import type { DomainDescription } from "./domain-xml";
import { attr, libvirtXmlParser, node, text, xmlEscape, type XmlNode } from "./xml-nodes";

export interface SnapshotRecord {
    name: string;
    description: string | null;
    parent: string | null;
    // Seconds since the epoch, as libvirt stores it; null when the XML lacks it.
    creationTime: number | null;
    // The VM's state when the snapshot was taken: running, paused, shutoff, disk-snapshot, ...
    state: string;
    // "internal", "external" or "no": where the memory image is (only "no" for shut-off VMs and disk-only).
    memory: string;
    // Per disk: "internal", "external" or "no".
    disks: { name: string; snapshot: string }[];
}

export class SnapshotXmlError extends Error {}

const parser = libvirtXmlParser({
    trimValues: false,
    isArray: (_name, jpath) => jpath === "domainsnapshot.disks.disk",
    // The embedded <domain> can be large; none of it is needed here.
    stopNodes: ["domainsnapshot.domain", "domainsnapshot.inactiveDomain"],
});

export function parseSnapshotXml(xml: string): SnapshotRecord {
    let parsed: XmlNode;
    try {
        parsed = parser.parse(xml) as XmlNode;
    } catch (error) {
        throw new SnapshotXmlError(`Snapshot XML could not be read: ${(error as Error).message}`);
    }
    const snapshot = node(parsed.domainsnapshot);
    const name = text(snapshot?.name);
    if (!snapshot || name === null) throw new SnapshotXmlError("Snapshot XML has no <domainsnapshot> with a <name>");
    const created = text(snapshot.creationTime);
    const diskList = node(snapshot.disks)?.disk;
    const diskNodes: unknown[] = Array.isArray(diskList) ? diskList : [];
    return {
        name,
        description: text(snapshot.description),
        parent: text(node(snapshot.parent)?.name),
        creationTime: created !== null && /^\d+$/.test(created.trim()) ? Number(created.trim()) : null,
        state: text(snapshot.state)?.trim() ?? "unknown",
        memory: attr(snapshot.memory, "snapshot") ?? "no",
        disks: diskNodes.map(d => ({ name: attr(d, "name") ?? "", snapshot: attr(d, "snapshot") ?? "no" })),
    };
}

export interface SnapshotTreeRow<T extends SnapshotRecord = SnapshotRecord> {
    snapshot: T;
    // 0 for a root; a child is one deeper than its parent.
    depth: number;
}

// Depth-first, parents before children, siblings oldest first (then by name, for equal times). A snapshot
// whose parent is not in the list (deleted meanwhile) shows as a root rather than disappearing.
export function snapshotTree<T extends SnapshotRecord>(snapshots: readonly T[]): SnapshotTreeRow<T>[] {
    const names = new Set(snapshots.map(s => s.name));
    const children = new Map<string | null, T[]>();
    for (const snapshot of snapshots) {
        const parent = snapshot.parent !== null && names.has(snapshot.parent) ? snapshot.parent : null;
        const list = children.get(parent) ?? [];
        list.push(snapshot);
        children.set(parent, list);
    }
    const order = (a: SnapshotRecord, b: SnapshotRecord) =>
        (a.creationTime ?? 0) - (b.creationTime ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    const rows: SnapshotTreeRow<T>[] = [];
    const visited = new Set<string>();
    // An explicit stack, so a deep chain (hundreds of snapshots, each the child of the last) cannot
    // overflow the call stack.
    const stack: SnapshotTreeRow<T>[] = [...(children.get(null) ?? [])].sort(order).reverse().map(snapshot => ({ snapshot, depth: 0 }));
    while (stack.length > 0) {
        const row = stack.pop() as SnapshotTreeRow<T>;
        if (visited.has(row.snapshot.name)) continue;
        visited.add(row.snapshot.name);
        rows.push(row);
        const kids = [...(children.get(row.snapshot.name) ?? [])].sort(order).reverse();
        for (const kid of kids) stack.push({ snapshot: kid, depth: row.depth + 1 });
    }
    // A parent cycle (corrupt metadata) leaves snapshots unreached: list them as roots, not lose them.
    for (const snapshot of [...snapshots].sort(order)) {
        if (!visited.has(snapshot.name)) {
            visited.add(snapshot.name);
            rows.push({ snapshot, depth: 0 });
        }
    }
    return rows;
}

// A name from the local time, like virt-manager's: "snapshot-2026-11-26-14-05-09"; "-2", "-3", ... when
// taken. Local time because that is the clock the user reads.
export function defaultSnapshotName(now: Date, taken: readonly string[]): string {
    const pad = (n: number) => String(n).padStart(2, "0");
    const base = `snapshot-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}-` +
        `${pad(now.getHours())}-${pad(now.getMinutes())}-${pad(now.getSeconds())}`;
    const used = new Set(taken);
    if (!used.has(base)) return base;
    for (let n = 2; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

export type SnapshotNameProblem = "empty" | "slash" | "control" | "edge-space" | "taken";

// libvirt refuses "/" in snapshot names (they name files and metadata on disk) and XML cannot carry most
// control characters. Leading or trailing spaces are accepted by libvirt but make two names look the same,
// so they are refused here too; uniqueness is per VM.
export function snapshotNameProblem(name: string, taken: readonly string[]): SnapshotNameProblem | null {
    if (name.trim() === "") return "empty";
    if (name.includes("/")) return "slash";
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
    if (/[\u0000-\u001f\u007f]/.test(name)) return "control";
    if (name !== name.trim()) return "edge-space";
    if (taken.includes(name)) return "taken";
    return null;
}

// Why one disk prevents one kind of snapshot.
export type DiskBlocker =
    | { disk: string; reason: "not-qcow2"; format: string | null }
    | { disk: string; reason: "not-local" ; sourceType: string };

export type SnapshotKind = "internal" | "external-disk-only";

export interface SnapshotKindOption {
    kind: SnapshotKind;
    possible: boolean;
    // Disks that rule this kind out (empty when possible, or when the reason is not a disk).
    blockers: DiskBlocker[];
    // Internal snapshots with UEFI (pflash) firmware are refused by libvirt: its NVRAM file is raw.
    uefi: boolean;
    // Whether the VM's memory is saved with it (internal snapshot of a running VM).
    memory: boolean;
}

// The disks a snapshot covers: CD/DVD and floppy drives, read-only and empty drives are left out
// (snapshot='no'), as libvirt would refuse or skip them.
export function snapshotDisks(description: DomainDescription): DomainDescription["disks"] {
    return description.disks.filter(d => d.device === "disk" && !d.readOnly && d.source !== null);
}

// What kinds of snapshot the VM's disks allow right now. `active`: running or paused (memory can be kept).
export function snapshotKindOptions(description: DomainDescription, active: boolean): SnapshotKindOption[] {
    const disks = snapshotDisks(description);
    const internalBlockers: DiskBlocker[] = disks
        .filter(d => d.format !== "qcow2")
        .map(d => ({ disk: d.target, reason: "not-qcow2", format: d.format }));
    const uefi = description.firmware === "uefi";
    // libvirt creates external overlays itself only for local files and block devices.
    const externalBlockers: DiskBlocker[] = disks
        .filter(d => d.sourceType !== "file" && d.sourceType !== "block")
        .map(d => ({ disk: d.target, reason: "not-local", sourceType: d.sourceType }));
    return [
        { kind: "internal", possible: internalBlockers.length === 0 && !uefi, blockers: internalBlockers, uefi, memory: active },
        {
            kind: "external-disk-only", possible: disks.length > 0 && externalBlockers.length === 0,
            blockers: externalBlockers, uefi: false, memory: false,
        },
    ];
}

// The <domainsnapshot> for Domain.SnapshotCreateXML. Every disk is named, so a CD/DVD drive or read-only
// disk is left out explicitly rather than failing the whole snapshot.
export function snapshotCreateXml({ name, description, kind, domain }:
    { name: string; description: string; kind: SnapshotKind; domain: DomainDescription }): string {
    const covered = new Set(snapshotDisks(domain).map(d => d.target));
    const mode = kind === "internal" ? "internal" : "external";
    const disks = domain.disks.filter(d => d.target !== "")
        .map(d => `<disk name="${xmlEscape(d.target)}" snapshot="${covered.has(d.target) ? mode : "no"}"/>`).join("");
    const desc = description.trim() === "" ? "" : `<description>${xmlEscape(description)}</description>`;
    return `<domainsnapshot><name>${xmlEscape(name)}</name>${desc}<disks>${disks}</disks></domainsnapshot>`;
}
