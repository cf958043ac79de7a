// `kvm-manager-backup prune --simulate`, bundled as build.ts bundles it and run as a process with
// backup times on stdin.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";

let work: string;
let command: string;

beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kvmm-backup-test-"));
    await esbuild.build({
        entryPoints: [join(__dirname, "..", "..", "helpers", "commands", "kvm-manager-backup.ts")],
        bundle: true, platform: "node", target: ["node18"], format: "cjs", outdir: work, logLevel: "warning",
    });
    command = join(work, "kvm-manager-backup.js");
});

afterAll(() => {
    rmSync(work, { recursive: true, force: true });
});

function run(args: string[], input: string, env: Record<string, string> = {}) {
    const result = spawnSync(process.execPath, [command, ...args], { input, encoding: "utf8", env: { ...process.env, TZ: "UTC", ...env } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface SimulateOutput {
    timeZone: string;
    options: Record<string, number | boolean>;
    kept: number;
    removed: number;
    backups: { line: number; time: string; utc: string; action: string; keptBy?: string }[];
}

function simulate(args: string[], input: string, env: Record<string, string> = {}): SimulateOutput {
    const r = run(["prune", "--simulate", ...args], input, env);
    if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
    expect(r.stderr).toBe("");
    return JSON.parse(r.stdout) as SimulateOutput;
}

function dailyTimes(days: number): string {
    const last = Date.parse("2026-11-26T03:00:00Z");
    return Array.from({ length: days }, (_, i) => new Date(last - i * 86_400_000).toISOString()).join("\n") + "\n";
}

test("REFERENCE's example: 40 daily backups, keep-last=3 and keep-daily=13 keep 16", () => {
    const out = simulate(["--keep-last=3", "--keep-daily", "13"], dailyTimes(40));
    expect(out).toMatchObject({ timeZone: "UTC", options: { "keep-last": 3, "keep-daily": 13 }, kept: 16, removed: 24 });
    expect(out.backups.slice(0, 4)).toEqual([
        { line: 1, time: "2026-11-26T03:00:00.000Z", utc: "2026-11-26T03:00:00.000Z", action: "keep", keptBy: "last" },
        { line: 2, time: "2026-11-25T03:00:00.000Z", utc: "2026-11-25T03:00:00.000Z", action: "keep", keptBy: "last" },
        { line: 3, time: "2026-11-24T03:00:00.000Z", utc: "2026-11-24T03:00:00.000Z", action: "keep", keptBy: "last" },
        { line: 4, time: "2026-11-23T03:00:00.000Z", utc: "2026-11-23T03:00:00.000Z", action: "keep", keptBy: "daily" },
    ]);
    expect(out.backups[16]).toEqual({ line: 17, time: "2026-11-10T03:00:00.000Z", utc: "2026-11-10T03:00:00.000Z", action: "remove" });
});

test("no option keeps everything; the answer is newest first whatever the input order", () => {
    const out = simulate([], "2026-11-24T03:00:00Z\n2026-11-26T03:00:00Z\n");
    expect(out.backups.map(b => [b.line, b.action, b.keptBy])).toEqual([[2, "keep", "keep-all"], [1, "keep", "keep-all"]]);
});

test("times without an offset and the periods are read in the host's zone (TZ) or --time-zone", () => {
    const input = "2026-11-26 00:30\r\n\r\n  2026-11-25 23:30  \n";
    const host = simulate(["--keep-daily=1"], input, { TZ: "Europe/Berlin" });
    expect(host.timeZone).toBe("Europe/Berlin");
    expect(host.backups.map(b => [b.line, b.utc, b.action])).toEqual([
        [1, "2026-11-25T23:30:00.000Z", "keep"], [3, "2026-11-25T22:30:00.000Z", "remove"],
    ]);
    const given = simulate(["--keep-daily=1", "--time-zone=America/New_York"], input, { TZ: "Europe/Berlin" });
    expect(given.backups.map(b => [b.line, b.utc, b.action])).toEqual([
        [1, "2026-11-26T05:30:00.000Z", "keep"], [3, "2026-11-26T04:30:00.000Z", "remove"],
    ]);
});

test("an empty input is an empty answer", () => {
    expect(simulate(["--keep-last=1"], "")).toMatchObject({ kept: 0, removed: 0, backups: [] });
});

test("every unreadable line is named by its number, exit 2, nothing on stdout", () => {
    const r = run(["prune", "--simulate", "--keep-last=1", "--time-zone=Europe/Berlin"],
        "2026-11-26T03:00:00Z\nyesterday\n\n2026-02-30T00:00Z\n$(touch /tmp/x) \u200f\n2026-03-29 02:30\n");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe([
        'kvm-manager-backup: line 2: "yesterday": not an ISO 8601 date and time (like 2026-11-26T03:00:00Z)',
        'kvm-manager-backup: line 4: "2026-02-30T00:00Z": 2026-02-30 is not a date',
        'kvm-manager-backup: line 5: "$(touch /tmp/x) \u200f": not an ISO 8601 date and time (like 2026-11-26T03:00:00Z)',
        'kvm-manager-backup: line 6: "2026-03-29 02:30": 2026-03-29 02:30 does not exist in Europe/Berlin (the clocks skipped it)',
        "",
    ].join("\n"));
});

test("a flood of bad lines names the first 20 and counts the rest", () => {
    const r = run(["prune", "--simulate"], "bad\n".repeat(25));
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(21);
    expect(lines[19]).toBe('kvm-manager-backup: line 20: "bad": not an ISO 8601 date and time (like 2026-11-26T03:00:00Z)');
    expect(lines[20]).toBe("kvm-manager-backup: ... and 5 more unreadable lines");
});

test.each([
    [["prune", "--simulate", "--keep-daily=-1"], '--keep-daily must be a whole number, 0 or more, not "-1"'],
    [["prune", "--simulate", "--keep-daily=1.5"], '--keep-daily must be a whole number, 0 or more, not "1.5"'],
    [["prune", "--simulate", "--keep-daily="], "--keep-daily must not be empty"],
    [["prune", "--simulate", "--keep-weekly=99999999999999999999"], "--keep-weekly must be a whole number"],
    [["prune", "--simulate", "--keep-dayly=1"], "Unknown option '--keep-dayly'"],
    [["prune", "--simulate", "--time-zone=Mars/Base"], 'unknown time zone "Mars/Base"'],
    [["prune", "--keep-daily=1"], "only prune --simulate is available"],
    [["prune", "--simulate", "extra"], "Unexpected argument 'extra'"],
    [["restore"], "give the backup's directory as an absolute path"],
    [["backup"], 'unknown subcommand "backup"'],
    [[], "a subcommand is needed"],
])("usage error %j: exit 2", (args, message) => {
    const r = run(args, "2026-11-26T03:00:00Z\n");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(message);
    expect(r.stderr).toContain("Usage: kvm-manager-backup prune --simulate");
});

test("--help, with or without the subcommand", () => {
    for (const args of [["--help"], ["prune", "--help"], ["prune", "--simulate", "-h"]]) {
        const r = run(args, "");
        expect(r.code).toBe(0);
        expect(r.stdout).toMatch(/^Usage: kvm-manager-backup prune --simulate/);
    }
});
