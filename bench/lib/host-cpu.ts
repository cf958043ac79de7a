// Where the host's CPU went during a timed section, by process name: two snapshots of /proc/PID/stat.
// A process that ended in between counts through its parent, whose cutime/cstime include every child it
// reaped (virsh processes end inside the section; cockpit-bridge or node reaps them).
import { readFile, readdir } from "node:fs/promises";

const CLOCK_TICKS_PER_SECOND = 100;

interface ProcessTimes {
    name: string;
    /** utime + stime, in clock ticks. */
    own: number;
    /** cutime + cstime: children this process reaped. */
    reaped: number;
}

export type CpuSnapshot = Map<string, ProcessTimes>;

/** Fields of /proc/PID/stat after the ")" that closes the name, which may itself hold spaces and ")". */
function parseStat(text: string): ProcessTimes | null {
    const open = text.indexOf("(");
    const close = text.lastIndexOf(")");
    if (open < 0 || close < open) return null;
    const fields = text.slice(close + 2).split(" ");
    // After the name: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
    const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map(i => Number(fields[i]));
    return { name: text.slice(open + 1, close), own: utime + stime, reaped: cutime + cstime };
}

export async function snapshotCpu(): Promise<CpuSnapshot> {
    const snapshot: CpuSnapshot = new Map();
    const pids = (await readdir("/proc")).filter(entry => /^\d+$/.test(entry));
    await Promise.all(pids.map(async pid => {
        const times = await readFile(`/proc/${pid}/stat`, "utf8").then(parseStat, () => null);
        if (times) snapshot.set(pid, times);
    }));
    return snapshot;
}

/** CPU seconds per process name between two snapshots, largest first; reaped children count as "NAME's children". */
export function cpuByName(before: CpuSnapshot, after: CpuSnapshot): [string, number][] {
    const totals = new Map<string, number>();
    const add = (name: string, ticks: number): void => {
        if (ticks > 0) totals.set(name, (totals.get(name) ?? 0) + ticks / CLOCK_TICKS_PER_SECOND);
    };
    for (const [pid, now] of after) {
        const then = before.get(pid);
        const same = then !== undefined && then.name === now.name;
        add(now.name, now.own - (same ? then.own : 0));
        add(`${now.name}'s children`, now.reaped - (same ? then.reaped : 0));
    }
    return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

export function formatCpuByName(entries: [string, number][], top = 8): string {
    const total = entries.reduce((sum, [, value]) => sum + value, 0);
    return `${total.toFixed(1)} CPU s: ` + entries.slice(0, top).map(([name, value]) => `${name} ${value.toFixed(2)}`).join(", ");
}
