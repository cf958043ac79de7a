// Reads the text of `virsh domstats --raw` into the flat records parseDomainStats understands.
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
