// The disks of every VM, for "which VM uses this volume". One GetAllDomainStats call gives every VM's disk
// files (a running VM's backing files too); a VM's XML is read only where that is not the whole answer:
// a running VM's persistent definition (a disk added for the next boot) and a VM with a drive that has no
// path in the statistics (a volume or network disk of a shut-off VM, or an empty CD-ROM drive). At 1000
// VMs that is tens of XML reads instead of 2000 (bench/storage-pools.ts --vms 1000).
import { settleAll } from "../core/batch";
import { parseDomainXml } from "../core/domain-xml";
import { diskSourcesFromStats, type DiskSource, type DomainDisks } from "../core/storage/volume-users";
import { toLibvirtError } from "../libvirt/connection";
import { getDomainXml, listDomainPaths, lookupDomainPath } from "../libvirt/domains";
import { getAllBlockStats } from "../libvirt/stats";

// XML reads in flight at once: enough to keep libvirt-dbus busy, few enough that the page's other calls
// do not queue behind a thousand of them.
export const XML_READS_IN_FLIGHT = 16;

export async function readAllDomainDisks(): Promise<DomainDisks[]> {
    const [stats, running] = await Promise.all([getAllBlockStats(), listDomainPaths({ activeOnly: true })]);
    const disks = new Map<string, DiskSource[]>();
    const reads: (() => Promise<string>)[] = running.map(path => () => getDomainXml({ path, inactive: true }));
    const gone = new Set<string>();
    for (const [name, record] of stats) {
        const fromStats = diskSourcesFromStats(record);
        disks.set(name, fromStats.disks);
        // The live definition for a running VM, the only one for a shut-off VM.
        if (!fromStats.complete) {
            reads.push(async () => getDomainXml({ path: await lookupDomainPath({ name }) }).catch((error: unknown) => {
                if (toLibvirtError(error).kind === "not-found") gone.add(name);
                throw error;
            }));
        }
    }
    const settled = await settleAll(reads, XML_READS_IN_FLIGHT, read => read());
    for (const name of gone) disks.delete(name);
    for (const result of settled) {
        if (result.status === "rejected") {
            // A VM undefined meanwhile uses nothing any more; any other failure must not make a volume
            // look unused.
            if (toLibvirtError(result.reason).kind === "not-found") continue;
            throw result.reason;
        }
        const description = parseDomainXml(result.value);
        disks.set(description.name, [...disks.get(description.name) ?? [], ...description.disks]);
    }
    return [...disks].map(([name, list]) => ({ name, disks: list }));
}
