// Damaged files: a reader skips them and still answers from what else there is; a writer moves them
// aside as NAME.corrupt-TIMESTAMP with a clear log line, starts a new file, and refills it from the
// finer tiers where those still hold the data.
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fleetVmName } from "../support/synthetic-fleet";
import { JOURNAL_FILE } from "../../helpers/lib/metrics-store";
import { HOUR_MS, MINUTE_MS } from "../../src/core/metrics/tiers";
import { simulateTicks, tempStore, type TestStore } from "./metrics-helpers";

const START = Date.UTC(2025, 2, 10, 10, 0, 0);
const VM = fleetVmName(2);

function corruptFiles(t: TestStore): string[] {
    return readdirSync(t.dir).filter(n => /\.corrupt-\d{8}T\d{6}Z$/.test(n)).sort();
}

let t: TestStore;
beforeEach(async () => {
    t = tempStore();
    // 10:00 to 13:01: three closed hours in raw, 1m and the day's 30m file.
    await simulateTicks(t, START, START + 3 * HOUR_MS + 60_000);
});
afterEach(() => t.cleanup());

test("a reader skips a damaged file with a warning, answers from the finer tier, and moves nothing", async () => {
    const path = join(t.dir, "1m-2025-03-10T11.sqlite");
    writeFileSync(path, "this is not an SQLite database, it was overwritten by something else".repeat(100));
    const { rows, warnings } = await t.store.readVmRows(VM, "1m", START, START + 3 * HOUR_MS);
    expect(warnings).toEqual([expect.stringMatching(/^1m-2025-03-10T11\.sqlite is damaged \(file is not a database\); skipped$/)]);
    // 11:00-12:00 came from the raw file instead: nothing is missing.
    expect(rows.filter(r => r.tsMs >= START + HOUR_MS && r.tsMs < START + 2 * HOUR_MS)).toHaveLength(60);
    expect(rows).toHaveLength(180);
    expect(existsSync(path)).toBe(true);
    expect(corruptFiles(t)).toEqual([]);
});

test("a writer moves a damaged file aside, logs it, and starts a new one rebuilt from the finer tier", async () => {
    const path = join(t.dir, "30m-2025-03-10.sqlite");
    const good = readFileSync(path);
    // Cut in half: the header still reads, the pages past the cut do not.
    writeFileSync(path, good.subarray(0, Math.floor(good.length / 2)));
    // The next hour closes: its step merges into the damaged 30m file.
    await simulateTicks(t, START + 3 * HOUR_MS + 60_000, START + 4 * HOUR_MS + 60_000);
    const aside = corruptFiles(t);
    expect(aside).toEqual([expect.stringMatching(/^30m-2025-03-10\.sqlite\.corrupt-\d{8}T\d{6}Z$/)]);
    const logged = t.lines.filter(l => l.includes("is damaged"));
    expect(logged).toEqual([expect.stringMatching(
        new RegExp(`^test: error: .*30m-2025-03-10\\.sqlite is damaged \\(.+\\); moved it aside to .*${aside[0].replace(/\./g, "\\.")} and starting a new one$`))]);
    // The new file has every closed hour again, rebuilt from the 1m files: 10:00 to 14:00.
    const { rows, warnings } = await t.store.readVmRows(VM, "30m", START, START + 4 * HOUR_MS);
    expect(warnings).toEqual([]);
    expect(rows.map(r => (r.tsMs - START) / (30 * MINUTE_MS))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(rows.every(r => r.n === 60)).toBe(true);
});

test("garbage where a journal line should be: the journal is moved aside and a clean one goes on", async () => {
    const path = join(t.dir, JOURNAL_FILE);
    const lines = readFileSync(path, "utf8").split("\n");
    lines.splice(1, 0, "\u0000\u0000\u0000garbage from a bad disk");
    const damaged = lines.join("\n");
    writeFileSync(path, damaged);
    expect(t.store.readJournal()).toMatchObject({ damagedLines: 1 });
    const before = t.store.readJournal().records.length;
    // A reader still gets the good lines.
    const read = await t.store.readVmRows(VM, "raw", START + 3 * HOUR_MS, START + 4 * HOUR_MS);
    expect(read.rows).toHaveLength(before);
    expect(read.warnings).toEqual([`${JOURNAL_FILE}: 1 damaged lines skipped`]);
    // The writer's next fold cleans it up.
    const report = await t.store.fold(START + 3 * HOUR_MS + 90_000);
    expect(report.step).toBe("journal");
    const aside = corruptFiles(t);
    expect(aside).toEqual([expect.stringMatching(/^journal\.ndjson\.corrupt-\d{8}T\d{6}Z$/)]);
    // Moved aside as it was, garbage included: nothing is lost for a person to look at.
    expect(readFileSync(join(t.dir, aside[0]), "utf8")).toBe(damaged);
    expect(t.store.readJournal()).toMatchObject({ damagedLines: 0 });
    expect(t.store.readJournal().records).toHaveLength(before);
    expect(t.lines.some(l => /journal\.ndjson is damaged \(1 unreadable lines: not JSON/.test(l))).toBe(true);
    // ... and ticks go on in the new journal.
    await simulateTicks(t, START + 3 * HOUR_MS + 120_000, START + 3 * HOUR_MS + 180_000);
    expect(t.store.readJournal().records).toHaveLength(before + 2);
});

test("a damaged file past the retention cutoff is removed with the rest, its row count unknown", async () => {
    const path = join(t.dir, "raw-2025-03-10T10.sqlite");
    writeFileSync(path, "garbage");
    const report = await t.store.prune(START + HOUR_MS + 1, false);
    expect(report.files.find(f => f.name === "raw-2025-03-10T10.sqlite")).toMatchObject({ action: "deleted", rows: null });
    expect(existsSync(path)).toBe(false);
});
