// The Disks card's changes, each a short sequence of libvirt calls: add (create the volume first where
// asked, and remove it again if the attach fails), remove (optionally deleting the volume) and change a
// CD/DVD's medium. core decides the flags; here the calls are made in order.
import cockpit, { _ } from "../../lib/cockpit";
import type { DomainState } from "../../core/domain-state";
import { parseDomainXml } from "../../core/domain-xml";
import { AFFECT_LIVE, attachPlan, buildDiskXml, detachPlan, diskElementXml, diskSourceType, mediumChangeFlags, mediumChangeXml, nextDiskTarget, type DeviceChangeTiming } from "../../core/storage/disk-device";
import { buildVolumeXml, parseVolumeXml } from "../../core/storage/volume-xml";
import { toLibvirtError } from "../../libvirt/connection";
import { attachDevice, detachDevice, updateDevice } from "../../libvirt/domain-devices";
import { getDomainXml } from "../../libvirt/domains";
import { createVolume, deleteVolume, getVolumeXml } from "../../libvirt/storage-volumes";
import type { AddDiskRequest } from "./AddDiskDialog";

async function newVolumePath({ poolPath, name, capacityBytes, format }: { poolPath: string; name: string; capacityBytes: number; format: string | null }):
    Promise<{ volumePath: string; filePath: string }> {
    const volumePath = await createVolume({ poolPath, xml: buildVolumeXml({ name, capacityBytes, format }) });
    const filePath = parseVolumeXml(await getVolumeXml({ path: volumePath })).path;
    if (filePath === null) throw new Error(cockpit.format(_("libvirt gives no path for the new volume $0"), name));
    return { volumePath, filePath };
}

export async function addDisk({ domainPath, state, request, usedTargets }: {
    domainPath: string;
    state: DomainState;
    request: AddDiskRequest;
    usedTargets: string[];
}): Promise<{ target: string; timing: DeviceChangeTiming }> {
    const target = nextDiskTarget(request.bus, usedTargets);
    const plan = attachPlan(state, request.bus);
    let created: string | null = null;
    let xml: string;
    if (request.source === "new") {
        const { volumePath, filePath } = await newVolumePath({ poolPath: request.pool.path, ...request });
        created = volumePath;
        xml = buildDiskXml({ device: "disk", sourceType: diskSourceType(request.pool.type), path: filePath, format: request.format ?? "raw", target, bus: request.bus });
    } else if (request.source === "volume") {
        const path = request.volume.volume.path;
        if (path === null) throw new Error(cockpit.format(_("libvirt gives no path for volume $0"), request.volume.volume.name));
        xml = buildDiskXml({
            device: request.device, sourceType: diskSourceType(request.pool.type), path,
            format: request.device === "cdrom" ? "raw" : request.volume.volume.format ?? "raw", target, bus: request.bus,
        });
    } else {
        xml = buildDiskXml({ device: request.device, sourceType: "file", path: request.path, format: request.format, target, bus: request.bus });
    }
    try {
        await attachDevice({ path: domainPath, xml, flags: plan.flags });
    } catch (error) {
        const failure = toLibvirtError(error);
        // The volume was made for this disk only: leave nothing behind.
        if (created !== null) await deleteVolume({ path: created }).catch(() => undefined);
        throw failure;
    }
    return { target, timing: plan.timing };
}

export async function removeDisk({ domainPath, state, target, bus, liveXml, persistentXml, inLive, inConfig, volumePath }: {
    domainPath: string;
    state: DomainState;
    target: string;
    bus: string | null;
    liveXml: string;
    persistentXml: string;
    inLive: boolean;
    inConfig: boolean;
    // The pool volume to delete after the disk is removed; null keeps it.
    volumePath: string | null;
}): Promise<DeviceChangeTiming | "guest-holds"> {
    const plan = detachPlan({ state, bus, inLive, inConfig });
    const xml = diskElementXml(inConfig ? persistentXml : liveXml, target);
    try {
        await detachDevice({ path: domainPath, xml, flags: plan.flags });
    } catch (error) {
        throw toLibvirtError(error);
    }
    if (volumePath !== null && plan.timing === "now") {
        // A hot-unplug completes only when the guest lets the device go (a guest without an OS never
        // does): while the running guest still has the disk, its volume must stay.
        if (plan.flags & AFFECT_LIVE) {
            const stillThere = parseDomainXml(await getDomainXml({ path: domainPath })).disks.some(d => d.target === target);
            if (stillThere) return "guest-holds";
        }
        try {
            await deleteVolume({ path: volumePath });
        } catch (error) {
            throw new Error(cockpit.format(_("The disk was removed, but its volume could not be deleted: $0"), toLibvirtError(error).message));
        }
    }
    return plan.timing;
}

export async function changeMedium({ domainPath, state, xml, target, isoPath }: {
    domainPath: string;
    state: DomainState;
    xml: string;
    target: string;
    isoPath: string | null;
}): Promise<void> {
    try {
        await updateDevice({ path: domainPath, xml: mediumChangeXml(xml, target, isoPath), flags: mediumChangeFlags(state) });
    } catch (error) {
        throw toLibvirtError(error);
    }
}
