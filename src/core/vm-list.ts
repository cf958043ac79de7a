// Filtering and sorting of the VM list. Pure so every rule (state groups, how missing usage sorts) is
// unit-tested on plain rows.
import type { DomainState } from "./domain-state";

export interface VmListItem {
    name: string;
    state: DomainState;
    vcpus: number | null;
    memoryKiB: number | null;
    cpuPercent: number | null;
    memoryUsedKiB: number | null;
    /** null until counted. */
    snapshots: number | null;
}

export type StateFilter = "all" | "running" | "paused" | "shut-off" | "other";

export const STATE_FILTERS: readonly StateFilter[] = ["all", "running", "paused", "shut-off", "other"];

export function stateGroup(state: DomainState): Exclude<StateFilter, "all"> {
    if (state === "running" || state === "blocked") return "running";
    if (state === "paused" || state === "pm-suspended") return "paused";
    if (state === "shut-off") return "shut-off";
    return "other";
}

export interface ListFilter {
    text: string;
    state: StateFilter;
}

export function filterVms<T extends VmListItem>(items: readonly T[], { text, state }: ListFilter): T[] {
    const needle = text.trim().toLocaleLowerCase();
    return items.filter(item =>
        (state === "all" || stateGroup(item.state) === state) &&
        (needle === "" || item.name.toLocaleLowerCase().includes(needle)));
}

export type SortColumn = "name" | "state" | "vcpus" | "memory" | "cpu" | "memoryUsed" | "snapshots";
export type SortDirection = "asc" | "desc";

// Running first when sorting by state ascending: the order an admin scans in.
const STATE_ORDER: readonly DomainState[] = [
    "running", "blocked", "paused", "pm-suspended", "shutting-down", "crashed", "shut-off", "unknown",
];

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

function compareNullable(a: number | null, b: number | null): number {
    // Rows without a value (a shut-off VM has no CPU usage) sort after every row with one, in both directions.
    if (a === null && b === null) return 0;
    if (a === null) return 1;
    if (b === null) return -1;
    return a - b;
}

function sortKey(item: VmListItem, column: SortColumn): number | null {
    switch (column) {
    case "vcpus": return item.vcpus;
    case "memory": return item.memoryKiB;
    case "cpu": return item.cpuPercent;
    case "memoryUsed": return item.memoryUsedKiB;
    case "snapshots": return item.snapshots;
    case "state": return STATE_ORDER.indexOf(item.state);
    case "name": return null;
    }
}

export function sortVms<T extends VmListItem>(items: readonly T[], column: SortColumn, direction: SortDirection): T[] {
    const sign = direction === "asc" ? 1 : -1;
    return [...items].sort((a, b) => {
        let result: number;
        if (column === "name") {
            result = sign * collator.compare(a.name, b.name);
        } else {
            const ka = sortKey(a, column);
            const kb = sortKey(b, column);
            result = ka === null || kb === null ? compareNullable(ka, kb) : sign * (ka - kb);
        }
        // Equal keys keep a stable, readable order: by name.
        return result !== 0 ? result : collator.compare(a.name, b.name);
    });
}
