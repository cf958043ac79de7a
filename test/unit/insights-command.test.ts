// `kvm-manager-insights`, bundled as build.ts bundles it and run as a process over a temporary state
// directory with a stand-in virsh: the whole answer from one read of the history, one VM's part,
// libvirt unreachable, an empty history and a bad range.
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { silentLogger } from "../../helpers/lib/log";
import { MetricsStore } from "../../helpers/lib/metrics-store";
import type { InsightsResponse } from "../../src/core/insights/summary";
import { fleetDomstats, fleetVmName, writeFleetHistory } from "../support/synthetic-fleet";

const VMS = 10;
const END = Date.UTC(2026, 10, 26, 12, 7);
let work: string;
let command: string;
let stateDir: string;
let virsh: string;
let failingVirsh: string;

beforeAll(async () => {
    const root = join(__dirname, "..", "..");
    work = mkdtempSync(join(tmpdir(), "kvmm-insights-test-"));
    await esbuild.build({
        entryPoints: [join(root, "helpers", "commands", "kvm-manager-insights.ts")],
        bundle: true, platform: "node", target: ["node18"], format: "cjs", outdir: work, logLevel: "warning",
    });
    copyFileSync(join(root, "node_modules", "sql.js", "dist", "sql-wasm.wasm"), join(work, "sql-wasm.wasm"));
    command = join(work, "kvm-manager-insights.js");
    stateDir = join(work, "state");
    mkdirSync(stateDir, { mode: 0o700 });
    await writeFleetHistory(new MetricsStore(join(stateDir, "metrics"), silentLogger, { fsync: false }), { vms: VMS, days: 3, endMs: END });
    writeFileSync(join(work, "domstats.txt"), fleetDomstats(END, { vms: VMS }));
    virsh = join(work, "virsh");
    writeFileSync(virsh, `#!/bin/sh\nexec cat '${join(work, "domstats.txt")}'\n`);
    failingVirsh = join(work, "virsh-down");
    writeFileSync(failingVirsh, "#!/bin/sh\necho 'error: failed to connect to the hypervisor' >&2\nexit 1\n");
    chmodSync(virsh, 0o755);
    chmodSync(failingVirsh, 0o755);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[], { fakeVirsh = virsh, state = stateDir } = {}) {
    const result = spawnSync(process.execPath, [command, ...args, "--state-dir", state, "--end", String(END)],
        { encoding: "utf8", env: { ...process.env, KVM_MANAGER_VIRSH: fakeVirsh } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("every VM's suggestions, counts, capacity and busiest VMs from one run", () => {
    const r = run(["--range", "24h", "--json"]);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout) as InsightsResponse;
    expect(answer.counts).toMatchObject({ vms: VMS, running: 9, notEnoughData: 0 });
    expect(answer.vms.map(v => v.vm)).toEqual(Array.from({ length: VMS }, (_, i) => fleetVmName(i)));
    const kinds = new Set(answer.suggestions.map(s => `${s.vm}/${s.kind}`));
    expect(kinds).toContain(`${fleetVmName(1)}/cpu-high`);
    expect(kinds).toContain(`${fleetVmName(4)}/io-disk`);
    expect(kinds).toContain(`${fleetVmName(6)}/io-network`);
    // The full VM's 4 vCPUs at 50 % are more CPU than the busy one's 2 at 90 %.
    expect(answer.top.cpu.slice(0, 2).map(t => t.vm)).toEqual([fleetVmName(7), fleetVmName(1)]);
    expect(answer.host.vcpusAllocated).toBe(Array.from({ length: VMS }, (_, i) => 1 + (i % 4)).reduce((a, b) => a + b, 0));
    expect(answer.suggestions.every(s => s.evidence.endMs <= END)).toBe(true);
});

test("--vm=NAME answers that VM only, its I/O share still against all", () => {
    const answer = JSON.parse(run(["--range", "24h", "--json", `--vm=${fleetVmName(4)}`]).stdout) as InsightsResponse;
    expect(answer.vms.map(v => v.vm)).toEqual([fleetVmName(4)]);
    expect(answer.suggestions.map(s => s.kind)).toContain("io-disk");
});

test("libvirt unreachable: the history is still read, no suggestions, and a warning says why", () => {
    const r = run(["--range", "24h", "--json"], { fakeVirsh: failingVirsh });
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout) as InsightsResponse;
    expect(answer.suggestions).toEqual([]);
    expect(answer.top.cpu.length).toBeGreaterThan(0);
    expect(answer.warnings.join("\n")).toMatch(/sizes could not be read.*failed to connect/);
});

test("no history yet: every running VM waits for data, nothing is guessed", () => {
    const empty = join(work, "empty-state");
    mkdirSync(empty, { mode: 0o700 });
    const answer = JSON.parse(run(["--range", "1h", "--json"], { state: empty }).stdout) as InsightsResponse;
    expect(answer.suggestions).toEqual([]);
    expect(answer.counts.notEnoughData).toBe(9);
    expect(run(["--range", "1h"], { state: empty }).stdout).toContain(`${fleetVmName(0)}: not enough data yet (0.0 of 0.5 hours)`);
});

test("a range it does not know is a usage error, in JSON too", () => {
    const r = run(["--range", "1y", "--json"]);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, error: "--range must be one of 1h, 6h, 24h, 7d, 30d", code: "usage" });
});
