// The disks of every VM, from both definitions of each (the running one and the persistent one differ
// after a change made for the next boot), for "which VM uses this volume".
import { parseDomainXml } from "../core/domain-xml";
import type { DomainDisks } from "../core/storage/volume-users";
import { toLibvirtError } from "../libvirt/connection";
import { getDomainXml, listDomainPaths } from "../libvirt/domains";

export async function readAllDomainDisks(): Promise<DomainDisks[]> {
    const paths = await listDomainPaths();
    const settled = await Promise.allSettled(paths.map(async (path): Promise<DomainDisks> => {
        const [live, persistent] = await Promise.all([getDomainXml({ path }), getDomainXml({ path, inactive: true })]);
        const running = parseDomainXml(live);
        return { name: running.name, disks: [...running.disks, ...parseDomainXml(persistent).disks] };
    }));
    // A VM undefined between the list and its read uses nothing any more; any other failure must not
    // make a volume look unused.
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected" && toLibvirtError(r.reason).kind !== "not-found");
    if (failure) throw failure.reason;
    return settled.filter((r): r is PromiseFulfilledResult<DomainDisks> => r.status === "fulfilled").map(r => r.value);
}
