// org.libvirt.StoragePool and the Connect methods for pools: list, read, define, start, stop, refresh,
// autostart, undefine, and the StoragePoolEvent signal. Small async functions with one object argument,
// all through connection.call; only pool capabilities come from virsh (libvirt-dbus has no call for them).
import cockpit, { type SpawnError } from "../lib/cockpit";
import { virshMessage } from "../core/virsh-lifecycle";
import { CONNECT_IFACE, CONNECT_PATH, call, libvirtClient, setProperty, unwrapRecord } from "./connection";
import { LibvirtError } from "./errors";

export const POOL_IFACE = "org.libvirt.StoragePool";
const PROPERTIES_IFACE = "org.freedesktop.DBus.Properties";

// A refresh re-reads every volume's header and a start may mount a file system: give them time.
const LONG_CALL_MS = 5 * 60 * 1000;

export async function listPoolPaths(): Promise<string[]> {
    const [paths] = await call<[string[]]>({ path: CONNECT_PATH, iface: CONNECT_IFACE, method: "ListStoragePools", signature: "u", args: [0] });
    return paths;
}

export async function lookupPoolPath({ name }: { name: string }): Promise<string> {
    const [path] = await call<[string]>({
        path: CONNECT_PATH, iface: CONNECT_IFACE, method: "StoragePoolLookupByName", signature: "s", args: [name],
    });
    return path;
}

export async function getPoolXml({ path }: { path: string }): Promise<string> {
    const [xml] = await call<[string]>({ path, iface: POOL_IFACE, method: "GetXMLDesc", signature: "u", args: [0] });
    return xml;
}

// virStoragePoolState, in libvirt's numeric order.
export type PoolState = "inactive" | "building" | "running" | "degraded" | "inaccessible";
const POOL_STATES: readonly PoolState[] = ["inactive", "building", "running", "degraded", "inaccessible"];

export interface PoolInfo {
    state: PoolState;
    capacity: number;
    allocation: number;
    available: number;
}

export async function getPoolInfo({ path }: { path: string }): Promise<PoolInfo> {
    const [[state, capacity, allocation, available]] = await call<[[number, number, number, number]]>({
        path, iface: POOL_IFACE, method: "GetInfo", signature: "",
    });
    return { state: POOL_STATES[state] ?? "inaccessible", capacity, allocation, available };
}

export interface PoolFlags {
    active: boolean;
    autostart: boolean;
    persistent: boolean;
}

// One Properties.GetAll instead of three Gets.
export async function getPoolFlags({ path }: { path: string }): Promise<PoolFlags> {
    const [props] = await call<[Record<string, unknown>]>({ path, iface: PROPERTIES_IFACE, method: "GetAll", signature: "s", args: [POOL_IFACE] });
    const plain = unwrapRecord(props);
    return { active: plain.Active === true, autostart: plain.Autostart === true, persistent: plain.Persistent === true };
}

export async function definePool({ xml }: { xml: string }): Promise<string> {
    const [path] = await call<[string]>({
        path: CONNECT_PATH, iface: CONNECT_IFACE, method: "StoragePoolDefineXML", signature: "su", args: [xml, 0],
    });
    return path;
}

// Build makes what a new pool needs (a dir pool's directory); flags 0 leaves an existing one as it is.
export async function buildPool({ path }: { path: string }): Promise<void> {
    await call({ path, iface: POOL_IFACE, method: "Build", signature: "u", args: [0], timeout: LONG_CALL_MS });
}

export async function startPool({ path }: { path: string }): Promise<void> {
    await call({ path, iface: POOL_IFACE, method: "Create", signature: "u", args: [0], timeout: LONG_CALL_MS });
}

export async function stopPool({ path }: { path: string }): Promise<void> {
    await call({ path, iface: POOL_IFACE, method: "Destroy", signature: "" });
}

export async function refreshPool({ path }: { path: string }): Promise<void> {
    await call({ path, iface: POOL_IFACE, method: "Refresh", signature: "u", args: [0], timeout: LONG_CALL_MS });
}

export async function undefinePool({ path }: { path: string }): Promise<void> {
    await call({ path, iface: POOL_IFACE, method: "Undefine", signature: "" });
}

export async function setPoolAutostart({ path, autostart }: { path: string; autostart: boolean }): Promise<void> {
    await setProperty({ path, iface: POOL_IFACE, name: "Autostart", signature: "b", value: autostart });
}

// virStoragePoolEventLifecycleType
export type PoolEventKind = "defined" | "undefined" | "started" | "stopped" | "created" | "deleted" | "unknown";
const POOL_EVENTS: readonly PoolEventKind[] = ["defined", "undefined", "started", "stopped", "created", "deleted"];

// Lifecycle events arrive on the connection object for every pool; a refresh (which changes the volumes
// and figures) arrives as the pool object's Refresh signal. One subscription each covers all pools.
export function subscribePoolEvents(onEvent: (event: { path: string; kind: PoolEventKind | "refreshed" }) => void): () => void {
    const client = libvirtClient();
    const lifecycle = client.subscribe({ path: CONNECT_PATH, interface: CONNECT_IFACE, member: "StoragePoolEvent" },
        (_path, _iface, _signal, args) => {
            const [path, event] = args as [string, number];
            onEvent({ path, kind: POOL_EVENTS[event] ?? "unknown" });
        });
    const refresh = client.subscribe({ interface: POOL_IFACE, member: "Refresh" },
        path => onEvent({ path, kind: "refreshed" }));
    return () => {
        lifecycle.remove();
        refresh.remove();
    };
}

// `virsh pool-capabilities`: the pool types this libvirt was built with and their volume formats.
export async function getPoolCapabilitiesXml(): Promise<string> {
    try {
        return await cockpit.spawn(["virsh", "-c", "qemu:///system", "pool-capabilities"], { superuser: "try", err: "message" });
    } catch (error) {
        const spawnError = (error ?? {}) as Partial<SpawnError>;
        throw new LibvirtError("other", virshMessage(spawnError.message ?? "") || spawnError.problem || String(error));
    }
}
