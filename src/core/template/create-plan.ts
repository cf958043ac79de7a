// What the page asks the host helper (kvm-manager-create) to make: one VM, its name, its description
// and whether to start it. The helper validates it with the same schema before it touches anything.
import { z } from "zod";
import { diskFileStem, newVmNameSchema } from "../vm-name";
import type { DiskFile } from "./domain-builder";
import { vmSpecSchema, type TemplateDisk, type VmSpec } from "./template-document";

export const createPlanSchema = z.object({
    version: z.literal(1),
    name: newVmNameSchema,
    spec: vmSpecSchema,
    start: z.boolean(),
}).strict();

export type CreatePlan = z.infer<typeof createPlanSchema>;

// VMs the page makes at once ("Create several"). Each is a helper process with qemu-img and virsh
// children; see bench/create-from-template.ts for one at a time against this many.
export const CREATE_CONCURRENCY = 4;

// The stem of files a helper makes for a new VM (disks) or a template (base images): the name's stem and
// the start of a UUID (the new VM's, or a fresh one), so names that sanitise alike ("a b", "a_b") never
// share a file.
export function uniqueFileStem(name: string, uuid: string): string {
    return `${diskFileStem(name)}-${uuid.slice(0, 8)}`;
}

// The file the helper makes for spec.disks[index], or null for a disk it uses as it is (an existing
// image, an ISO).
export function newDiskFile(disk: TemplateDisk, vmName: string, uuid: string, index: number): DiskFile | null {
    if (disk.source !== "new" && disk.source !== "base-image") return null;
    return { path: `${disk.location}/${uniqueFileStem(vmName, uuid)}-disk${index}.${disk.format}`, format: disk.format };
}

// The steps a create goes through, in order: what the helper reports progress and results for.
export type CreateStep = "check" | "disk" | "define" | "autostart" | "start";

export interface CreateProgress {
    type: "progress";
    step: CreateStep;
    // For "disk": which one (0-based) of how many.
    index?: number;
    total?: number;
}

export interface CreateStepResult {
    step: CreateStep;
    ok: boolean;
    // For a disk: the file made or used.
    path?: string;
    message?: string;
}

// The helper's last line: what was made, or what failed and what was cleaned up after it.
export type CreateAnswer =
    | { ok: true; name: string; uuid: string; steps: CreateStepResult[]; disks: string[] }
    | { ok: false; error: string; failedStep: CreateStep | null; steps: CreateStepResult[]; cleanup: CleanupResult[] };

export interface CleanupResult {
    what: "disk" | "domain";
    // The disk's path, or the domain's UUID.
    target: string;
    ok: boolean;
    message?: string;
}

export function linkedClones(spec: VmSpec): number {
    return spec.disks.filter(d => d.source === "base-image" && d.clone === "linked").length;
}
