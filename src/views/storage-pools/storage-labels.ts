// What the storage pages call pool types, pool states and the reasons a type cannot be created.
import cockpit, { _ } from "../../lib/cockpit";
import type { PoolTypeAvailability } from "../../core/storage/pool-types";
import type { PoolDefinitionProblem } from "../../core/storage/pool-xml";
import type { VolumeNameProblem } from "../../core/storage/volume-xml";
import type { PoolState } from "../../libvirt/storage-pools";

export function poolTypeLabel(type: string): string {
    switch (type) {
    case "dir": return _("Directory");
    case "fs": return _("File system (local device)");
    case "netfs": return _("Network file system");
    case "logical": return _("LVM volume group");
    case "disk": return _("Whole disk (partitions)");
    case "iscsi": return _("iSCSI target");
    case "scsi": return _("SCSI host adapter");
    case "mpath": return _("Multipath devices");
    case "rbd": return _("Ceph RBD");
    case "gluster": return _("Gluster");
    case "zfs": return _("ZFS");
    default: return type;
    }
}

export function poolStateLabel(state: PoolState | null, active: boolean): string {
    switch (state) {
    case "running": return _("Active");
    case "building": return _("Building");
    case "degraded": return _("Degraded");
    case "inaccessible": return _("Inaccessible");
    case "inactive": return _("Inactive");
    default: return active ? _("Active") : _("Inactive");
    }
}

export function unavailableReason(availability: PoolTypeAvailability): string | null {
    if (availability.available) return null;
    if (availability.reason === "unsupported") return _("This host's libvirt was built without support for this pool type.");
    return availability.package
        ? cockpit.format(_("Needs $0 (package $1), which is not installed on this host."), availability.missing.join(", "), availability.package)
        : cockpit.format(_("Needs $0, which is not installed on this host."), availability.missing.join(", "));
}

export function poolProblemText(problem: PoolDefinitionProblem): string {
    if (problem.field === "name") {
        switch (problem.problem) {
        case "empty": return _("Enter a name.");
        case "slash": return _("A pool name cannot contain “/”.");
        case "taken": return _("A storage pool with this name already exists.");
        }
    }
    return problem.problem === "relative" ? _("Enter an absolute path (starting with “/”).") : _("This field is required.");
}

export function volumeNameProblemText(problem: VolumeNameProblem): string {
    switch (problem) {
    case "empty": return _("Enter a name.");
    case "slash": return _("A volume name cannot contain “/”.");
    case "taken": return _("This pool already has a volume with this name.");
    }
}
