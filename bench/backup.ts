// Benchmark of backups and restores: `npx tsx build.ts && npx tsx bench/backup.ts [--rounds 3]`.
//
// A shut-off VM with a 2 GiB qcow2 disk holding 1 GiB of random data (random, so neither zero
// detection nor compression flatters the figures), on the same file system as the target.
// 1. Backup: `kvm-manager-backup run` (the built helper, dist/helpers) next to a plain
//    `qemu-img convert -O qcow2` of the same disk, alternating, in the same run. The backup's time
//    includes what makes it a backup: the free-space check, the domain XML, fsync, qemu-img check,
//    the SHA-256 of the image, the manifest. Target: at least 0.8x the plain copy's throughput. Printed
//    beside it: the plain copy followed by sync, and the SHA-256 of the copy alone, which bound what
//    any synced, checksummed backup can reach on this host.
// 2. Restore as a new VM (`restore --as`, which first verifies the backup: qemu-img check and SHA-256)
//    next to a plain `qemu-img convert` of the backup's image.
// 3. One compressed backup, for its size and time.
// Prune selection over 10,000 backups is measured by bench/schedule-prune.ts.
// Incremental backups are not built: every backup is full.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sha256File } from "../helpers/lib/backup/images";
import { run } from "../test/support/exec";
import { defineTinyVm, removeVm } from "../test/support/virsh";

const GiB = 1024 ** 3;
const DATA_BYTES = GiB;
const TARGET_RATIO = 0.8;
const VM = "kvmm-bench-backup";
const RESTORED = "kvmm-bench-restored";
const HELPER = join(__dirname, "..", "dist", "helpers", "kvm-manager-backup.js");

const { values: args } = parseArgs({ options: { rounds: { type: "string", default: "3" } } });
const ROUNDS = Number(args.rounds);

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

function timed(program: string, argv: string[]): number {
    const start = process.hrtime.bigint();
    const r = spawnSync(program, argv, { encoding: "utf8" });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (r.status !== 0) throw new Error(`${program} ${argv.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
    return seconds;
}

function rate(seconds: number): string {
    return `${seconds.toFixed(2)} s, ${(DATA_BYTES / seconds / 1024 ** 2).toFixed(0)} MiB/s`;
}

async function main(): Promise<void> {
    if (!existsSync(HELPER)) throw new Error(`${HELPER} is missing: run npx tsx build.ts first`);
    // Beside the VM images, on the disk the images live on (not a tmpfs /tmp).
    const work = mkdtempSync("/var/tmp/kvmm-bench-backup-");
    const configDir = join(work, "etc");
    const stateDir = join(work, "state");
    const target = join(work, "target");
    const copies = join(work, "copies");
    const restoreDir = join(work, "restored");
    for (const dir of [join(configDir, "backups"), target, copies, restoreDir]) mkdirSync(dir, { recursive: true });
    await removeVm(VM);
    await removeVm(RESTORED);
    try {
        const vm = await defineTinyVm({ name: VM, disks: 1 });
        const disk = vm.disks[0];
        const raw = join(work, "data.raw");
        await run("truncate", ["-s", "2G", raw]);
        await run("dd", ["if=/dev/urandom", `of=${raw}`, "bs=4M", `count=${DATA_BYTES / (4 * 1024 * 1024)}`, "conv=notrunc", "status=none"]);
        await run("qemu-img", ["convert", "-f", "raw", "-O", "qcow2", raw, disk]);
        rmSync(raw);
        const job = (compression: boolean) => ({ version: 1, vms: [VM], target, compression, prune: { "keep-last": 1 }, enabled: true });
        writeFileSync(join(configDir, "backups", "bench.json"), JSON.stringify(job(false)));
        writeFileSync(join(configDir, "backups", "bench-compressed.json"), JSON.stringify(job(true)));
        const helper = (...argv: string[]) => [HELPER, ...argv, "--config-dir", configDir, "--state-dir", stateDir, "--json"];
        const lastBackup = () => {
            const r = spawnSync(process.execPath, helper("list", "--job", "bench"), { encoding: "utf8" });
            const listing = JSON.parse(r.stdout) as { backups: { path: string; bytes: number; complete: boolean }[] };
            return listing.backups.filter(b => b.complete)[0];
        };

        const plain: number[] = [];
        const plainSynced: number[] = [];
        const hashes: number[] = [];
        const backups: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
            const copy = join(copies, "plain.qcow2");
            plain.push(timed("qemu-img", ["convert", "-O", "qcow2", disk, copy]));
            rmSync(copy);
            // The same copy with its data on the disk at the end, as a backup's must be.
            plainSynced.push(timed("sh", ["-c", 'qemu-img convert -O qcow2 "$1" "$2" && sync "$2"', "sh", disk, copy]));
            // The checksum every backup's manifest needs, alone: the helper's own function, from the page cache.
            const hashStart = process.hrtime.bigint();
            await sha256File(copy);
            hashes.push(Number(process.hrtime.bigint() - hashStart) / 1e9);
            rmSync(copy);
            backups.push(timed(process.execPath, helper("run", "--job", "bench")));
        }
        const backup = lastBackup();
        const ratio = median(plain) / median(backups);
        console.log(`disk: 2 GiB qcow2, 1 GiB random data; ${ROUNDS} rounds, medians; node ${process.version}`);
        console.log(`plain qemu-img convert: ${rate(median(plain))}; followed by sync of the copy: ${rate(median(plainSynced))}`);
        console.log(`backup (kvm-manager-backup run): ${rate(median(backups))}; ${(backup.bytes / 1024 ** 2).toFixed(0)} MiB on the target`);
        console.log(`backup throughput / plain copy: ${ratio.toFixed(2)}x (${ratio >= TARGET_RATIO ? "meets" : "MISSES"} the target of ${TARGET_RATIO}x); `
            + `/ plain copy with sync: ${(median(plainSynced) / median(backups)).toFixed(2)}x`);
        // What no backup that is on the disk and checksummed can beat: the data must reach the disk (plain
        // copy + sync) and all of it must pass through SHA-256 after it was written (the hash is of the
        // finished image, whose qcow2 metadata qemu-img writes last).
        const floor = Math.max(median(plainSynced), median(plain) + median(hashes));
        console.log(`SHA-256 of the copy alone (node:crypto, page cache): ${rate(median(hashes))}; ` +
            `so a synced, checksummed backup takes at least ${floor.toFixed(2)} s: at best ${(median(plain) / floor).toFixed(2)}x the plain copy`);

        const image = join(backup.path, "vda.qcow2");
        const plainRestores: number[] = [];
        const restores: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
            const copy = join(copies, "restore.qcow2");
            plainRestores.push(timed("qemu-img", ["convert", "-O", "qcow2", image, copy]));
            rmSync(copy);
            restores.push(timed(process.execPath, helper("restore", backup.path, "--as", RESTORED, "--directory", restoreDir)));
            await removeVm(RESTORED);
            rmSync(restoreDir, { recursive: true, force: true });
            mkdirSync(restoreDir);
        }
        const restoreRatio = median(plainRestores) / median(restores);
        console.log(`plain qemu-img convert of the backup's image: ${rate(median(plainRestores))}`);
        console.log(`restore as a new VM (verify first, then copy, define): ${rate(median(restores))}; ${restoreRatio.toFixed(2)}x the plain copy`);

        const compressed = timed(process.execPath, helper("run", "--job", "bench-compressed"));
        const packed = spawnSync(process.execPath, helper("list", "--job", "bench-compressed"), { encoding: "utf8" });
        const packedBytes = (JSON.parse(packed.stdout) as { backups: { bytes: number; complete: boolean }[] }).backups.find(b => b.complete)?.bytes ?? 0;
        console.log(`compressed backup (random data does not compress): ${rate(compressed)}; ${(packedBytes / 1024 ** 2).toFixed(0)} MiB`);
        console.log(`(disk image size ${(statSync(disk).size / 1024 ** 2).toFixed(0)} MiB)`);
    } finally {
        await removeVm(RESTORED);
        await removeVm(VM);
        rmSync(work, { recursive: true, force: true });
    }
}

main().catch(err => {
    console.error(err);
    process.exitCode = 1;
});
