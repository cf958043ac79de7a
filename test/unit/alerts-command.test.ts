// `kvm-manager-alerts`, bundled as build.ts bundles it and run as a process over a state directory the
// alert step wrote: the fired alerts and the filtered history in one JSON answer, nothing for a host
// without alerts, and a usage error (in JSON too) for a wrong severity.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { runAlertTick } from "../../helpers/lib/alerts/tick";
import { silentLogger } from "../../helpers/lib/log";
import { NO_USAGE } from "../../src/core/usage";

let work: string;
let command: string;

beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kvmm-alerts-command-"));
    await esbuild.build({
        entryPoints: [join(__dirname, "..", "..", "helpers", "commands", "kvm-manager-alerts.ts")],
        bundle: true, platform: "node", target: ["node18"], format: "cjs", outdir: work, logLevel: "warning",
    });
    command = join(work, "kvm-manager-alerts.js");
    const configDir = join(work, "etc");
    mkdirSync(join(configDir, "alerts"), { recursive: true });
    const rule = (threshold: number, severity: string) => JSON.stringify({
        version: 1, vms: "all", condition: { type: "metric", metric: "cpuPercent", comparison: "above", threshold },
        forChecks: 1, clearChecks: 1, severity, enabled: true,
    });
    writeFileSync(join(configDir, "alerts", "busy.json"), rule(50, "warning"));
    writeFileSync(join(configDir, "alerts", "very busy.json"), rule(90, "critical"));
    const t0 = Date.UTC(2026, 10, 26, 12);
    const cpu = [[95, 60], [60, 10]];
    cpu.forEach((values, i) => runAlertTick({
        tMs: t0 + i * 30_000, previousTickMs: i === 0 ? null : t0 + (i - 1) * 30_000,
        vms: values.map((cpuPercent, v) => ({ name: ["web \"1\" $(id)", "db"][v], running: true, state: "running", usage: { ...NO_USAGE, cpuPercent } })),
    }, { configDir, stateDir: join(work, "state"), log: silentLogger, program: "test", journal: () => {}, startDeliverer: () => {} }));
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[], stateDir = join(work, "state")) {
    const result = spawnSync(process.execPath, [command, ...args, "--state-dir", stateDir], { encoding: "utf8" });
    return { code: result.status, stdout: result.stdout, json: () => JSON.parse(result.stdout) };
}

test("fired alerts and the history, newest first, filtered by VM, rule and severity", () => {
    const all = run(["--active", "--history", "--json"]);
    expect(all.code).toBe(0);
    const answer = all.json();
    expect(answer.active.map((a: { rule: string; vm: string }) => [a.rule, a.vm])).toEqual([["busy", "web \"1\" $(id)"]]);
    expect(answer.history.map((e: { seq: number; kind: string; rule: string; vm: string }) => [e.seq, e.kind, e.rule, e.vm])).toEqual([
        [5, "resolved", "very busy", "web \"1\" $(id)"], [4, "resolved", "busy", "db"], [3, "fired", "very busy", "web \"1\" $(id)"],
        [2, "fired", "busy", "db"], [1, "fired", "busy", "web \"1\" $(id)"],
    ]);
    expect(run(["--history", "--json", "--vm=db"]).json().history.map((e: { kind: string }) => e.kind)).toEqual(["resolved", "fired"]);
    expect(run(["--history", "--json", "--severity", "critical"]).json().history.map((e: { rule: string; kind: string }) => [e.rule, e.kind]))
        .toEqual([["very busy", "resolved"], ["very busy", "fired"]]);
    expect(run(["--history", "--json", "--rule", "busy", "--limit", "1"]).json().history).toHaveLength(1);
    expect(run(["--history"]).stdout).toContain("alert \"busy\" fired for VM \"web \"1\" $(id)\": CPU above 50 % (value 95 %)");
});

test("a host without alerts answers with nothing; a wrong severity is a usage error", () => {
    expect(run(["--active", "--history", "--json"], join(work, "nothing-here")).json()).toEqual({ ok: true, active: [], history: [] });
    const wrong = run(["--history", "--severity", "urgent", "--json"]);
    expect(wrong.code).toBe(2);
    expect(wrong.json()).toEqual({ ok: false, error: "--severity is one of info, warning, critical", code: "usage" });
});
