// Hot-plugging and changing a VM's devices (Domain.AttachDevice / DetachDevice / UpdateDevice). The
// flags say which definition changes: the running VM's, the saved one, or both.
import { DOMAIN_IFACE, call } from "./connection";

// virDomainDeviceModifyFlags: VIR_DOMAIN_AFFECT_LIVE = 1, VIR_DOMAIN_AFFECT_CONFIG = 2.
export type DeviceScope = "live" | "config" | "both";
const SCOPE_FLAGS: Record<DeviceScope, number> = { live: 1, config: 2, both: 3 };

// Hot-plugging waits for QEMU (and a detach for the guest to let go): longer than a plain call.
const DEVICE_TIMEOUT_MS = 60 * 1000;

export async function attachDevice({ path, xml, scope }: { path: string; xml: string; scope: DeviceScope }): Promise<void> {
    await call({ path, iface: DOMAIN_IFACE, method: "AttachDevice", signature: "su", args: [xml, SCOPE_FLAGS[scope]], timeout: DEVICE_TIMEOUT_MS });
}

export async function detachDevice({ path, xml, scope }: { path: string; xml: string; scope: DeviceScope }): Promise<void> {
    await call({ path, iface: DOMAIN_IFACE, method: "DetachDevice", signature: "su", args: [xml, SCOPE_FLAGS[scope]], timeout: DEVICE_TIMEOUT_MS });
}

export async function updateDevice({ path, xml, scope }: { path: string; xml: string; scope: DeviceScope }): Promise<void> {
    await call({ path, iface: DOMAIN_IFACE, method: "UpdateDevice", signature: "su", args: [xml, SCOPE_FLAGS[scope]], timeout: DEVICE_TIMEOUT_MS });
}
