// Cloning a shut-off VM: the disk copies and a UEFI VM's variables file on the host (kvm-manager-clone),
// then the rewritten definition. When libvirt refuses the definition, the copies are removed again.
import cockpit, { _ } from "../lib/cockpit";
import { isActive } from "../core/domain-state";
import { parseDomainXml } from "../core/domain-xml";
import { cloneDomainXml, planClone, planNvramCopy, type CloneMode } from "../core/vm-clone";
import { toLibvirtError } from "../libvirt/connection";
import { defineDomainXml, getDomainXml } from "../libvirt/domains";
import { getDomainStats } from "../libvirt/stats";
import { copyCloneDisks, removeHostFile } from "../host/vm-disks";
import { vmStore } from "./vm-store";

export async function cloneVm({ name, newName, mode }: { name: string; newName: string; mode: CloneMode }): Promise<void> {
    const path = await vmStore.resolvePath(name);
    const [xml, sample] = await Promise.all([getDomainXml({ path, inactive: true }), getDomainStats({ path, name })]);
    // Started since the dialog opened: its disks are changing under the copy.
    if (isActive(sample.state)) throw new Error(cockpit.format(_("$0 is running: shut it off to clone it."), name));
    const plan = planClone(parseDomainXml(xml), newName, mode);
    if (plan.blockers.length > 0) {
        throw new Error(cockpit.format(_("Disk $0 is not a local file and cannot be copied."), plan.blockers[0].target));
    }
    if (mode === "linked" && !plan.linkedPossible) throw new Error(_("A linked clone needs qcow2 disks."));
    const nvram = planNvramCopy(xml, name, newName);
    const { nvramCopied } = plan.copies.length > 0 || nvram
        ? await copyCloneDisks({ copies: plan.copies, mode, nvram })
        : { nvramCopied: false };
    try {
        await defineDomainXml({ xml: cloneDomainXml(xml, { name: newName, copies: plan.copies, mode, nvram }) });
    } catch (error) {
        await Promise.allSettled([...plan.copies, ...(nvram && nvramCopied ? [nvram] : [])].map(copy => removeHostFile(copy.to)));
        throw toLibvirtError(error);
    }
    void vmStore.refresh({ full: true });
}
