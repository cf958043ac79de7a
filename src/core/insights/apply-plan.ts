// How a vCPU or memory suggestion is applied through libvirt: always to the persistent definition (it
// takes effect at the next boot), and also to the running VM where libvirt allows it: vCPUs are
// hot-plugged only up to the VM's current maximum and never unplugged (guests often refuse), memory
// is ballooned only up to the VM's maximum memory.
import { AFFECT_CONFIG, AFFECT_LIVE } from "../domain-modify-flags";
import type { SizeChange } from "./types";

export { AFFECT_CONFIG, AFFECT_LIVE };

// The setters' own flag: VIR_DOMAIN_VCPU_MAXIMUM and VIR_DOMAIN_MEM_MAXIMUM share the value.
export const SET_MAXIMUM = 4;

export interface SizeStep {
    method: "SetVcpus" | "SetMemory";
    // vCPUs, or KiB.
    value: number;
    flags: number;
    live: boolean;
}

// The VM's sizes now: the persistent definition's, and the running VM's (null when it is not running).
export interface SizeNow {
    config: { vcpus: number; maxVcpus: number; memoryKiB: number; maxMemoryKiB: number };
    live: { vcpus: number; maxVcpus: number; memoryKiB: number; maxMemoryKiB: number } | null;
}

export interface SizePlan {
    steps: SizeStep[];
    // Whether the running VM changes now; else the change waits for the next boot.
    appliesLive: boolean;
}

export function planSizeChange(change: SizeChange, now: SizeNow): SizePlan {
    const steps: SizeStep[] = [];
    if (change.kind === "vcpus") {
        const to = change.to;
        if (to > now.config.maxVcpus) steps.push({ method: "SetVcpus", value: to, flags: AFFECT_CONFIG | SET_MAXIMUM, live: false });
        steps.push({ method: "SetVcpus", value: to, flags: AFFECT_CONFIG, live: false });
        const live = now.live !== null && to > now.live.vcpus && to <= now.live.maxVcpus;
        if (live) steps.push({ method: "SetVcpus", value: to, flags: AFFECT_LIVE, live: true });
        return { steps, appliesLive: live };
    }
    const to = change.toKiB;
    if (to > now.config.maxMemoryKiB) steps.push({ method: "SetMemory", value: to, flags: AFFECT_CONFIG | SET_MAXIMUM, live: false });
    steps.push({ method: "SetMemory", value: to, flags: AFFECT_CONFIG, live: false });
    const live = now.live !== null && to !== now.live.memoryKiB && to <= now.live.maxMemoryKiB;
    if (live) steps.push({ method: "SetMemory", value: to, flags: AFFECT_LIVE, live: true });
    return { steps, appliesLive: live };
}
