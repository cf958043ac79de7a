// "Save as template" on the host: the size of each of a VM's disks, or a copy of each to serve as a
// template's base image. A shut-off VM's disk is converted with qemu-img; a running VM's is copied by
// libvirt's push-mode backup (one consistent point in time while the guest keeps writing), so the VM
// can keep running. On any failure the copies made so far are removed.
import { randomUUID } from "node:crypto";
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLBuilder } from "fast-xml-parser";
import { parseDomainXml } from "../../src/core/domain-xml";
import type { DiskFacts } from "../../src/core/template/from-domain";
import { uniqueFileStem } from "../../src/core/template/create-plan";
import { imageInfo, runQemuImg } from "./qemu-img";
import { runVirsh } from "./virsh";

const MIB = 1024 * 1024;
const BACKUP_POLL_MS = 200;
const BACKUP_TIMEOUT_MS = 60 * 60_000;

function sleep(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}

function jobType(info: string): string {
    return /^Job type:\s*(\S+)/m.exec(info)?.[1] ?? "None";
}

async function backupRunning(uri: string, uuid: string, copies: Record<string, string>, allTargets: string[]): Promise<void> {
    const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", suppressEmptyNode: true });
    const disk = allTargets.map(target => copies[target]
        ? { "@name": target, "@type": "file", target: { "@file": copies[target] }, driver: { "@type": "qcow2" } }
        : { "@name": target, "@backup": "no" });
    const dir = mkdtempSync(join(tmpdir(), "kvm-manager-backup-"));
    try {
        const file = join(dir, "backup.xml");
        writeFileSync(file, builder.build({ domainbackup: { disks: { disk } } }) as string, { mode: 0o600 });
        await runVirsh(uri, ["backup-begin", "--domain", uuid, "--backupxml", file]);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
    const deadline = Date.now() + BACKUP_TIMEOUT_MS;
    while (jobType(await runVirsh(uri, ["domjobinfo", "--domain", uuid])) !== "None") {
        if (Date.now() > deadline) {
            await runVirsh(uri, ["domjobabort", "--domain", uuid]).catch(() => undefined);
            throw new Error("copying the running VM's disks took too long and was stopped");
        }
        await sleep(BACKUP_POLL_MS);
    }
    const completed = await runVirsh(uri, ["domjobinfo", "--domain", uuid, "--completed"]);
    if (jobType(completed) !== "Completed") throw new Error(`libvirt's copy of the running VM's disks ended as ${jobType(completed)}`);
}

// `uuid`: the VM. With `baseImagesTo`, every file-backed disk is copied to BASE/STEM-TARGET.qcow2
// (STEM from `baseName`, the template's name) and the facts name the copies.
export async function templateDiskFacts(uri: string, uuid: string, baseImagesTo?: { directory: string; baseName: string }): Promise<DiskFacts> {
    const xml = await runVirsh(uri, ["dumpxml", "--domain", uuid, "--inactive"]);
    const disks = parseDomainXml(xml).disks.filter(d => d.device === "disk" && d.sourceType === "file" && d.source);
    const facts: DiskFacts = {};
    if (!baseImagesTo) {
        for (const disk of disks) facts[disk.target] = { sizeMiB: Math.ceil((await imageInfo(disk.source as string)).virtualSize / MIB) };
        return facts;
    }
    const stem = uniqueFileStem(baseImagesTo.baseName, randomUUID());
    const copies: Record<string, string> = {};
    try {
        for (const disk of disks) {
            const path = `${baseImagesTo.directory}/${stem}-base-${disk.target}.qcow2`;
            closeSync(openSync(path, "wx", 0o644));
            copies[disk.target] = path;
        }
        const state = (await runVirsh(uri, ["domstate", "--domain", uuid])).trim();
        if (state === "shut off") {
            for (const disk of disks) {
                await runQemuImg(["convert", "-q", "-U", "-O", "qcow2", disk.source as string, copies[disk.target]]);
            }
        } else {
            const live = parseDomainXml(await runVirsh(uri, ["dumpxml", "--domain", uuid])).disks.map(d => d.target).filter(Boolean);
            for (const path of Object.values(copies)) rmSync(path);
            await backupRunning(uri, uuid, copies, live);
        }
    } catch (err) {
        for (const path of Object.values(copies)) rmSync(path, { force: true });
        throw err;
    }
    for (const disk of disks) {
        // libvirt writes its backup copies 0600; a base image is read by every clone's QEMU.
        chmodSync(copies[disk.target], 0o644);
        facts[disk.target] = { baseImage: copies[disk.target] };
    }
    return facts;
}
