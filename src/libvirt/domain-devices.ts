// org.libvirt.Domain's device methods: attach, detach and update a device from its XML. The flags
// (virDomainDeviceModifyFlags: live, config) come from core, which decides what a VM's state allows.
import { DOMAIN_IFACE, call } from "./connection";

// Hot-plug waits for the guest to acknowledge an unplug: give it time.
const DEVICE_CALL_MS = 2 * 60 * 1000;

export async function attachDevice({ path, xml, flags }: { path: string; xml: string; flags: number }): Promise<void> {
    await call({ path, iface: DOMAIN_IFACE, method: "AttachDevice", signature: "su", args: [xml, flags], timeout: DEVICE_CALL_MS });
}

export async function detachDevice({ path, xml, flags }: { path: string; xml: string; flags: number }): Promise<void> {
    await call({ path, iface: DOMAIN_IFACE, method: "DetachDevice", signature: "su", args: [xml, flags], timeout: DEVICE_CALL_MS });
}

export async function updateDevice({ path, xml, flags }: { path: string; xml: string; flags: number }): Promise<void> {
    await call({ path, iface: DOMAIN_IFACE, method: "UpdateDevice", signature: "su", args: [xml, flags], timeout: DEVICE_CALL_MS });
}
