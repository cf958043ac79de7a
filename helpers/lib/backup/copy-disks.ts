// Copying one VM's disks into a new backup directory, and what makes the copies trustworthy before
// a manifest may name them: a running VM through libvirt's push-mode backup (its guest's file systems
// frozen while the job begins, when the agent answers; compressed afterwards when the job says so), a
// shut-off VM with qemu-img convert; then each image synced, checked with qemu-img check and hashed.
import { chmodSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ManifestDisk } from "../../../src/core/backup/manifest";
import type { Logger } from "../log";
import { imageInfo, type ImageInfo } from "../qemu-img";
import { backupDisks, type VmRef } from "./domain";
import { freezeGuest, thawGuest } from "./guest-agent";
import { checkImage, convertImage, fsyncFile, sha256File } from "./images";
import { abortStaleBackupJob, pushBackup } from "./push-backup";
import { ensureSpace } from "./space";

export interface CopyContext {
    uri: string;
    log: Logger;
    onProgress?: (vm: string, percent: number) => void;
}

// The VM has nothing to back up: the run skips it rather than failing.
export class SkipError extends Error {}

// QEMU writes a running VM's backup as the user libvirt-qemu: every directory down to the target must
// let others through (x), or libvirt fails with a bare "Permission denied".
function unreachableByQemu(target: string): string | null {
    for (let dir = target; ; dir = dirname(dir)) {
        if ((statSync(dir).mode & 0o001) === 0) return dir;
        if (dir === "/") return null;
    }
}

export async function copyDisks(ctx: CopyContext, vm: VmRef, running: boolean, xml: string, dir: string, compress: boolean): Promise<{ disks: ManifestDisk[]; frozen: boolean }> {
    const { all, copied } = backupDisks(xml);
    if (copied.length === 0) throw new SkipError("the VM has no disks to back up");
    const infos = new Map<string, ImageInfo>();
    for (const d of copied) {
        if (!running && d.sourceType !== "file" && d.sourceType !== "block") {
            throw new Error(`disk ${d.target} is a ${d.sourceType} disk; a shut-off VM's copy reads only files and block devices`);
        }
        infos.set(d.target, await imageInfo(d.source as string));
    }
    const allocation = [...infos.values()].reduce((sum, i) => sum + i.allocated, 0);
    // Compressing a push backup needs the plain copy of the largest disk on the target for a while.
    const scratch = running && compress ? Math.max(...[...infos.values()].map(i => i.allocated)) : 0;
    ensureSpace(dirname(dirname(dir)), allocation + scratch, `the backup of ${vm.name}`);

    const files = new Map(copied.map(d => [d.target, `${d.target}.qcow2`]));
    const totalBytes = Math.max(1, allocation);
    let doneBytes = 0;
    const report = (target: string, percent: number) => {
        const size = infos.get(target)?.allocated ?? 0;
        ctx.onProgress?.(vm.name, Math.min(100, ((doneBytes + size * percent / 100) / totalBytes) * 100));
    };
    let frozen = false;
    if (running) {
        const closed = unreachableByQemu(dirname(dirname(dir)));
        if (closed) throw new Error(`QEMU (user libvirt-qemu) cannot reach the target to write a running VM's backup: ${closed} is not searchable by others (chmod o+x ${closed})`);
        const pushFiles = new Map([...files].map(([t, f]) => [t, join(dir, compress ? `${f}.uncompressed` : f)]));
        if (await abortStaleBackupJob(ctx.uri, vm)) ctx.log.warn(`${vm.name}: a backup job left by an interrupted run was aborted`);
        frozen = await freezeGuest(ctx.uri, vm, ctx.log);
        try {
            await pushBackup(ctx.uri, vm, all, pushFiles, p => ctx.onProgress?.(vm.name, compress ? p / 2 : p));
        } finally {
            if (frozen) await thawGuest(ctx.uri, vm, ctx.log);
        }
        if (compress) {
            for (const d of copied) {
                const plain = pushFiles.get(d.target) as string;
                await convertImage(plain, "qcow2", join(dir, files.get(d.target) as string), "qcow2", { compress: true });
                rmSync(plain, { force: true });
            }
        }
    } else {
        for (const d of copied) {
            await convertImage(d.source as string, d.format, join(dir, files.get(d.target) as string), "qcow2", {
                compress, onProgress: p => report(d.target, p),
            });
            doneBytes += infos.get(d.target)?.allocated ?? 0;
        }
    }

    const disks: ManifestDisk[] = [];
    for (const d of copied) {
        const file = files.get(d.target) as string;
        const path = join(dir, file);
        // qemu-img creates with the umask's mode; a disk's content is root's alone.
        chmodSync(path, 0o600);
        // The three read the same file: the flush goes to the disk while the checks read the page cache.
        const [, problem, sha256] = await Promise.all([fsyncFile(path), checkImage(path, "qcow2"), sha256File(path)]);
        if (problem) throw new Error(`the copy of disk ${d.target} does not pass qemu-img check: ${problem}`);
        const info = infos.get(d.target);
        disks.push({
            target: d.target, file, format: "qcow2", bytes: statSync(path).size, virtualSize: info?.virtualSize ?? 0,
            sha256, source: d.source, sourceFormat: d.format ?? info?.format ?? null,
        });
    }
    return { disks, frozen };
}
