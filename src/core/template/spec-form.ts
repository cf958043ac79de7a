// The forms' view of a VM description: numbers as the text typed (an empty or mistyped field stays as
// typed and is reported, never read as 0), disk sizes in GiB. specOfForm checks it with the template
// schema and names the fields that are wrong by their path ("vcpus", "disks.1.sizeMiB").
import { vmSpecSchema, type TemplateDisk, type VmSpec } from "./template-document";

export type FormDisk =
    | (Omit<Extract<TemplateDisk, { source: "new" }>, "sizeMiB"> & { sizeGiB: string })
    | Exclude<TemplateDisk, { source: "new" }>;

export interface SpecForm extends Omit<VmSpec, "vcpus" | "memoryMiB" | "osVariant" | "disks"> {
    vcpus: string;
    memoryMiB: string;
    osVariant: string;
    disks: FormDisk[];
}

const MIB_PER_GIB = 1024;

function formatGiB(mib: number): string {
    return String(Math.round(mib / MIB_PER_GIB * 1000) / 1000);
}

export function formOfSpec(spec: VmSpec): SpecForm {
    return {
        ...spec,
        vcpus: String(spec.vcpus),
        memoryMiB: String(spec.memoryMiB),
        osVariant: spec.osVariant ?? "",
        disks: spec.disks.map(disk => {
            if (disk.source !== "new") return disk;
            const { sizeMiB, ...rest } = disk;
            return { ...rest, sizeGiB: formatGiB(sizeMiB) };
        }),
    };
}

function wholeNumber(text: string): number {
    return /^\s*[0-9]{1,9}\s*$/.test(text) ? Number(text) : Number.NaN;
}

function gibToMiB(text: string): number {
    return /^\s*[0-9]{1,8}(\.[0-9]{1,3})?\s*$/.test(text) ? Math.round(Number(text) * MIB_PER_GIB) : Number.NaN;
}

export type SpecFormResult = { ok: true; spec: VmSpec } | { ok: false; fields: string[] };

export function specOfForm(form: SpecForm): SpecFormResult {
    const candidate = {
        ...form,
        vcpus: wholeNumber(form.vcpus),
        memoryMiB: wholeNumber(form.memoryMiB),
        osVariant: form.osVariant.trim() === "" ? null : form.osVariant.trim(),
        disks: form.disks.map(disk => {
            if (disk.source !== "new") return disk;
            const { sizeGiB, ...rest } = disk;
            return { ...rest, sizeMiB: gibToMiB(sizeGiB) };
        }),
    };
    const parsed = vmSpecSchema.safeParse(candidate);
    if (parsed.success) return { ok: true, spec: parsed.data };
    // A size typed in GiB is checked as sizeMiB: report it on the field the form shows.
    const fields = parsed.error.issues.map(issue => issue.path.map(String).join(".").replace(/sizeMiB$/, "sizeGiB"));
    return { ok: false, fields: Array.from(new Set(fields)) };
}
