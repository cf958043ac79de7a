// Restoring a backup, after checking it (qemu-img check and the manifest's checksums):
// - over the VM it came from: the VM must be shut off; each disk is converted to a temporary file
//   beside its original (in the original's format) and renamed over it only when every disk is done,
//   then the saved definition is defined again. A failure leaves the VM's disks as they were.
// - as a new VM: disks converted into a directory (never over an existing file), and the saved
//   definition defined with the new name, a new UUID and new MAC addresses.
import { existsSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { DOMAIN_XML_FILE } from "../../../src/core/backup/manifest";
import { restoreDomainXml, type RestoredDisk } from "../../../src/core/backup/restore-xml";
import { fsyncDir, readFileNoFollow } from "../durable-fs";
import { runVirsh } from "../virsh";
import { vmDirName } from "./catalog";
import { findVm, vmState } from "./domain";
import { convertImage, fsyncFile } from "./images";
import { ensureSpace } from "./space";
import { verifyBackup } from "./verify";
import { lockVm } from "./vm-lock";

export interface RestoreRequest {
    path: string;
    // Restore as a new VM with this name, its disks in `directory`; otherwise over the original VM.
    newName?: string;
    directory?: string;
}

export interface RestoreContext {
    stateDir: string;
    uri: string;
    onProgress: (step: string, percent: number | null) => void;
}

export class RestoreRefusedError extends Error {
    constructor(message: string, readonly busy = false) {
        super(message);
        this.name = "RestoreRefusedError";
    }
}

async function defineXml(uri: string, xml: string): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), "kvm-manager-restore-"));
    try {
        const file = join(dir, "domain.xml");
        writeFileSync(file, xml, { mode: 0o600 });
        await runVirsh(uri, ["define", "--file", file]);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

export async function restoreBackup(ctx: RestoreContext, request: RestoreRequest): Promise<{ vm: string; disks: string[] }> {
    ctx.onProgress("verify", null);
    const { entry, verification } = await verifyBackup(request.path, file => ctx.onProgress(`verify ${file}`, null));
    const manifest = entry.manifest;
    if (!manifest) throw new RestoreRefusedError(`${request.path} is not a complete backup: ${entry.problem ?? "no manifest"}`);
    if (!verification.ok) throw new RestoreRefusedError(`the backup does not verify, nothing was restored: ${verification.message}`);
    const savedXml = readFileNoFollow(join(request.path, DOMAIN_XML_FILE)).toString("utf8");
    const vmName = request.newName ?? manifest.vm.name;
    const lock = lockVm(ctx.stateDir, { vm: vmName, uuid: request.newName === undefined ? manifest.vm.uuid : null, job: null, activity: "restore", started: new Date().toISOString() });
    if (!lock) throw new RestoreRefusedError(`a backup or restore of ${vmName} is running`, true);
    const written: string[] = [];
    try {
        let plan: { from: string; temp: string; to: string; format: string; target: string }[];
        if (request.newName !== undefined) {
            if (await findVm(ctx.uri, request.newName)) throw new RestoreRefusedError(`a VM named ${JSON.stringify(request.newName)} exists already`);
            const directory = request.directory ?? "/var/lib/libvirt/images";
            const stem = vmDirName(request.newName);
            plan = manifest.disks.map(d => {
                const format = d.sourceFormat === "raw" ? "raw" : "qcow2";
                const to = join(directory, `${stem}-${d.target}.${format}`);
                if (existsSync(to)) throw new RestoreRefusedError(`${to} exists already; nothing was restored`);
                return { from: join(request.path, d.file), temp: to, to, format, target: d.target };
            });
        } else {
            const vm = await findVm(ctx.uri, manifest.vm.name);
            if (vm && (await vmState(ctx.uri, vm)) !== "shut off") throw new RestoreRefusedError(`${manifest.vm.name} is running: shut it off first`);
            plan = manifest.disks.map(d => {
                if (!d.source) throw new RestoreRefusedError(`the backup does not say where disk ${d.target} was`);
                const format = d.sourceFormat === "raw" ? "raw" : "qcow2";
                return { from: join(request.path, d.file), temp: join(dirname(d.source), `.${basename(d.source)}.restore-${process.pid}`), to: d.source, format, target: d.target };
            });
        }
        const perDirectory = new Map<string, number>();
        for (const [i, step] of plan.entries()) perDirectory.set(dirname(step.to), (perDirectory.get(dirname(step.to)) ?? 0) + manifest.disks[i].virtualSize);
        for (const [directory, bytes] of perDirectory) ensureSpace(directory, bytes, "the restore");

        for (const step of plan) {
            written.push(step.temp);
            await convertImage(step.from, "qcow2", step.temp, step.format, { onProgress: p => ctx.onProgress(`disk ${step.target}`, p) });
            await fsyncFile(step.temp);
        }
        if (request.newName === undefined) {
            for (const step of plan) {
                renameSync(step.temp, step.to);
                fsyncDir(dirname(step.to));
            }
        }
        written.length = 0;
        const disks: RestoredDisk[] = plan.map(s => ({ target: s.target, path: s.to, format: s.format }));
        ctx.onProgress("define", null);
        try {
            await defineXml(ctx.uri, restoreDomainXml(savedXml, { disks, newName: request.newName }));
        } catch (err) {
            if (request.newName !== undefined) for (const s of plan) rmSync(s.to, { force: true });
            throw err;
        }
        return { vm: vmName, disks: plan.map(s => s.to) };
    } finally {
        for (const file of written) rmSync(file, { force: true });
        lock.release();
    }
}
