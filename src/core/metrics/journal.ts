// The collector's journal (journal.ndjson): one tick record per line, oldest first. Parsing it and
// turning its records into rows; the file itself is helpers/lib/metrics-store/journal.ts. Pure.
import { hasAnyMetric, rawRow, type BucketRow } from "./rollup";
import { decodeTickRecord, type TickRecord } from "./tick-record";

export interface JournalContents {
    records: TickRecord[];
    // Lines that are neither a record nor the torn tail of an interrupted append.
    damagedLines: number;
    damageReasons: string[];
    tornTail: boolean;
}

export function parseJournal(text: string): JournalContents {
    const lines = text.split("\n");
    // Text after the last newline is an append that kill -9 or a power cut interrupted.
    const tail = lines.pop() ?? "";
    const result: JournalContents = { records: [], damagedLines: 0, damageReasons: [], tornTail: tail !== "" };
    for (const line of lines) {
        if (line === "") continue;
        const decoded = decodeTickRecord(line);
        if (decoded.ok) {
            result.records.push(decoded.record);
        } else {
            result.damagedLines++;
            if (result.damageReasons.length < 3) result.damageReasons.push(decoded.reason);
        }
    }
    return result;
}

// Raw rows of the records with times in [loMs, hiMs), of one VM or (vm null) of all; a VM entry with
// no metric at all (nothing measurable yet) gives no row.
export function journalRows(records: readonly TickRecord[], vm: string | null, loMs: number, hiMs: number): BucketRow[] {
    const rows: BucketRow[] = [];
    for (const record of records) {
        if (record.t < loMs || record.t >= hiMs) continue;
        for (const entry of record.vms) {
            if (vm !== null && entry.name !== vm) continue;
            const row = rawRow(entry.name, record.t, entry.usage);
            if (hasAnyMetric(row.avg)) rows.push(row);
        }
    }
    return rows;
}
