// The journal file: one fsynced line per collector tick not yet folded (the open hour, usually).
// Format and parsing are core's (tick-record.ts, journal.ts); this is the file.
import { closeSync, constants, existsSync, fstatSync, ftruncateSync } from "node:fs";
import { parseJournal, type JournalContents } from "../../../src/core/metrics/journal";
import type { JournalHead } from "../../../src/core/metrics/fold-plan";
import { scanTail } from "../../../src/core/metrics/line-scan";
import {
    TICK_LINE_HEAD_BYTES, decodeTickRecord, encodeTickRecord, tickTimeOfLineStart, type TickRecord,
} from "../../../src/core/metrics/tick-record";
import { appendDurable, fsyncDir, openNoFollow, readAt, readFileNoFollow, writeStateFile } from "../durable-fs";
import type { StoreEnv } from "./context";

export interface JournalTail {
    exists: boolean;
    // The last complete record: the previous tick, whose counters this tick's rates start from.
    last: TickRecord | null;
    // The first line's record time: whether a closed hour waits to be folded.
    head: JournalHead;
}

function utf8(bytes: Uint8Array): string {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

export class Journal {
    constructor(readonly path: string, private readonly env: StoreEnv) {}

    // What a tick needs from the journal, in one open and usually two small reads (its end, its first
    // bytes). repair (writers only, with the lock held): a torn last line is cut off first, so the
    // next append starts on a line of its own.
    readTail(repair: boolean): JournalTail {
        let fd: number;
        try {
            fd = openNoFollow(this.path, repair ? constants.O_RDWR : constants.O_RDONLY);
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") return { exists: false, last: null, head: "empty" };
            throw err;
        }
        try {
            const size = fstatSync(fd).size;
            const scan = scanTail(size, (position, length) => readAt(fd, position, length));
            if (repair && scan.completeEnd < size) {
                ftruncateSync(fd, scan.completeEnd);
                this.env.log.warn(`cut ${size - scan.completeEnd} bytes of an interrupted write off the end of ${this.path}`);
            }
            if (!scan.lastLine) return { exists: true, last: null, head: "empty" };
            const decoded = decodeTickRecord(utf8(scan.lastLine.bytes));
            const headBytes = scan.lastLine.start === 0
                ? scan.lastLine.bytes.subarray(0, TICK_LINE_HEAD_BYTES)
                : readAt(fd, 0, TICK_LINE_HEAD_BYTES);
            const first = tickTimeOfLineStart(utf8(headBytes));
            return { exists: true, last: decoded.ok ? decoded.record : null, head: first ?? "unreadable" };
        } finally {
            closeSync(fd);
        }
    }

    // existed: whether the file was there before (from readTail), else looked up. A new file's
    // directory entry is fsynced too.
    append(record: TickRecord, existed = existsSync(this.path)): void {
        appendDurable(this.path, encodeTickRecord(record) + "\n", this.env.io);
        if (!existed) fsyncDir(this.env.dir, this.env.io);
    }

    read(): JournalContents {
        let text: string;
        try {
            text = readFileNoFollow(this.path).toString("utf8");
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") return parseJournal("");
            throw err;
        }
        return parseJournal(text);
    }

    rewrite(records: readonly TickRecord[]): void {
        writeStateFile(this.path, records.map(r => encodeTickRecord(r) + "\n").join(""), this.env.io);
    }
}
