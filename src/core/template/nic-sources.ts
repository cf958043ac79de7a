// What a network interface's network or bridge field offers: the libvirt networks or bridges this host
// has, and the name the template holds even when this host lacks it (a template written on another host
// still opens and can be saved unchanged). The names of what exists are sorted; a missing name comes
// first, so it is what the field shows and the warning speaks of.

// "unknown": this host's list could not be read (or is not read yet), so nothing is said about the name.
export type NicSourceState = "active" | "inactive" | "present" | "missing" | "unknown";

export interface NicSourceChoice {
    name: string;
    state: NicSourceState;
}

// A libvirt network has an active state; a host bridge only exists (active undefined).
export interface HostNicSource {
    name: string;
    active?: boolean;
}

function stateOf(source: HostNicSource): NicSourceState {
    if (source.active === undefined) return "present";
    return source.active ? "active" : "inactive";
}

export function nicSourceChoices(current: string, available: readonly HostNicSource[] | null): NicSourceChoice[] {
    if (available === null) return [{ name: current, state: "unknown" }];
    const existing = [...new Map(available.map(source => [source.name, source])).values()]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map(source => ({ name: source.name, state: stateOf(source) }));
    return existing.some(choice => choice.name === current) ? existing : [{ name: current, state: "missing" }, ...existing];
}

// The name a new interface of this kind starts with: an active network before an inactive one, else the
// usual name (which the field then shows as missing).
export function defaultNicSource(available: readonly HostNicSource[] | null, fallback: string): string {
    const sorted = [...(available ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    return (sorted.find(source => source.active !== false) ?? sorted[0])?.name ?? fallback;
}

// The names of the bridges in `ls`-like output of /sys/class/net/NAME/bridge paths, one a line.
export function bridgeNamesOfSysPaths(output: string): string[] {
    return output.split("\n")
        .map(line => /^\/sys\/class\/net\/([^/]+)\/bridge$/.exec(line.trim())?.[1])
        .filter((name): name is string => name !== undefined);
}
