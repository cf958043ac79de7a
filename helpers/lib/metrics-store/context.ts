// What the store's modules share: the directory, the log, the durability options, and for one read
// or fold the segment index and what has been warned about or moved aside so far.
import type { SqlJsStatic } from "sql.js";
import type { SegmentIndex, SegmentInfo } from "../../../src/core/metrics/fold-plan";
import type { TickRecord } from "../../../src/core/metrics/tick-record";
import type { DurabilityOptions } from "../durable-fs";
import type { Logger } from "../log";

export interface StoreEnv {
    dir: string;
    log: Logger;
    io: DurabilityOptions;
}

export interface SegmentFile extends SegmentInfo {
    path: string;
}

export interface ReadContext extends StoreEnv {
    sql: SqlJsStatic;
    index: SegmentIndex<SegmentFile>;
    // The journal's records: the open hour, and any closed one not folded yet.
    journal: TickRecord[];
    // Writers move damaged files aside; readers only warn, they must not touch the directory.
    quarantine: boolean;
    warnings: string[];
    quarantined: string[];
}
