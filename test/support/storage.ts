// Test storage pools on the real libvirt, through virsh with argv arrays. Pools are addressed by UUID
// where virsh would otherwise misread a name (one starting with "-").
import { virsh } from "./virsh";

/** `virsh pool-info` as a record: State, Autostart, Capacity, ... */
export async function poolInfo(name: string): Promise<Record<string, string>> {
    const out = await virsh("pool-info", "--pool", await poolUuid(name));
    return Object.fromEntries(out.split("\n").filter(l => l.includes(":"))
        .map(l => [l.slice(0, l.indexOf(":")).trim(), l.slice(l.indexOf(":") + 1).trim()]));
}

export async function poolNames(): Promise<string[]> {
    return (await virsh("pool-list", "--all", "--name")).split("\n").map(l => l.trim()).filter(l => l !== "");
}

export async function poolUuid(name: string): Promise<string> {
    for (const candidate of await poolNames()) {
        if (candidate === name) return (await virsh("pool-uuid", "--pool", candidate)).trim();
    }
    throw new Error(`no storage pool named ${JSON.stringify(name)}`);
}

/**
 * Volume names of a pool from `virsh vol-list` (9.0 has no --name): each row is the name, two or more
 * spaces, and the absolute path. Test volume names hold single spaces at most.
 */
export async function volumeNames(pool: string): Promise<string[]> {
    const rows = (await virsh("vol-list", "--pool", await poolUuid(pool))).split("\n").slice(2).map(l => l.trim()).filter(l => l !== "");
    return rows.map(line => line.split(/\s{2,}(?=\/)/)[0]).sort();
}

/** Defines (and by default starts) a directory pool at `dir`, which must exist. */
export async function defineDirPool(name: string, dir: string, { start = true } = {}): Promise<void> {
    await virsh("pool-define-as", "--name", name, "--type", "dir", "--target", dir);
    if (start) await virsh("pool-start", "--pool", await poolUuid(name));
}

/** Stops and undefines a pool, leaving its files; a pool that does not exist is fine. */
export async function removePool(name: string): Promise<void> {
    if (!(await poolNames()).includes(name)) return;
    const uuid = await poolUuid(name);
    await virsh("pool-destroy", "--pool", uuid).catch(() => undefined);
    await virsh("pool-undefine", "--pool", uuid).catch(() => undefined);
    if ((await poolNames()).includes(name)) throw new Error(`storage pool ${JSON.stringify(name)} is still defined`);
}

export async function removeAllTestPools(prefix: string): Promise<void> {
    if (prefix === "") throw new Error("removeAllTestPools needs a non-empty prefix");
    for (const name of (await poolNames()).filter(n => n.startsWith(prefix))) await removePool(name);
}

/** `virsh domblklist` as target → source ("-" for an empty drive); `inactive` reads the persistent definition. */
export async function blockList(uuid: string, { inactive = false } = {}): Promise<Record<string, string>> {
    const out = await virsh("domblklist", "--domain", uuid, ...(inactive ? ["--inactive"] : []));
    return Object.fromEntries(out.trim().split("\n").slice(2).map(line => {
        const trimmed = line.trim();
        const space = trimmed.indexOf(" ");
        return [trimmed.slice(0, space), trimmed.slice(space).trim()];
    }));
}
