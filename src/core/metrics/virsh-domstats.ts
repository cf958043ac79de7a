// Reads the text of `virsh domstats --raw` into the flat records parseDomainStats understands, and the
// domain IDs that `virsh list --all --id --name` prints after it (the collector runs both in one virsh
// process: "domstats ...; echo MARKER; list --all --id --name").
// The format: a "Domain: 'NAME'" line, then one "  key=value" line per field, a blank line between
// domains. libvirt refuses newlines in domain names, so a name is exactly what sits between the first
// "'" and the last "'" of its header line, quotes and all.
import type { RawStatsRecord } from "../domain-stats";

export interface DomstatsEntry {
    name: string;
    record: RawStatsRecord;
}

const HEADER = "Domain: '";

export function parseVirshDomstats(text: string): DomstatsEntry[] {
    const entries: DomstatsEntry[] = [];
    let current: DomstatsEntry | null = null;
    for (const line of text.split("\n")) {
        if (line.startsWith(HEADER) && line.endsWith("'") && line.length > HEADER.length) {
            current = { name: line.slice(HEADER.length, -1), record: {} };
            entries.push(current);
            continue;
        }
        if (!current) continue;
        const trimmed = line.trim();
        const eq = trimmed.indexOf("=");
        if (eq <= 0) continue;
        // Values stay strings; parseDomainStats turns numeric ones into numbers.
        current.record[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
    }
    return entries;
}

export const DOMAIN_IDS_MARKER = "KVM-MANAGER-DOMAIN-IDS";

export interface CollectOutput {
    domstats: DomstatsEntry[];
    // Running VMs only: inactive ones have no ID ("-").
    domainIds: Map<string, number>;
}

// Without the marker the whole text is domstats and no IDs are known.
export function parseCollectOutput(text: string): CollectOutput {
    const lines = text.split("\n");
    const at = lines.indexOf(DOMAIN_IDS_MARKER);
    const domainIds = new Map<string, number>();
    if (at >= 0) {
        // "ID NAME": the ID has no spaces, the name may.
        for (const line of lines.slice(at + 1)) {
            const m = /^\s*(\d+) (.+)$/.exec(line);
            if (m) domainIds.set(m[2], Number(m[1]));
        }
    }
    return { domstats: parseVirshDomstats(at >= 0 ? lines.slice(0, at).join("\n") : text), domainIds };
}
