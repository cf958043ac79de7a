// The alert files under STATE_DIR/alerts, written only by the collector's tick (under its lock):
// state.json (pending runs and fired alerts, replaced atomically and only when it changed),
// history.ndjson (one event per line, appended, compacted to the retained events when it grows), and
// outbox/ (the notifications still to deliver, a file per tick, see delivery.ts).
//
// kill -9 at any point: the state is the old or the new file; a torn history line is skipped by the
// reader. Killed after the history append but before the state replace, the next tick evaluates the
// same transition again with the same seq, and the reader keeps the later line of a seq.
// These files are not fsynced (the metrics journal is): on a busy disk one fsync took 10 to 50 ms
// here, more than the whole 20 ms the alerts may add to a tick. A power cut can lose the last
// tick's alert changes, which the next ticks evaluate again; a state file left damaged by one is
// reported and evaluation starts again.
import { closeSync, constants, fstatSync, mkdirSync, readdirSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { historyFromLines, parseAlertState, retainedHistory } from "../../../src/core/alerts/alert-records";
import { emptyAlertState, type AlertEvent, type AlertState } from "../../../src/core/alerts/evaluate";
import {
    appendDurable, openNoFollow, readTextNoFollowOrNull, STATE_DIR_MODE, TEMP_MARKER, writeStateFile, type DurabilityOptions,
} from "../durable-fs";
import type { Logger } from "../log";
import { checkStateDir, ensureStateDir } from "../paths";

export const HISTORY_COMPACT_BYTES = 2 * 1024 * 1024;

export function alertsDir(stateDir: string): string {
    return join(stateDir, "alerts");
}

export class AlertStore {
    readonly dir: string;
    private stateText: string | null = null;

    private readonly durability: DurabilityOptions = { fsync: false };

    constructor(stateDir: string, private readonly log: Logger) {
        this.dir = alertsDir(stateDir);
    }

    get statePath(): string { return join(this.dir, "state.json"); }
    get historyPath(): string { return join(this.dir, "history.ndjson"); }
    get outboxDir(): string { return join(this.dir, "outbox"); }

    // For the writer: the directory made or checked (0700, not a link, not writable by others).
    ensureDir(): void {
        ensureStateDir(this.dir);
        ensureStateDir(this.outboxDir);
    }

    // The reader's check: false when nothing was ever written.
    exists(): boolean {
        return checkStateDir(this.dir);
    }

    loadState(): AlertState {
        const text = readTextNoFollowOrNull(this.statePath);
        this.stateText = text;
        if (text === null) return emptyAlertState();
        const { state, damaged } = parseAlertState(text);
        if (damaged) {
            this.log.warn(`${this.statePath} is damaged; alert evaluation starts again from no pending or fired alerts`);
            this.stateText = null;
        }
        return state;
    }

    saveState(state: AlertState): void {
        const text = JSON.stringify(state);
        if (text === this.stateText) return;
        writeStateFile(this.statePath, text, this.durability);
        this.stateText = text;
    }

    appendHistory(events: readonly AlertEvent[], nowMs: number): void {
        if (events.length === 0) return;
        appendDurable(this.historyPath, events.map(e => JSON.stringify(e) + "\n").join(""), this.durability);
        if (this.historySize() > HISTORY_COMPACT_BYTES) {
            const kept = retainedHistory(this.readHistory(), nowMs);
            writeStateFile(this.historyPath, kept.map(e => JSON.stringify(e) + "\n").join(""), this.durability);
        }
    }

    private historySize(): number {
        const fd = openNoFollow(this.historyPath, constants.O_RDONLY);
        try {
            return fstatSync(fd).size;
        } finally {
            closeSync(fd);
        }
    }

    // Oldest first.
    readHistory(): AlertEvent[] {
        const text = readTextNoFollowOrNull(this.historyPath);
        return text === null ? [] : historyFromLines(text.split("\n"));
    }

    // Notifications waiting in the outbox (their file names), leftovers of an interrupted write aside.
    outbox(): string[] {
        try {
            return readdirSync(this.outboxDir).filter(n => n.endsWith(".json") && !n.includes(TEMP_MARKER)).sort();
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
            throw err;
        }
    }

    enqueue(fileName: string, data: string): void {
        mkdirSync(this.outboxDir, { recursive: true, mode: STATE_DIR_MODE });
        writeStateFile(join(this.outboxDir, fileName), data, this.durability);
    }

    readOutboxFile(fileName: string): string | null {
        return readTextNoFollowOrNull(join(this.outboxDir, fileName));
    }

    removeOutboxFile(fileName: string): void {
        try {
            unlinkSync(join(this.outboxDir, fileName));
        } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        }
    }
}
