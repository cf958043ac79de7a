// Benchmark of the scheduler's whole tick over SCHEDULES schedule files: `npx tsx bench/scheduler-tick.ts
// [--schedules 200] [--rounds 20] [--time-zone Europe/Berlin]`. The issue's target: at most 200 ms.
//
// What a tick costs when nothing is due, which is nearly every minute: listing and reading the files
// (no-follow, non-blocking opens), validating each with the schedule schema, taking and releasing each
// schedule's run lock, reading the state file, and decideTick. The schedules are a fixed mix of every
// operation and frequency, at times spread over the day but none at the benchmark's minute, so no VM
// is touched (bench/schedule-prune.ts times decideTick alone, a due run's cost is libvirt's).
// 1. schedulerTick in this process, fsync on: first (cold) round apart, then the median of ROUNDS.
// 2. The bundled kvm-manager-scheduler --once as a process, as the timer starts it: wall time with
//    node's start-up, median of 5.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as esbuild from "esbuild";
import { silentLogger } from "../helpers/lib/log";
import { schedulerTick } from "../helpers/lib/scheduler";
import type { ScheduleDocument } from "../src/core/schedule/schedule-document";

const TARGET_MS = 200;

const { values: args } = parseArgs({
    options: {
        schedules: { type: "string", default: "200" },
        rounds: { type: "string", default: "20" },
        "time-zone": { type: "string", default: "Europe/Berlin" },
    },
});
const SCHEDULES = Number(args.schedules);
const ROUNDS = Number(args.rounds);
const TIME_ZONE = args["time-zone"] ?? "Europe/Berlin";
// 12:59:30 in Berlin; every schedule's minute is 0 to 58.
const NOW = Date.parse("2026-11-26T11:59:30Z");

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

function ms(value: number): string {
    return `${value.toFixed(1)} ms`;
}

function verdict(value: number): string {
    return value <= TARGET_MS ? `within the target of ${TARGET_MS} ms` : `OVER the target of ${TARGET_MS} ms`;
}

// Deterministic: schedule i's operation, frequency and time follow from i.
function scheduleDocument(i: number): ScheduleDocument {
    const operations: ScheduleDocument["operation"][] = [
        { type: "start" }, { type: "shutdown", timeoutSeconds: 120, then: "force-off" }, { type: "reboot" },
        { type: "snapshot", namePattern: "auto-{date}-{time}", keep: 7 }, { type: "backup", job: `job ${i}` },
    ];
    const whens: ScheduleDocument["when"][] = [
        { frequency: "daily" }, { frequency: "weekly", days: [1, 3, 5] },
        { frequency: "monthly", day: 1 + (i % 31), shortMonths: i % 2 ? "skip" : "last-day" }, { frequency: "once", date: "2027-03-28" },
    ];
    const operation = operations[i % operations.length];
    return {
        version: 1,
        vms: operation.type === "backup" ? [] : Array.from({ length: 1 + (i % 5) }, (_, k) => `bench vm ${i}-${k} "ü" $(x)`),
        operation,
        when: whens[i % whens.length],
        time: `${String((i * 7) % 24).padStart(2, "0")}:${String((i * 13) % 59).padStart(2, "0")}`,
        enabled: i % 10 !== 0,
        activeSince: new Date(NOW - 30_000).toISOString(),
    };
}

async function main(): Promise<void> {
    const work = mkdtempSync(join(tmpdir(), "kvmm-bench-scheduler-"));
    try {
        const configDir = join(work, "etc");
        const stateDir = join(work, "state");
        mkdirSync(join(configDir, "schedules"), { recursive: true });
        for (let i = 0; i < SCHEDULES; i++) {
            writeFileSync(join(configDir, "schedules", `schedule ${String(i).padStart(4, "0")}.json`), JSON.stringify(scheduleDocument(i), null, 2));
        }
        const ctx = { configDir, stateDir, uri: "test:///default", timeZone: TIME_ZONE, now: NOW, log: silentLogger };
        const times: number[] = [];
        for (let round = 0; round < ROUNDS + 1; round++) {
            const started = performance.now();
            const outcome = await schedulerTick(ctx);
            times.push(performance.now() - started);
            if (outcome.ran.length > 0 || outcome.damaged.length > 0) throw new Error("a benchmark schedule ran or was damaged");
        }
        const steady = median(times.slice(1));
        console.log(`time zone ${TIME_ZONE}, ${ROUNDS} rounds, node ${process.version}`);
        console.log(`tick in process, ${SCHEDULES} schedule files, none due: first ${ms(times[0])}, median ${ms(steady)}, `
            + `max ${ms(Math.max(...times.slice(1)))} (${verdict(steady)})`);

        await esbuild.build({
            entryPoints: [join(__dirname, "..", "helpers", "commands", "kvm-manager-scheduler.ts")],
            bundle: true, platform: "node", target: ["node18"], format: "cjs", outdir: work, logLevel: "warning",
        });
        const walls: number[] = [];
        for (let round = 0; round < 5; round++) {
            const started = performance.now();
            const r = spawnSync(process.execPath, [join(work, "kvm-manager-scheduler.js"), "--once", "--config-dir", configDir, "--state-dir", stateDir,
                "--time-zone", TIME_ZONE, "--now", new Date(NOW).toISOString()], { encoding: "utf8" });
            walls.push(performance.now() - started);
            if (r.status !== 0) throw new Error(`kvm-manager-scheduler exited ${r.status}: ${r.stderr}`);
        }
        console.log(`kvm-manager-scheduler --once as a process, ${SCHEDULES} schedule files: median of 5 ${ms(median(walls))} wall `
            + `(node start-up included; ${verdict(median(walls))})`);
    } finally {
        rmSync(work, { recursive: true, force: true });
    }
}

main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
});
