// Processes below a given one: what a test started and must not leave behind, or what carries a channel.
import { run } from "./exec";

// Every process below `pid` (children, their children, ...), from one `ps` listing.
export async function descendantPids(pid: number): Promise<number[]> {
    const listing = await run("ps", ["-e", "-o", "pid=,ppid="]);
    const children = new Map<number, number[]>();
    for (const line of listing.split("\n")) {
        const [child, parent] = line.trim().split(/\s+/).map(Number);
        if (!child || parent === undefined) continue;
        children.set(parent, [...(children.get(parent) ?? []), child]);
    }
    const found: number[] = [];
    const queue = [...(children.get(pid) ?? [])];
    while (queue.length > 0) {
        const next = queue.shift() as number;
        found.push(next);
        queue.push(...(children.get(next) ?? []));
    }
    return found;
}
