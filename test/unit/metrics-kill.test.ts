// kill -9 at any moment loses at most the tick in progress: a writer ticking on a fast fake clock is
// killed again and again at random times, folds included, and every tick it reported as done must
// be readable afterwards from files that all open cleanly.
import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { fleetVmName } from "../support/synthetic-fleet";
import { createLogger } from "../../helpers/lib/log";
import { MetricsStore } from "../../helpers/lib/metrics-store";
import { bucketStart, HOUR_MS, periodStart } from "../../src/core/metrics/tiers";

// Random kills, then kills at exact moments of folds: a segment file half written, complete but not
// renamed, renamed but its directory not fsynced; at the first fold write and at later ones.
const PLANS = ["", "", "", "", "partial-write:1", "before-rename:1", "after-rename:1", "partial-write:2",
    "before-rename:3", "after-rename:2", "partial-write:3", "before-rename:2"];
const ROUNDS = PLANS.length;
const VMS = 40;
// The tick counts after which the random rounds are killed come from this seed: a failure names it,
// and KVMM_KILL_SEED=N replays the same kill points (where in a tick the kill lands still depends on
// the machine's timing).
const SEED = Number(process.env.KVMM_KILL_SEED ?? 20251126);

// mulberry32: a small, well-mixed 32-bit generator, enough to spread kill points.
function seededRandom(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
// 20:00 on the last day of a month: the run crosses an hour, a day and a month boundary.
const START = Date.UTC(2025, 0, 31, 20, 0, 0);

let work: string;
let writer: string;

beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kvmm-kill-test-"));
    writer = join(work, "writer.js");
    await esbuild.build({
        entryPoints: [join(__dirname, "metrics-kill-writer.ts")], outfile: writer,
        bundle: true, platform: "node", target: ["node18"], format: "cjs", logLevel: "warning",
    });
    copyFileSync(join(__dirname, "..", "..", "node_modules", "sql.js", "dist", "sql-wasm.wasm"), join(work, "sql-wasm.wasm"));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Round {
    committed: number[];
    steps: string[];
    // false: the writer killed itself as its plan said.
    killedByTimer: boolean;
}

// Runs the writer from startMs until it is killed: by us once it reported killAfterTicks ticks (a count,
// not a time, so a loaded machine changes nothing), or by itself at the moment its plan names.
const PLANNED_KILL_BACKSTOP_MS = 60_000;

function runAndKill(stateDir: string, startMs: number, killAfterTicks: number, plan = ""): Promise<Round> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [writer, stateDir, String(startMs), String(VMS), plan], { stdio: ["ignore", "pipe", "pipe"] });
        const round: Round = { committed: [], steps: [], killedByTimer: false };
        let buffered = "";
        let stderr = "";
        let timer: NodeJS.Timeout | null = null;
        child.stdout.setEncoding("utf8");
        child.stdout.on("data", (chunk: string) => {
            buffered += chunk;
            const lines = buffered.split("\n");
            buffered = lines.pop() ?? "";
            for (const line of lines) {
                const [, t, step] = line.split(" ");
                round.committed.push(Number(t));
                if (step) round.steps.push(step);
            }
            if (!plan && round.committed.length >= killAfterTicks && !round.killedByTimer) {
                round.killedByTimer = true;
                // The kill lands while the writer goes on: inside a later tick, a fold or between them.
                child.kill("SIGKILL");
            }
            // A planned kill comes from the writer itself; this is only a backstop against a hang.
            timer ??= setTimeout(() => {
                round.killedByTimer = true;
                child.kill("SIGKILL");
            }, PLANNED_KILL_BACKSTOP_MS);
        });
        child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
        child.on("exit", (code, signal) => {
            if (timer) clearTimeout(timer);
            if (signal !== "SIGKILL") reject(new Error(`writer exited on its own (${code}): ${stderr}`));
            else resolve(round);
        });
    });
}

test(`kill -9 during ticks and folds loses nothing that was reported done (seed ${SEED})`, async () => {
    const random = seededRandom(SEED);
    const stateDir = join(work, "state");
    const committed: number[] = [];
    const steps: string[] = [];
    let next = START;
    for (let i = 0; i < ROUNDS; i++) {
        // Random kill points spread over the tick cycle; a planned kill comes from the writer itself.
        const plan = PLANS[i];
        const killAfter = 20 + Math.floor(random() * 60);
        const round = await runAndKill(stateDir, next, killAfter, plan);
        committed.push(...round.committed);
        steps.push(...round.steps);
        if (plan) {
            expect([plan, round.killedByTimer]).toEqual([plan, false]);
            // What the kill left behind: a temporary file unless it came after the rename.
            const temps = readdirSync(join(stateDir, "metrics")).filter(n => n.includes(".tmp-"));
            expect([plan, temps.length > 0]).toEqual([plan, !plan.startsWith("after-rename")]);
        }
        // Skip the tick that may have been in progress, so no sample time is written twice.
        next = (committed.length ? committed[committed.length - 1] : next) + 60_000;
    }
    expect(committed.length).toBeGreaterThan(ROUNDS * 20);
    expect(steps).toEqual(expect.arrayContaining(["journal", "hour"]));

    // A writer that comes after: takes over the dead writers' lock, cleans up, finishes the steps.
    const lines: string[] = [];
    const store = new MetricsStore(join(stateDir, "metrics"), createLogger("after", { sink: l => lines.push(l) }));
    const now = next;
    const lock = store.lock(2000);
    try {
        store.readJournalTail();
        for (let i = 0; i < 50 && (await store.fold(now)).step !== null; i++) { /* one step at a time */ }
    } finally {
        lock.release();
    }
    expect(readdirSync(join(stateDir, "metrics")).filter(n => /\.(tmp|corrupt)-/.test(n) || n.endsWith(".lock"))).toEqual([]);
    expect(lines.filter(l => l.includes("damaged"))).toEqual([]);

    const vm = fleetVmName(3);
    // Every tick reported done within the raw tier's 6 hours is there, exactly once ...
    const rawFrom = periodStart("hour", now) - 5 * HOUR_MS;
    const raw = await store.readVmRows(vm, "raw", rawFrom, now);
    expect(raw.warnings).toEqual([]);
    const rawTimes = raw.rows.map(r => Math.floor(r.tsMs / 1000));
    expect(new Set(rawTimes).size).toBe(rawTimes.length);
    const rawSet = new Set(rawTimes);
    const missing = committed.filter(t => t >= rawFrom).filter(t => !rawSet.has(Math.floor(t / 1000)));
    expect(missing).toEqual([]);
    // ... and every one since the start is counted in the 30-minute buckets, the day and month
    // boundaries included. Extra samples can only be ticks killed after their line was written.
    const half = await store.readVmRows(vm, "30m", START, now);
    const counted = new Map(half.rows.map(r => [r.tsMs, r.n]));
    const expected = new Map<number, number>();
    for (const t of committed) expected.set(bucketStart(t, 30 * 60_000), (expected.get(bucketStart(t, 30 * 60_000)) ?? 0) + 1);
    let extra = 0;
    for (const [bucket, n] of expected) {
        // Never fewer samples than were reported done; the bucket is named when one is missing.
        expect([bucket, Math.min(counted.get(bucket) ?? 0, n)]).toEqual([bucket, n]);
        extra += (counted.get(bucket) ?? 0) - n;
    }
    expect(extra).toBeLessThanOrEqual(ROUNDS);
});
