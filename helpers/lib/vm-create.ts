// Making one VM on the host from a CreatePlan: checks, disks (qemu-img), the domain (virsh define),
// autostart, start. Whatever fails, everything made so far is taken away again (the disks this run
// created, the domain it defined) and the answer says which step failed and what was cleaned up.
// Files that were there before (an existing image, an ISO, a base image) are only ever read.
import { randomUUID } from "node:crypto";
import { closeSync, lstatSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    newDiskFile, type CleanupResult, type CreateAnswer, type CreatePlan, type CreateProgress, type CreateStep, type CreateStepResult,
} from "../../src/core/template/create-plan";
import { buildDomainXml, type DiskFile, type VirtType } from "../../src/core/template/domain-builder";
import type { TemplateDisk } from "../../src/core/template/template-document";
import { imageInfo, runQemuImg } from "./qemu-img";
import { runVirsh } from "./virsh";

class StepFailure extends Error {
    constructor(readonly step: CreateStep, message: string) {
        super(message);
    }
}

function messageOf(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}

// "kvm" where libvirt offers it for x86_64 guests, else TCG.
export async function hostVirtType(uri: string): Promise<VirtType> {
    const caps = await runVirsh(uri, ["capabilities"]);
    return /<domain type=['"]kvm['"]/.test(caps) ? "kvm" : "qemu";
}

export async function domainNames(uri: string): Promise<Set<string>> {
    const out = await runVirsh(uri, ["list", "--all", "--name"]);
    return new Set(out.split("\n").filter(line => line !== ""));
}

function requireFile(path: string, what: string): void {
    let stats;
    try {
        stats = statSync(path);
    } catch (err) {
        throw new Error(`${what} ${path} cannot be used: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : messageOf(err)}`);
    }
    if (!stats.isFile() && !stats.isBlockDevice()) throw new Error(`${what} ${path} is not a file`);
}

function requireDirectory(path: string): void {
    let stats;
    try {
        stats = statSync(path);
    } catch (err) {
        throw new Error(`the disk location ${path} cannot be used: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "it does not exist" : messageOf(err)}`);
    }
    if (!stats.isDirectory()) throw new Error(`the disk location ${path} is not a directory`);
}

// Claims the file name first (O_EXCL): a file already there, or a link planted there, is never
// overwritten, and a concurrent run cannot take the same name.
function reserve(path: string): void {
    closeSync(openSync(path, "wx", 0o600));
}

async function makeDisk(disk: TemplateDisk, path: string): Promise<void> {
    switch (disk.source) {
    case "new":
        await runQemuImg(["create", "-q", "-f", disk.format, path, `${disk.sizeMiB}M`]);
        return;
    case "base-image": {
        const base = await imageInfo(disk.image);
        if (disk.clone === "linked") {
            await runQemuImg(["create", "-q", "-f", "qcow2", "-F", base.format, "-b", disk.image, path]);
        } else {
            await runQemuImg(["convert", "-q", "-f", base.format, "-O", disk.format, disk.image, path]);
        }
        return;
    }
    default:
        throw new Error(`a ${disk.source} disk is not made`);
    }
}

async function existingFormat(disk: TemplateDisk): Promise<string> {
    if (disk.source === "cdrom") return "raw";
    if (disk.source !== "existing") throw new Error("not an existing image");
    return (await imageInfo(disk.image)).format;
}

export interface CreateOptions {
    uri: string;
    onProgress?: (progress: CreateProgress) => void;
}

export async function createVm(plan: CreatePlan, { uri, onProgress = () => {} }: CreateOptions): Promise<CreateAnswer> {
    const uuid = randomUUID();
    const { name, spec } = plan;
    const steps: CreateStepResult[] = [];
    const made: string[] = [];
    let defined = false;
    const attempt = async <T>(step: CreateStep, work: () => Promise<T>): Promise<T> => {
        try {
            return await work();
        } catch (err) {
            throw err instanceof StepFailure ? err : new StepFailure(step, messageOf(err));
        }
    };
    try {
        onProgress({ type: "progress", step: "check" });
        const virtType = await attempt("check", async () => {
            if ((await domainNames(uri)).has(name)) throw new Error(`a VM named ${JSON.stringify(name)} already exists`);
            for (const disk of spec.disks) {
                if (disk.source === "new" || disk.source === "base-image") requireDirectory(disk.location);
                if (disk.source !== "new") requireFile(disk.image, disk.source === "cdrom" ? "the ISO image" : "the image");
            }
            return hostVirtType(uri);
        });
        steps.push({ step: "check", ok: true });

        const diskFiles: DiskFile[] = [];
        for (const [index, disk] of spec.disks.entries()) {
            onProgress({ type: "progress", step: "disk", index, total: spec.disks.length });
            const file = newDiskFile(disk, name, uuid, index);
            await attempt("disk", async () => {
                if (file === null) {
                    diskFiles.push({ path: (disk as { image: string }).image, format: await existingFormat(disk) });
                    return;
                }
                const { path } = file;
                try {
                    reserve(path);
                } catch (err) {
                    throw new Error(`disk ${index + 1} (${path}) could not be created: ${messageOf(err)}`);
                }
                made.push(path);
                try {
                    await makeDisk(disk, path);
                } catch (err) {
                    throw new Error(`disk ${index + 1} (${path}) could not be created: ${messageOf(err)}`);
                }
                diskFiles.push(file);
            });
            steps.push({ step: "disk", ok: true, path: diskFiles[index].path });
        }

        onProgress({ type: "progress", step: "define" });
        await attempt("define", async () => {
            const dir = mkdtempSync(join(tmpdir(), "kvm-manager-create-"));
            try {
                const file = join(dir, "domain.xml");
                writeFileSync(file, buildDomainXml({ name, uuid, virtType, spec, diskFiles }), { mode: 0o600 });
                await runVirsh(uri, ["define", "--file", file]);
                defined = true;
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });
        steps.push({ step: "define", ok: true });

        if (spec.autostart) {
            onProgress({ type: "progress", step: "autostart" });
            await attempt("autostart", () => runVirsh(uri, ["autostart", "--domain", uuid]));
            steps.push({ step: "autostart", ok: true });
        }
        if (plan.start) {
            onProgress({ type: "progress", step: "start" });
            await attempt("start", () => runVirsh(uri, ["start", "--domain", uuid], { timeoutMs: 120_000 }));
            steps.push({ step: "start", ok: true });
        }
        return { ok: true, name, uuid, steps, disks: diskFiles.map(d => d.path) };
    } catch (err) {
        const failure = err instanceof StepFailure ? err : new StepFailure("check", messageOf(err));
        steps.push({ step: failure.step, ok: false, message: failure.message });
        const cleanup: CleanupResult[] = [];
        if (defined) cleanup.push(await undefine(uri, uuid, spec.firmware === "uefi"));
        for (const path of made) cleanup.push(removeDisk(path));
        return { ok: false, error: failure.message, failedStep: failure.step, steps, cleanup };
    }
}

async function undefine(uri: string, uuid: string, uefi: boolean): Promise<CleanupResult> {
    try {
        // A start that failed half-way may have left it running (paused before the failure).
        await runVirsh(uri, ["destroy", "--domain", uuid]).catch(() => undefined);
        await runVirsh(uri, ["undefine", "--domain", uuid, ...(uefi ? ["--nvram"] : [])]);
        return { what: "domain", target: uuid, ok: true };
    } catch (err) {
        return { what: "domain", target: uuid, ok: false, message: messageOf(err) };
    }
}

function removeDisk(path: string): CleanupResult {
    try {
        // Only a regular file this run reserved: never follow a link someone swapped in.
        if (lstatSync(path).isFile()) rmSync(path);
        return { what: "disk", target: path, ok: true };
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return { what: "disk", target: path, ok: true };
        return { what: "disk", target: path, ok: false, message: messageOf(err) };
    }
}
