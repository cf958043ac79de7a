// Benchmark of the pure parts of scheduling and retention: `npx tsx bench/schedule-prune.ts
// [--schedules 200] [--backups 10000] [--rounds 20] [--time-zone Europe/Berlin]`.
//
// 1. A scheduler tick over SCHEDULES schedules (a fixed mix of daily, weekly, monthly and once, at
//    times spread over the day): decideTick for each, on an ordinary day and on the spring-forward
//    day (where times in the skipped hour cost a search for the jump). Only the decision is timed:
//    reading the schedules and starting jobs are not part of it.
// 2. selectBackupsToPrune over BACKUPS backup times (hourly, newest first) with all six keep options.
// 3. The bundled `kvm-manager-backup prune --simulate` on the same times, as a process: wall time
//    including node's start-up and the JSON output.
// Medians over ROUNDS; the first (cold) round is shown apart, as the zone's formatter is built there.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { selectBackupsToPrune, type PruneOptions } from "../src/core/backup/prune";
import type { Schedule, Weekday } from "../src/core/schedule/schedule";
import { decideTick, type ScheduleRunState } from "../src/core/schedule/tick";

const TARGETS = { tickMs: 200, pruneMs: 100 };

const { values: args } = parseArgs({
    options: {
        schedules: { type: "string", default: "200" },
        backups: { type: "string", default: "10000" },
        rounds: { type: "string", default: "20" },
        "time-zone": { type: "string", default: "Europe/Berlin" },
    },
});
const SCHEDULES = Number(args.schedules);
const BACKUPS = Number(args.backups);
const ROUNDS = Number(args.rounds);
const TIME_ZONE = args["time-zone"] ?? "Europe/Berlin";

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

function ms(value: number): string {
    return `${value.toFixed(2)} ms`;
}

function verdict(value: number, target: number): string {
    return value <= target ? `within the target of ${target} ms` : `OVER the target of ${target} ms`;
}

// Deterministic: schedule i's kind and time follow from i.
function scheduleMix(count: number): Schedule[] {
    return Array.from({ length: count }, (_, i): Schedule => {
        const time = { hour: (i * 7) % 24, minute: (i * 13) % 60 };
        switch (i % 4) {
        case 0: return { frequency: "daily", enabled: true, time };
        case 1: return { frequency: "weekly", days: [1, 3, 5, (i % 7) + 1].filter((d, k, a) => a.indexOf(d) === k) as Weekday[], enabled: true, time };
        case 2: return { frequency: "monthly", day: i % 8 === 2 ? "last" : (i % 31) + 1, shortMonths: i % 3 === 0 ? "skip" : "last-day", enabled: true, time };
        default: return { frequency: "once", date: { year: 2027, month: 1 + (i % 12), day: 1 + (i % 28) }, enabled: true, time };
        }
    });
}

function timeTick(label: string, schedules: Schedule[], now: number): void {
    // Last run a day and a half ago: the daily schedules are due, the others mostly not.
    const states: ScheduleRunState[] = schedules.map((_, i) => ({
        lastRunStart: now - 36 * 3600_000, activeSince: now - 400 * 86_400_000, running: i % 10 === 0,
    }));
    const times: number[] = [];
    let due = 0;
    for (let round = 0; round < ROUNDS + 1; round++) {
        const started = performance.now();
        due = 0;
        for (let i = 0; i < schedules.length; i++) if (decideTick(schedules[i], states[i], now, TIME_ZONE).run) due++;
        times.push(performance.now() - started);
    }
    const steady = median(times.slice(1));
    console.log(`tick, ${label}: ${schedules.length} schedules, ${due} due: first ${ms(times[0])}, median ${ms(steady)}, `
        + `max ${ms(Math.max(...times.slice(1)))} (${verdict(steady, TARGETS.tickMs)}; decision only)`);
}

const schedules = scheduleMix(SCHEDULES);
console.log(`time zone ${TIME_ZONE}, ${ROUNDS} rounds, node ${process.version}`);
timeTick("an ordinary day (2026-11-26 12:00Z)", schedules, Date.parse("2026-11-26T12:00:00Z"));
timeTick("spring-forward day (2026-03-29 12:00Z)", schedules, Date.parse("2026-03-29T12:00:00Z"));

const newest = Date.parse("2026-11-26T12:00:00Z");
const backups = Array.from({ length: BACKUPS }, (_, i) => ({ id: String(i), time: newest - i * 3600_000 }));
const options: PruneOptions = { "keep-last": 3, "keep-hourly": 24, "keep-daily": 14, "keep-weekly": 8, "keep-monthly": 12, "keep-yearly": 5 };
const pruneTimes: number[] = [];
let kept = 0;
for (let round = 0; round < ROUNDS + 1; round++) {
    const started = performance.now();
    kept = selectBackupsToPrune(backups, options, TIME_ZONE).filter(d => d.keep).length;
    pruneTimes.push(performance.now() - started);
}
const pruneSteady = median(pruneTimes.slice(1));
console.log(`prune selection: ${BACKUPS} hourly backups, ${kept} kept: first ${ms(pruneTimes[0])}, median ${ms(pruneSteady)}, `
    + `max ${ms(Math.max(...pruneTimes.slice(1)))} (${verdict(pruneSteady, TARGETS.pruneMs)})`);

async function timeCommand(): Promise<void> {
    const work = mkdtempSync(join(tmpdir(), "kvmm-bench-backup-"));
    try {
        await esbuild.build({
            entryPoints: [join(__dirname, "..", "helpers", "commands", "kvm-manager-backup.ts")],
            bundle: true, platform: "node", target: ["node18"], format: "cjs", outdir: work, logLevel: "warning",
        });
        const input = backups.map(b => new Date(b.time).toISOString()).join("\n") + "\n";
        const commandArgs = [join(work, "kvm-manager-backup.js"), "prune", "--simulate", `--time-zone=${TIME_ZONE}`,
            ...Object.entries(options).map(([k, v]) => `--${k}=${v}`)];
        const walls: number[] = [];
        for (let round = 0; round < 3; round++) {
            const started = performance.now();
            const r = spawnSync(process.execPath, commandArgs, { input, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
            walls.push(performance.now() - started);
            if (r.status !== 0) throw new Error(`kvm-manager-backup exited ${r.status}: ${r.stderr}`);
        }
        console.log(`kvm-manager-backup prune --simulate, ${BACKUPS} lines on stdin: median of 3 ${ms(median(walls))} wall (node start-up included)`);
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
}

timeCommand().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
});
