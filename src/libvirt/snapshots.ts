// org.libvirt.Domain's snapshot methods and org.libvirt.DomainSnapshot: list, read, create, revert and
// delete. libvirt-dbus covers all of them, so no virsh here. Small async functions with one object
// argument, all through connection.call.
import { CONNECT_IFACE, CONNECT_PATH, DOMAIN_IFACE, call } from "./connection";

const SNAPSHOT_IFACE = "org.libvirt.DomainSnapshot";

// virDomainSnapshotCreateFlags
const CREATE_DISK_ONLY = 16;
const CREATE_ATOMIC = 128;
// virDomainSnapshotRevertFlags
const REVERT_RUNNING = 1;

// Taking or reverting a snapshot of a running VM saves or loads its memory: give it time on a busy host.
const LONG_CALL_MS = 10 * 60 * 1000;

export async function listSnapshotPaths({ path }: { path: string }): Promise<string[]> {
    const [paths] = await call<[string[]]>({
        path, iface: DOMAIN_IFACE, method: "ListDomainSnapshots", signature: "u", args: [0],
    });
    return paths;
}

export async function getSnapshotXml({ snapshotPath }: { snapshotPath: string }): Promise<string> {
    const [xml] = await call<[string]>({
        path: snapshotPath, iface: SNAPSHOT_IFACE, method: "GetXMLDesc", signature: "u", args: [0],
    });
    return xml;
}

// The current snapshot's object path, or null when the VM has none (libvirt answers that with an error).
export async function getCurrentSnapshotPath({ path }: { path: string }): Promise<string | null> {
    try {
        const [current] = await call<[string]>({
            path, iface: DOMAIN_IFACE, method: "SnapshotCurrent", signature: "u", args: [0],
        });
        return current;
    } catch (error) {
        if (/no (domain )?snapshot|no current snapshot|current snapshot/i.test((error as Error).message)) return null;
        throw error;
    }
}

export async function createSnapshot({ path, xml, diskOnly }: { path: string; xml: string; diskOnly: boolean }): Promise<string> {
    // ATOMIC: with several disks, either all get an overlay or none does.
    const flags = diskOnly ? CREATE_DISK_ONLY | CREATE_ATOMIC : 0;
    const [snapshotPath] = await call<[string]>({
        path, iface: DOMAIN_IFACE, method: "SnapshotCreateXML", signature: "su", args: [xml, flags], timeout: LONG_CALL_MS,
    });
    return snapshotPath;
}

// start: run the VM afterwards whatever state the snapshot recorded; otherwise the VM is left as saved.
export async function revertSnapshot({ snapshotPath, start }: { snapshotPath: string; start: boolean }): Promise<void> {
    await call({
        path: snapshotPath, iface: SNAPSHOT_IFACE, method: "Revert", signature: "u", args: [start ? REVERT_RUNNING : 0],
        timeout: LONG_CALL_MS,
    });
}

// Flags 0: only this snapshot; libvirt hands its children to its parent.
export async function deleteSnapshot({ snapshotPath }: { snapshotPath: string }): Promise<void> {
    await call({ path: snapshotPath, iface: SNAPSHOT_IFACE, method: "Delete", signature: "u", args: [0], timeout: LONG_CALL_MS });
}

// virConnectListAllDomainsFlags HAS_SNAPSHOT: the domains that have at least one snapshot, in one call, so
// the list counts snapshots only where there are any.
const LIST_HAS_SNAPSHOT = 1 << 12;

export async function listDomainPathsWithSnapshots(): Promise<string[]> {
    const [paths] = await call<[string[]]>({
        path: CONNECT_PATH, iface: CONNECT_IFACE, method: "ListDomains", signature: "u", args: [LIST_HAS_SNAPSHOT],
    });
    return paths;
}

export async function countSnapshots({ path }: { path: string }): Promise<number> {
    return (await listSnapshotPaths({ path })).length;
}
