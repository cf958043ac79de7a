// The metrics collector against real running VMs: the bundled kvm-manager-collect samples them through
// virsh, kvm-manager-history reads the samples back, from the journal and, after a fold, from the
// sql.js files. One VM has a name full of shell and quoting hazards.
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { silentLogger } from "../../helpers/lib/log";
import { MetricsStore } from "../../helpers/lib/metrics-store";
import type { HistoryResponse } from "../../src/core/metrics/history";
import { HOUR_MS } from "../../src/core/metrics/tiers";
import { defineTinyVm, removeVm, uuidOf, virsh, virshOn } from "../support/virsh";
import { runToExit, type ProgramRun } from "../support/exec";
import { waitFor } from "../support/wait";

const PREFIX = "kvmm-test-metrics-";
const PLAIN = `${PREFIX}plain`;
// Quotes of both kinds, $(), a backtick, a space, unicode, and something that looks like an option.
// (libvirt refuses '/' in names, so the command a shell would run touches a file in its directory.)
const PWNED = "kvmm-test-metrics-pwned";
const ODD = `${PREFIX}it's "odd" $(touch ${PWNED}) \`id\` ü --help`;

let work: string;
let bin: string;
let stateDir: string;

function runHelper(name: string, args: string[], state = stateDir): Promise<ProgramRun> {
    return runToExit(process.execPath, [join(bin, `${name}.js`), ...args],
        { cwd: work, env: { ...process.env, KVM_MANAGER_STATE_DIR: state } });
}

async function collect(args: string[] = []): Promise<{ ok: boolean; vms: number; running: number }> {
    const run = await runHelper("kvm-manager-collect", ["--json", ...args]);
    if (run.code !== 0) throw new Error(`kvm-manager-collect exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as { ok: boolean; vms: number; running: number };
}

async function history(vm: string, extra: string[] = []): Promise<HistoryResponse> {
    const run = await runHelper("kvm-manager-history", [`--vm=${vm}`, "--range", "1h", "--json", ...extra]);
    if (run.code !== 0) throw new Error(`kvm-manager-history exited ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as HistoryResponse;
}

function rawRows(vm: string) {
    const store = new MetricsStore(join(stateDir, "metrics"), silentLogger);
    return store.readVmRows(vm, "raw", Date.now() - 2 * HOUR_MS, Date.now() + 2 * HOUR_MS).then(r => r.rows);
}

// A VM's counters as libvirt reports them now.
async function domstats(vm: string): Promise<{ cpuTimeNs: number; rssKiB: number | null }> {
    const uuid = await uuidOf(vm);
    if (!uuid) throw new Error(`${vm} is not defined`);
    const out = await virsh("domstats", "--cpu-total", "--balloon", uuid);
    const rss = /balloon\.rss=(\d+)/.exec(out);
    return { cpuTimeNs: Number(/cpu\.time=(\d+)/.exec(out)?.[1] ?? NaN), rssKiB: rss ? Number(rss[1]) : null };
}

// Instead of sleeping between two ticks: waits until every VM has burnt CPU time since the journal's
// last record of it, so the next tick's rates cover a real interval, and until the clock has reached
// the next second (files key samples by VM and second, as ticks 30 s apart need).
async function waitForCpuSinceLastTick(vms: string[]): Promise<void> {
    const last = new MetricsStore(join(stateDir, "metrics"), silentLogger).lastTick();
    await waitFor(async () => {
        if (Math.floor(Date.now() / 1000) <= Math.floor((last?.t ?? 0) / 1000)) return false;
        for (const vm of vms) {
            const recorded = last?.vms.find(v => v.name === vm)?.cpuTimeNs;
            if (recorded === undefined || recorded === null) throw new Error(`${vm} is not in the last tick`);
            if (!((await domstats(vm)).cpuTimeNs > recorded)) return false;
        }
        return true;
    }, { timeoutMs: 30_000, message: `CPU time of ${vms.join(", ")} to advance since the last tick` });
}

beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kvmm-collector-test-"));
    bin = join(work, "bin");
    stateDir = join(work, "state");
    // The helpers bundled as build.ts bundles them, sql-wasm.wasm beside them as `make install` puts it.
    await esbuild.build({
        entryPoints: ["kvm-manager-collect", "kvm-manager-history"].map(n => join(__dirname, "..", "..", "helpers", "commands", `${n}.ts`)),
        bundle: true, platform: "node", target: ["node18"], format: "cjs", outdir: bin, logLevel: "warning",
    });
    copyFileSync(join(__dirname, "..", "..", "node_modules", "sql.js", "dist", "sql-wasm.wasm"), join(bin, "sql-wasm.wasm"));
    for (const name of [PLAIN, ODD]) await removeVm(name);
    await defineTinyVm({ name: PLAIN, disks: 1, nics: 1, start: true });
    await defineTinyVm({ name: ODD, disks: 1, start: true });
});

afterAll(async () => {
    for (const name of [PLAIN, ODD]) await removeVm(name);
    rmSync(work, { recursive: true, force: true });
});

test("two ticks give every running VM its CPU, memory and disk figures; the odd name is just a name", async () => {
    const first = await collect();
    expect(first.ok).toBe(true);
    expect(first.running).toBeGreaterThanOrEqual(2);
    await waitForCpuSinceLastTick([PLAIN, ODD]);
    await collect();

    for (const vm of [PLAIN, ODD]) {
        const h = await history(vm);
        expect(h.vm).toBe(vm);
        expect(h.tier).toBe("raw");
        expect(h.timestamps).toHaveLength(120);
        const withData = h.samples.map((n, i) => (n > 0 ? i : -1)).filter(i => i >= 0);
        expect(withData.length).toBeGreaterThanOrEqual(1);
        const last = withData[withData.length - 1];
        // The second tick has rates: the guest (SeaBIOS idling) uses some CPU, never more than all of it.
        const cpu = h.series.cpuPercent.avg[last];
        expect(cpu).not.toBeNull();
        expect(cpu ?? -1).toBeGreaterThanOrEqual(0);
        expect(cpu ?? 101).toBeLessThanOrEqual(100);
        // Memory: QEMU's RSS (no balloon statistics from a guest without an OS), a share of 64 MiB.
        expect(h.series.memoryUsedKiB.avg[last] ?? 0).toBeGreaterThan(1024);
        expect(h.series.memoryPercent.avg[last] ?? 0).toBeGreaterThan(0);
        expect(h.series.diskReadBps.avg[last]).not.toBeNull();
        expect(h.series.diskWriteBps.avg[last]).not.toBeNull();
        // Before the first sample: nothing, as null, not zero.
        expect(h.series.cpuPercent.avg[0]).toBeNull();
        expect(h.warnings).toEqual([]);
    }
    expect(existsSync(join(work, PWNED))).toBe(false);
    expect(existsSync(PWNED)).toBe(false);
});

test("a VM that stops gets no more samples; one restarted starts again without a bogus rate", async () => {
    const plainBefore = (await rawRows(PLAIN)).length;
    const oddBefore = (await rawRows(ODD)).length;
    await virshOn("destroy", PLAIN);
    // Restarted between two ticks: its counters start again from zero.
    await virshOn("destroy", ODD);
    await virshOn("start", ODD);
    // The restarted QEMU has a resident size for the memory figure.
    await waitFor(async () => (await domstats(ODD)).rssKiB !== null, { message: `${ODD} to report balloon.rss` });
    await collect();
    const plainAfter = await rawRows(PLAIN);
    const oddAfter = await rawRows(ODD);
    expect(plainAfter).toHaveLength(plainBefore);
    expect(oddAfter).toHaveLength(oddBefore + 1);
    expect(oddAfter[oddAfter.length - 1].avg.cpuPercent).toBeNull();
    expect(oddAfter[oddAfter.length - 1].avg.memoryUsedKiB).not.toBeNull();
    await waitForCpuSinceLastTick([ODD]);
    await collect();
    const oddLater = await rawRows(ODD);
    expect(oddLater[oddLater.length - 1].avg.cpuPercent).not.toBeNull();
    await virshOn("start", PLAIN);
});

test("libvirt unreachable: one clear line, exit 75, history untouched", async () => {
    const journal = join(stateDir, "metrics", "journal.ndjson");
    const before = readFileSync(journal);
    const run = await runHelper("kvm-manager-collect", ["--uri", "qemu+unix:///system?socket=/nonexistent/libvirt-sock"]);
    expect(run.code).toBe(75);
    expect(run.stderr.trim().split("\n")).toEqual([
        expect.stringMatching(/^kvm-manager-collect: error: libvirt at qemu\+unix:\/\/\/system\?socket=\/nonexistent\/libvirt-sock cannot be reached \(virsh domstats failed: .+\); nothing collected, metrics history left untouched$/),
    ]);
    expect(readFileSync(journal).equals(before)).toBe(true);
});

test("after a fold the same samples read back from the sql.js files", async () => {
    const before = await history(ODD);
    // Fold as the first ticks of the next hour would: the journal's hour goes to its raw file, then
    // to its 1m file and the day's 30m file.
    const store = new MetricsStore(join(stateDir, "metrics"), silentLogger);
    const later = Date.now() + HOUR_MS;
    const lock = store.lock(5000);
    try {
        expect((await store.fold(later)).step).toBe("journal");
        expect((await store.fold(later)).step).toBe("hour");
    } finally {
        lock.release();
    }
    expect(store.readJournal().records).toEqual([]);
    const after = await history(ODD, ["--end", String(before.endMs - 1)]);
    expect(after.timestamps).toEqual(before.timestamps);
    expect(after.samples).toEqual(before.samples);
    expect(after.series.memoryUsedKiB.avg).toEqual(before.series.memoryUsedKiB.avg);
    after.series.cpuPercent.avg.forEach((v, i) => {
        if (v === null) expect(before.series.cpuPercent.avg[i]).toBeNull();
        else expect(v).toBeCloseTo(before.series.cpuPercent.avg[i] ?? NaN, 2);
    });
    const files = store.listSegments().map(s => s.tier);
    expect(files).toEqual(expect.arrayContaining(["raw", "1m", "30m"]));
});

test("the history is root's alone: directories 0700, files 0600", () => {
    const metrics = join(stateDir, "metrics");
    const mode = (path: string): string => (lstatSync(path).mode & 0o7777).toString(8);
    expect([mode(stateDir), mode(metrics)]).toEqual(["700", "700"]);
    const names = readdirSync(metrics);
    expect(names).toContain("journal.ndjson");
    expect(names.map(n => [n, mode(join(metrics, n))])).toEqual(names.map(n => [n, "600"]));
});

test("a state directory other users can write: refused with one clear line, exit 1, nothing written", async () => {
    const unsafe = join(work, "unsafe-state");
    mkdirSync(unsafe);
    chmodSync(unsafe, 0o777);
    const run = await runHelper("kvm-manager-collect", [], unsafe);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split("\n")).toEqual([
        `kvm-manager-collect: error: refusing to use ${unsafe}: other users can write to it (mode 0777) (chmod 700 ${unsafe})`,
    ]);
    expect(readdirSync(unsafe)).toEqual([]);
});
