// The installed kvm-manager-backup against real VMs: a running VM is backed up with libvirt's push
// backup and a shut-off one with qemu-img convert; a backup restores as a new VM whose disk
// `qemu-img compare` finds identical to the original's; a target on a small tmpfs refuses a backup
// that cannot fit and cleans up one that fills it mid-copy, keeping the backup already there; a
// backup killed with kill -9 midway is never counted as good and the next run removes it.
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackupJob } from "../../src/core/backup/backup-job";
import { vmBackupsDir } from "../../helpers/lib/backup/catalog";
import { run, runToExit } from "../support/exec";
import { defineTinyVm, removeVm, TEST_PREFIX, uuidOf, virshOn, type TestVm } from "../support/virsh";
import { waitFor } from "../support/wait";

const BACKUP = "/usr/local/bin/kvm-manager-backup";
const RUNNING = `${TEST_PREFIX}bk running "ü" $(id) #1`;
const OFF = `${TEST_PREFIX}bk off ü`;
const RESTORED = `${TEST_PREFIX}bk restored \u200f 'copy'`;
const BIG = `${TEST_PREFIX}bk big`;
const PACKED = `${TEST_PREFIX}bk packed`;
const SMALL = `${TEST_PREFIX}bk small`;
const KILLED = `${TEST_PREFIX}bk killed`;
const ALL = [RUNNING, OFF, RESTORED, BIG, PACKED, SMALL, KILLED];

let work: string;
let configDir: string;
let stateDir: string;
let target: string;
let tmpfs: string | null = null;
const vms: Record<string, TestVm> = {};

interface BackupListing {
    backups: { path: string; vm: string | null; complete: boolean; verified: boolean; mode: string | null; problem: string | null }[];
    targets: { path: string; used: number; free: number | null }[];
}
interface RunAnswer {
    ok: boolean;
    results: { vm: string; result: string; message: string; backup?: string }[];
}

function backup(...args: string[]) {
    return runToExit(BACKUP, [...args, "--config-dir", configDir, "--state-dir", stateDir, "--json"]);
}

async function backupJson<T>(...args: string[]): Promise<{ code: number | null; answer: T }> {
    const r = await backup(...args);
    return { code: r.code, answer: JSON.parse(r.stdout.trim().split("\n").pop() ?? "") as T };
}

function writeJob(name: string, job: Partial<BackupJob> & Pick<BackupJob, "vms" | "target">): void {
    writeFileSync(join(configDir, "backups", `${name}.json`), JSON.stringify({ version: 1, compression: false, prune: {}, enabled: true, ...job }));
}

async function listing(jobName: string): Promise<BackupListing> {
    const { code, answer } = await backupJson<BackupListing>("list", "--job", jobName);
    expect(code).toBe(0);
    return answer;
}

// Writes a byte pattern into a shut-off VM's qcow2 disk, so copies have data to get right.
async function fill(disk: string, pattern: string, offset: string, length: string): Promise<void> {
    await run("qemu-io", ["-f", "qcow2", "-c", `write -P ${pattern} ${offset} ${length}`, disk]);
}

function dirTree(dir: string): string[] {
    return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort();
}

beforeAll(async () => {
    await Promise.all(ALL.map(name => removeVm(name)));
    work = mkdtempSync(join(tmpdir(), "kvmm-backup-"));
    // QEMU (libvirt-qemu) writes a running VM's push backup: the path down to the target must let it through.
    chmodSync(work, 0o711);
    configDir = join(work, "etc");
    stateDir = join(work, "state");
    target = join(work, "target");
    mkdirSync(join(configDir, "backups"), { recursive: true });
    mkdirSync(target, { mode: 0o711 });
    vms[RUNNING] = await defineTinyVm({ name: RUNNING, disks: 1 });
    vms[OFF] = await defineTinyVm({ name: OFF, disks: 2, nics: 1 });
    await fill(vms[RUNNING].disks[0], "0x11", "0", "3M");
    await fill(vms[OFF].disks[0], "0x5a", "1M", "5M");
    await fill(vms[OFF].disks[1], "0xc3", "10M", "2M");
    await virshOn("start", RUNNING);
}, 180_000);

afterAll(async () => {
    await Promise.all(ALL.map(name => removeVm(name)));
    if (tmpfs) await run("umount", [tmpfs]).catch(() => undefined);
    if (work) rmSync(work, { recursive: true, force: true });
}, 180_000);

test("a running VM is backed up with libvirt's push backup, a shut-off one with qemu-img convert; both verify", async () => {
    writeJob("nightly #1", { vms: [RUNNING, OFF], target, prune: { "keep-last": 2 } });
    const { code, answer } = await backupJson<RunAnswer>("run", "--job", "nightly #1");
    expect(answer.results.map(r => [r.vm, r.result])).toEqual([[RUNNING, "ok"], [OFF, "ok"]]);
    expect(answer.ok).toBe(true);
    expect(code).toBe(0);

    const list = await listing("nightly #1");
    expect(list.backups.map(b => [b.vm, b.mode, b.complete, b.verified]).sort()).toEqual([
        [RUNNING, "push", true, true],
        [OFF, "copy", true, true],
    ].sort());
    const offBackup = answer.results[1].backup as string;
    expect(dirTree(offBackup)).toEqual(["domain.xml", "manifest.json", "status.json", "vda.qcow2", "vdb.qcow2"]);
    const manifest = JSON.parse(readFileSync(join(offBackup, "manifest.json"), "utf8")) as { vm: { name: string }; disks: { sha256: string }[] };
    expect(manifest.vm.name).toBe(OFF);
    expect(manifest.disks).toHaveLength(2);
    expect(statSync(join(offBackup, "vda.qcow2")).mode & 0o777).toBe(0o600);
    // The running VM kept running; the shut-off one stayed off.
    expect((await virshOn("domstate", RUNNING)).trim()).toBe("running");
    expect((await virshOn("domstate", OFF)).trim()).toBe("shut off");

    const verify = await backupJson<{ ok: boolean }>("verify", answer.results[0].backup as string);
    expect(verify).toEqual({ code: 0, answer: { ok: true, path: answer.results[0].backup, message: "" } });
}, 180_000);

test("a shut-off VM's backup restores as a new VM: new UUID and MAC, disks identical to the original's", async () => {
    const list = await listing("nightly #1");
    const offBackup = list.backups.find(b => b.vm === OFF)?.path as string;
    const restoreDir = join(work, "restored");
    mkdirSync(restoreDir);
    const r = await backup("restore", offBackup, "--as", RESTORED, "--directory", restoreDir);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map(line => JSON.parse(line) as Record<string, unknown>);
    expect(lines.some(l => (l.progress as { step?: string } | undefined)?.step === "disk vda")).toBe(true);
    const done = lines[lines.length - 1] as { ok: boolean; vm: string; disks: string[] };
    expect(done.ok).toBe(true);
    expect(done.vm).toBe(RESTORED);

    const original = vms[OFF];
    for (const [i, disk] of done.disks.entries()) {
        // Exit 0: the guest sees identical content (qemu-img compare exits 1 on a difference).
        await run("qemu-img", ["compare", "-f", "qcow2", "-F", "qcow2", original.disks[i], disk]);
    }
    const newXml = await virshOn("dumpxml", RESTORED);
    const oldXml = await virshOn("dumpxml", OFF);
    const macOf = (xml: string) => /<mac address='([^']+)'/.exec(xml)?.[1];
    expect(macOf(newXml)).toMatch(/^52:54:00:/);
    expect(macOf(newXml)).not.toBe(macOf(oldXml));
    expect(await uuidOf(RESTORED)).not.toBe(original.uuid);
    for (const disk of done.disks) expect(newXml).toContain(disk);

    // A second restore under the same name is refused; nothing is overwritten.
    const again = await backup("restore", offBackup, "--as", RESTORED, "--directory", restoreDir);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("exists already");
}, 180_000);

test("restore over the same VM: refused while it runs; once shut off, its disks hold the backup's content again", async () => {
    const list = await listing("nightly #1");
    const runningBackup = list.backups.find(b => b.vm === RUNNING)?.path as string;
    const refused = await backupJson<{ ok: boolean; error: string }>("restore", runningBackup, "--over");
    expect(refused.code).toBe(1);
    expect(refused.answer).toEqual({ ok: false, error: `${RUNNING} is running: shut it off first` });
    expect((await virshOn("domstate", RUNNING)).trim()).toBe("running");

    const offBackup = list.backups.find(b => b.vm === OFF)?.path as string;
    const disk = vms[OFF].disks[0];
    await fill(disk, "0xee", "0", "8M");
    await expect(run("qemu-img", ["compare", "-f", "qcow2", "-F", "qcow2", join(offBackup, "vda.qcow2"), disk])).rejects.toThrow(/Content mismatch/);
    const r = await backupJson<{ ok: boolean; vm: string; disks: string[] }>("restore", offBackup, "--over");
    expect(r.code).toBe(0);
    expect(r.answer).toEqual({ ok: true, vm: OFF, disks: vms[OFF].disks });
    await run("qemu-img", ["compare", "-f", "qcow2", "-F", "qcow2", join(offBackup, "vda.qcow2"), disk]);
    expect(await uuidOf(OFF)).toBe(vms[OFF].uuid);
}, 180_000);

test("a small tmpfs target: a backup that cannot fit is refused, one that fills it is removed, the backup already there stays", async () => {
    tmpfs = join(work, "small-disk");
    mkdirSync(tmpfs);
    await run("mount", ["-t", "tmpfs", "-o", "size=16m,mode=0711", "tmpfs", tmpfs]);
    vms[SMALL] = await defineTinyVm({ name: SMALL, disks: 1 });
    await fill(vms[SMALL].disks[0], "0x01", "0", "1M");
    // 24 MiB of data: the free-space check refuses it before copying.
    vms[BIG] = await defineTinyVm({ name: BIG, disks: 1 });
    await fill(vms[BIG].disks[0], "0x77", "0", "24M");
    // 40 MiB of data that a compressed qcow2 holds in little space: the check passes (the allocation
    // fits), the uncompressed copy fills the target mid-way.
    vms[PACKED] = await defineTinyVm({ name: PACKED, disks: 1 });
    const packed = vms[PACKED].disks[0];
    await fill(packed, "0x42", "0", "40M");
    await run("qemu-img", ["convert", "-c", "-O", "qcow2", packed, `${packed}.c`]);
    await run("mv", [`${packed}.c`, packed]);

    writeJob("small", { vms: [SMALL, BIG, PACKED], target: tmpfs });
    const first = await backupJson<RunAnswer>("run", "--job", "small", "--vm", SMALL);
    expect(first.answer.results[0].result).toBe("ok");
    const existing = first.answer.results[0].backup as string;
    const before = dirTree(tmpfs);
    const existingBytes = dirTree(existing).map(f => readFileSync(join(existing, f)).toString("base64"));

    const big = await backupJson<RunAnswer>("run", "--job", "small", "--vm", BIG);
    expect(big.code).toBe(1);
    expect(big.answer.results[0].result).toBe("failed");
    expect(big.answer.results[0].message).toMatch(/^not enough space on .*small-disk: the backup of .* needs about 24\.\d MiB \(the disks' allocation\), .* is free; nothing was written$/);

    const full = await backupJson<RunAnswer>("run", "--job", "small", "--vm", PACKED);
    expect(full.code).toBe(1);
    expect(full.answer.results[0].result).toBe("failed");
    expect(full.answer.results[0].message).toMatch(/^the target is full \(No space left on device\)/);

    // Nothing that existed was removed or changed; nothing half-written is left (the failed VMs' own
    // empty directories may stay).
    const after = dirTree(tmpfs);
    expect(after.filter(p => !before.includes(p)).every(p => readdirSync(join(tmpfs as string, p)).length === 0)).toBe(true);
    expect(before.every(p => after.includes(p))).toBe(true);
    expect(dirTree(existing).map(f => readFileSync(join(existing, f)).toString("base64"))).toEqual(existingBytes);
    expect((await backupJson<{ ok: boolean }>("verify", existing)).answer.ok).toBe(true);
    await run("umount", [tmpfs]);
    tmpfs = null;
}, 180_000);

test("kill -9 midway: the backup is never counted as good, a second run meanwhile exits 75, the next run removes it", async () => {
    // 1 GiB of data in a 2 GiB disk: the copy runs long enough to be caught midway.
    vms[KILLED] = await defineTinyVm({ name: KILLED, disks: 1 });
    const disk = vms[KILLED].disks[0];
    await run("qemu-img", ["create", "-q", "-f", "qcow2", disk, "2G"]);
    await fill(disk, "0x9e", "0", "1G");
    writeJob("killed", { vms: [KILLED], target });
    const vmDir = vmBackupsDir(target, KILLED);

    const child = spawn(BACKUP, ["run", "--job", "killed", "--config-dir", configDir, "--state-dir", stateDir, "--json"], { stdio: "ignore" });
    const exited = new Promise(resolve => child.on("exit", resolve));
    const partial = await waitFor(() => readdirSync(vmDir).map(d => join(vmDir, d))
        .find(d => statSync(join(d, "vda.qcow2")).size > 0), { timeoutMs: 60_000, intervalMs: 20, message: "the copy to begin" });

    const running = await backupJson<{ running: { vm: string; activity: string }[] }>("running");
    expect(running.answer.running.map(r => [r.vm, r.activity])).toEqual([[KILLED, "backup"]]);
    const second = await backupJson<RunAnswer>("run", "--job", "killed");
    expect(second.code).toBe(75);
    expect(second.answer.results).toEqual([{ vm: KILLED, result: "skipped", message: "a backup of this VM is already running" }]);

    child.kill("SIGKILL");
    await exited;
    const afterKill = await listing("killed");
    const torn = afterKill.backups.find(b => b.path === partial);
    expect(torn).toMatchObject({ complete: false, verified: false, problem: "no manifest: the backup did not finish" });
    expect((await backupJson<{ running: unknown[] }>("running")).answer.running).toEqual([]);

    const next = await backupJson<RunAnswer>("run", "--job", "killed");
    expect(next.code).toBe(0);
    expect(next.answer.results[0].result).toBe("ok");
    const final = (await listing("killed")).backups.filter(b => b.path.startsWith(`${vmDir}/`));
    expect(final.map(b => [b.path, b.complete, b.verified])).toEqual([[next.answer.results[0].backup, true, true]]);
    expect(readdirSync(vmDir)).toHaveLength(1);
}, 300_000);
