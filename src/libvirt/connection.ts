// The one place that talks D-Bus to libvirt-dbus: a shared client, a typed `call`, variant unwrapping
// and error translation. Every resource module (domains, stats, events) goes through here.
import cockpit, { type DBusClient } from "../lib/cockpit";
import { toLibvirtError } from "./errors";

export { LibvirtError, toLibvirtError } from "./errors";

export const CONNECT_PATH = "/org/libvirt/QEMU";
export const CONNECT_IFACE = "org.libvirt.Connect";
export const DOMAIN_IFACE = "org.libvirt.Domain";
const PROPERTIES_IFACE = "org.freedesktop.DBus.Properties";

let client: DBusClient | null = null;
// Counts clients opened so far: a signal subscription belongs to one client and must be made again on
// the next one.
let generation = 0;

export function libvirtClientGeneration(): number {
    return generation;
}

export function libvirtClient(): DBusClient {
    if (!client) {
        generation++;
        const created = cockpit.dbus("org.libvirt", { bus: "system", superuser: "try" });
        // A closed channel (bridge restart, superuser change) must not be reused: the next call opens a new one.
        created.addEventListener("close", () => {
            if (client === created) client = null;
        });
        client = created;
    }
    return client;
}

export interface CallArgs {
    path: string;
    iface: string;
    method: string;
    signature: string;
    args?: unknown[];
    timeout?: number;
}

export async function call<T extends unknown[] = unknown[]>({ path, iface, method, signature, args = [], timeout }: CallArgs): Promise<T> {
    try {
        const result = await libvirtClient().call(path, iface, method, args, { type: signature, timeout });
        return result as T;
    } catch (error) {
        throw toLibvirtError(error);
    }
}

export interface Variant {
    t: string;
    v: unknown;
}

function isVariant(value: unknown): value is Variant {
    return typeof value === "object" && value !== null && "t" in value && "v" in value;
}

// libvirt-dbus wraps typed-parameter values in a variant inside the a{sv} variant: unwrap every layer.
export function unwrapVariant(value: unknown): unknown {
    let plain = value;
    while (isVariant(plain)) plain = plain.v;
    return plain;
}

// a{sv} as delivered by cockpit.dbus -> plain record of scalars.
export function unwrapRecord(record: Record<string, unknown>): Record<string, number | string | boolean> {
    const result: Record<string, number | string | boolean> = {};
    for (const [key, value] of Object.entries(record)) {
        const plain = unwrapVariant(value);
        if (typeof plain === "number" || typeof plain === "string" || typeof plain === "boolean") result[key] = plain;
    }
    return result;
}

export async function getProperty({ path, iface, name }: { path: string; iface: string; name: string }): Promise<unknown> {
    const [value] = await call<[unknown]>({
        path, iface: PROPERTIES_IFACE, method: "Get", signature: "ss", args: [iface, name],
    });
    return unwrapVariant(value);
}

export async function setProperty({ path, iface, name, signature, value }:
    { path: string; iface: string; name: string; signature: string; value: unknown }): Promise<void> {
    await call({
        path, iface: PROPERTIES_IFACE, method: "Set", signature: "ssv", args: [iface, name, { t: signature, v: value }],
    });
}
