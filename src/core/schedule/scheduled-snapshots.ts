// Snapshots taken by a schedule: their names (the schedule's pattern filled in), the mark that tells
// them from the user's own snapshots, and which of them the keep count removes. Pure.
//
// The mark is the snapshot's description, set by the scheduler when it takes the snapshot and never
// by anyone else: a name prefix would not do, as the pattern is the user's and their own snapshots may
// share it. Only snapshots whose description is exactly this schedule's mark are ever counted or
// removed.
import { hasControlCharacter } from "../config/documents";
import { localDateTime } from "./zoned-time";

export const SNAPSHOT_PLACEHOLDERS = ["vm", "date", "time"] as const;
export type SnapshotPlaceholder = typeof SNAPSHOT_PLACEHOLDERS[number];

// What the page offers as a new schedule's pattern.
export const DEFAULT_SNAPSHOT_PATTERN = "auto-{date}-{time}";

// Why a name pattern cannot be used, in English for the schema; null if it can. {date} and {time}
// are both needed, so each run (at most one a minute) gets its own name; a run in the same minute as
// another gets a suffix (see scheduledSnapshotName).
export function snapshotPatternProblem(pattern: string): string | null {
    const unknown = [...pattern.matchAll(/\{([^{}]*)\}/g)].map(m => m[1]).filter(p => !(SNAPSHOT_PLACEHOLDERS as readonly string[]).includes(p));
    if (unknown.length > 0) return `unknown placeholder {${unknown[0]}}; the pattern may use {vm}, {date} and {time}`;
    if (!pattern.includes("{date}") || !pattern.includes("{time}")) {
        return "the name pattern needs {date} and {time}, so each snapshot gets its own name";
    }
    if (pattern.includes("/")) return "a snapshot name cannot contain \"/\"";
    if (hasControlCharacter(pattern)) return "a snapshot name cannot contain control characters";
    return null;
}

function pad(n: number, width = 2): string {
    return String(n).padStart(width, "0");
}

// The pattern filled in for a run at `instant`, read in the host's zone: {date} 2026-11-26, {time}
// 0300 (hours and minutes), {vm} the VM's name. `taken`: names the VM's snapshots already have; a
// clash (two runs in one minute) gets "-2", "-3", ...
export function scheduledSnapshotName(pattern: string, vm: string, instant: number, timeZone: string, taken: ReadonlySet<string> = new Set()): string {
    const t = localDateTime(instant, timeZone);
    const values: Record<SnapshotPlaceholder, string> = {
        vm: vm.replace(/\//g, "_"),
        date: `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}`,
        time: `${pad(t.hour)}${pad(t.minute)}`,
    };
    const base = pattern.replace(/\{(vm|date|time)\}/g, (_match, key: SnapshotPlaceholder) => values[key]);
    if (!taken.has(base)) return base;
    for (let n = 2; ; n++) {
        const candidate = `${base}-${n}`;
        if (!taken.has(candidate)) return candidate;
    }
}

// The description that marks a snapshot as this schedule's.
export function scheduleSnapshotMark(schedule: string): string {
    return `Taken by KVM Manager schedule: ${schedule}`;
}

export interface SnapshotSummary {
    name: string;
    description: string | null;
    // Seconds since the epoch, as libvirt stores it.
    creationTime: number | null;
}

// The schedule's own snapshots beyond the newest `keep`, oldest first: what to delete after a
// successful snapshot. Snapshots without the schedule's mark (the user's, another schedule's) are
// never among them.
export function snapshotsBeyondKeep<S extends SnapshotSummary>(snapshots: readonly S[], schedule: string, keep: number): S[] {
    const mark = scheduleSnapshotMark(schedule);
    const own = snapshots.filter(s => s.description === mark)
        .sort((a, b) => (b.creationTime ?? 0) - (a.creationTime ?? 0) || (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
    return own.slice(Math.max(0, keep)).reverse();
}
