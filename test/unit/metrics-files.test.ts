// The pure side of the metrics directory: file names, quarantine names, which fold step is due, the
// journal's lines (parsing, rows, the first bytes of a record) and the backwards scan for its last line.
import { TextEncoder } from "node:util";
import {
    buildSegmentIndex, closedJournalHours, filesWaitingForFold, isFoldPending, journalHeadNeedsFold, pendingDays,
    pendingMinuteHours, type SegmentInfo,
} from "../../src/core/metrics/fold-plan";
import { journalRows, parseJournal } from "../../src/core/metrics/journal";
import { scanTail, type ReadAt } from "../../src/core/metrics/line-scan";
import {
    isQuarantineName, parseSegmentFileName, quarantineName, quarantineTime, segmentFileName,
} from "../../src/core/metrics/segment-names";
import {
    TICK_LINE_HEAD_BYTES, encodeTickRecord, tickTimeOfLineStart, type TickRecord,
} from "../../src/core/metrics/tick-record";
import { DAY_MS, HOUR_MS, MINUTE_MS, periodEnd, tierById, type TierId } from "../../src/core/metrics/tiers";
import { NO_USAGE } from "../../src/core/usage";

const HOUR = Date.UTC(2025, 0, 31, 13);

describe("segment and quarantine names", () => {
    test("names round-trip and nonsense is refused", () => {
        expect(segmentFileName(tierById("raw"), HOUR)).toBe("raw-2025-01-31T13.sqlite");
        expect(segmentFileName(tierById("30m"), HOUR)).toBe("30m-2025-01-31.sqlite");
        expect(segmentFileName(tierById("6h"), HOUR)).toBe("6h-2025-01.sqlite");
        expect(parseSegmentFileName("1m-2025-01-31T13.sqlite")).toEqual({ tier: "1m", startMs: HOUR });
        expect(parseSegmentFileName("6h-2025-01.sqlite")).toEqual({ tier: "6h", startMs: Date.UTC(2025, 0, 1) });
        for (const bad of ["1m-2025-01-31.sqlite", "30m-2025-02-30.sqlite", "raw-2025-01-31T13.sqlite.tmp-1-2", "x.sqlite",
            "1m-2025-01-31T13.sqlite.corrupt-20250131T130000Z", "raw-2025-01-31T24.sqlite", "6h-2025-13.sqlite", ""]) {
            expect([bad, parseSegmentFileName(bad)]).toEqual([bad, null]);
        }
    });

    test("a quarantined file says when it was moved aside, to the second", () => {
        const at = Date.UTC(2025, 0, 31, 13, 0, 5, 123);
        const name = quarantineName("30m-2025-01-31.sqlite", at);
        expect(name).toBe("30m-2025-01-31.sqlite.corrupt-20250131T130005Z");
        expect(quarantineTime(name)).toBe(Date.UTC(2025, 0, 31, 13, 0, 5));
        expect(isQuarantineName(name)).toBe(true);
        expect(parseSegmentFileName(name)).toBeNull();
        expect(quarantineTime("journal.ndjson")).toBeNull();
        expect(quarantineTime("x.corrupt-20251399T250000Z")).toBeNull();
        expect(quarantineTime("x.corrupt-20250131T130005Z.tmp-1")).toBeNull();
    });
});

function seg(tier: TierId, startMs: number, mtimeMs: number): SegmentInfo {
    const t = tierById(tier);
    return { tier, startMs, endMs: periodEnd(t.period, startMs), name: segmentFileName(t, startMs), mtimeMs, sizeBytes: 1 };
}

describe("which fold step is due", () => {
    const NOW = HOUR + 2 * HOUR_MS + 5 * MINUTE_MS; // 15:05

    test("closed hours of the journal, oldest first, each once; the open hour is not one", () => {
        const times = [HOUR + 10, HOUR + HOUR_MS + 5, HOUR + 20, NOW - 1000, HOUR - 3 * DAY_MS];
        expect(closedJournalHours(times, NOW)).toEqual([HOUR - 3 * DAY_MS, HOUR, HOUR + HOUR_MS]);
        expect(closedJournalHours([NOW - 1000, NOW], NOW)).toEqual([]);
    });

    test("a raw file of a closed hour without a 1m file, or newer than it, is pending; the open hour and expired hours are not", () => {
        const index = buildSegmentIndex([
            seg("raw", HOUR, 100), seg("1m", HOUR, 200),                          // done
            seg("raw", HOUR + HOUR_MS, 300),                                      // no 1m file yet
            seg("raw", HOUR - HOUR_MS, 500), seg("1m", HOUR - HOUR_MS, 400),      // late samples merged since
            seg("raw", HOUR + 2 * HOUR_MS, 600),                                  // the open hour
            seg("raw", HOUR - 2 * DAY_MS, 1),                                     // older than the 1m tier keeps
        ]);
        expect(pendingMinuteHours(index, NOW)).toEqual([HOUR - HOUR_MS, HOUR + HOUR_MS]);
        expect(isFoldPending(index, NOW)).toBe(true);
        expect([...filesWaitingForFold(index, NOW)].sort()).toEqual(["raw-2025-01-31T12.sqlite", "raw-2025-01-31T14.sqlite"]);
    });

    test("a closed day's 30m file newer than its month's 6h file is pending; today is not", () => {
        const day = Date.UTC(2025, 0, 30);
        const index = buildSegmentIndex([
            seg("30m", day - DAY_MS, 100), seg("6h", Date.UTC(2025, 0, 1), 150), // merged
            seg("30m", day, 200),                                              // newer than the month: pending
            seg("30m", Date.UTC(2025, 0, 31), 300),                            // today
        ]);
        expect(pendingDays(index, NOW)).toEqual([day]);
        expect(pendingDays(buildSegmentIndex([seg("30m", day, 200)]), NOW)).toEqual([day]);
        expect(pendingDays(buildSegmentIndex([seg("30m", day, 200), seg("6h", Date.UTC(2025, 0, 1), 200)]), NOW)).toEqual([]);
        expect(isFoldPending(buildSegmentIndex([]), NOW)).toBe(false);
    });

    test("the journal's first record: a closed hour or a line that is no record makes a step due", () => {
        expect(journalHeadNeedsFold("empty", NOW)).toBe(false);
        expect(journalHeadNeedsFold("unreadable", NOW)).toBe(true);
        expect(journalHeadNeedsFold(HOUR + 2 * HOUR_MS, NOW)).toBe(false);
        expect(journalHeadNeedsFold(HOUR + 2 * HOUR_MS - 1, NOW)).toBe(true);
    });
});

function record(t: number, names: string[], cpu: number | null = 5): TickRecord {
    return {
        t,
        vms: names.map(name => ({
            name, id: 1, cpuTimeNs: 1e9, vcpus: 1, disks: [{ name: "vda", readBytes: 1, writeBytes: 2 }], nics: [],
            usage: { ...NO_USAGE, cpuPercent: cpu },
        })),
    };
}

describe("journal lines", () => {
    test("a record's time is read from its line's first bytes, as encodeTickRecord writes it", () => {
        const odd = "it's \"odd\" $(x) ü\n{\"v\":2,\"t\":1}";
        const line = encodeTickRecord(record(HOUR + 30_000, [odd]));
        expect(tickTimeOfLineStart(line.slice(0, TICK_LINE_HEAD_BYTES))).toBe(HOUR + 30_000);
        expect(tickTimeOfLineStart('{"v":1,"t":1738328400000,"vms":[]}')).toBe(1738328400000);
        for (const bad of ["", "\u0000\u0000garbage", '{"v":99,"t":5,"vms":[]}', '{"t":5,"v":2,"vms":[]}', '{"v":2,"t":17383']) {
            expect([bad, tickTimeOfLineStart(bad)]).toEqual([bad, null]);
        }
    });

    test("parsing: good lines, damaged lines counted with a reason, a torn tail noticed", () => {
        const good = [record(HOUR, ["a"]), record(HOUR + 30_000, ["a", "b"])];
        const text = `${encodeTickRecord(good[0])}\n\n{"v":2,"t":"x"}\nnot json\n${encodeTickRecord(good[1])}\n{"v":2,"t":17`;
        const parsed = parseJournal(text);
        expect(parsed.records).toEqual(good);
        expect(parsed.damagedLines).toBe(2);
        expect(parsed.damageReasons).toEqual(["tick record without time or VM list", "not JSON (a torn or damaged line)"]);
        expect(parsed.tornTail).toBe(true);
        expect(parseJournal("")).toEqual({ records: [], damagedLines: 0, damageReasons: [], tornTail: false });
    });

    test("rows: one VM or all, in [lo, hi), and nothing for an entry without a single metric", () => {
        const records = [record(HOUR, ["a", "b"]), record(HOUR + 30_000, ["a"], null), record(HOUR + 60_000, ["a"])];
        expect(journalRows(records, "a", HOUR, HOUR + HOUR_MS).map(r => [r.vm, r.tsMs])).toEqual([["a", HOUR], ["a", HOUR + 60_000]]);
        expect(journalRows(records, null, HOUR, HOUR + 60_000).map(r => r.vm)).toEqual(["a", "b"]);
        expect(journalRows(records, "c", 0, Infinity)).toEqual([]);
    });
});

describe("scanning back for the last line", () => {
    const encoder = new TextEncoder();
    function reader(text: string): { size: number; read: ReadAt; reads: number[][] } {
        const bytes = encoder.encode(text);
        const reads: number[][] = [];
        return { size: bytes.length, reads, read: (position, length) => { reads.push([position, length]); return bytes.subarray(position, position + length); } };
    }
    const decode = (b: Uint8Array | undefined): string | undefined => (b ? Buffer.from(b).toString("utf8") : undefined);

    test.each([1, 2, 3, 7, 64 * 1024])("lines, torn tails, no newline at all (chunks of %i bytes)", chunk => {
        const cases: [string, number, number | null, string | undefined][] = [
            // text, completeEnd, last line start, last line
            ["", 0, null, undefined],
            ["torn", 0, null, undefined],
            ["one\n", 4, 0, "one"],
            ["one\ntwo\n", 8, 4, "two"],
            ["one\ntwo\nthr", 8, 4, "two"],
            ["one\n\n", 5, 4, ""],
            ["ü-€\n日本\n", 14, 7, "日本"],
        ];
        for (const [text, completeEnd, start, line] of cases) {
            const r = reader(text);
            const scan = scanTail(r.size, r.read, chunk);
            expect([text, scan.completeEnd, scan.lastLine?.start ?? null, decode(scan.lastLine?.bytes)]).toEqual([text, completeEnd, start, line]);
        }
    });

    test("a journal of many long lines costs reads near its end only", () => {
        const line = "x".repeat(1000);
        const r = reader(`${line}\n`.repeat(1000) + "torn");
        const scan = scanTail(r.size, r.read, 4096);
        expect(scan.completeEnd).toBe(1001 * 1000);
        expect(scan.lastLine?.start).toBe(1001 * 999);
        expect(r.reads).toEqual([[r.size - 4096, 4096]]);
    });
});
