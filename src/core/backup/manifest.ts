// A backup's manifest (manifest.json in the backup's directory) and its status file (status.json).
//
// The manifest is written last, once every image is on the target, synced, checked with qemu-img check
// and hashed; a directory without a manifest that reads back whole is an incomplete backup: never
// counted, never restored, removed by the next run. So the reader is strict: a manifest cut off
// mid-write (torn), with a field missing, a checksum that is not one, or a file name that could leave
// the directory is no manifest.
//
// The status file holds what changes after the backup: protection and the last verification. It is
// separate so the manifest, the record of what was copied, is never rewritten.
import { z } from "zod";
import { parseJsonText, describeJsonSyntaxError } from "../json-text";

export const MANIFEST_FILE = "manifest.json";
export const STATUS_FILE = "status.json";
export const DOMAIN_XML_FILE = "domain.xml";
export const MANIFEST_FORMAT = "kvm-manager-backup";

// A plain file name inside the backup directory: no path, nothing hidden, no control characters.
const fileName = z.string().min(1).max(200).refine(name =>
    !name.includes("/") && !name.startsWith(".") && !Array.from(name).some(c => c < " " || c === "\u007f")
    && name !== MANIFEST_FILE && name !== STATUS_FILE, {
    message: "not a plain file name inside the backup directory",
});
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, "not a SHA-256 checksum (64 hexadecimal digits)");
const isoTime = z.iso.datetime({ offset: true });
const bytes = z.number().int().min(0);

const manifestDisk = z.object({
    // The VM's device name: vda, sdb.
    target: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "not a device name"),
    file: fileName,
    format: z.enum(["qcow2", "raw"]),
    // Size of the image file, and the disk's size as the guest sees it.
    bytes,
    virtualSize: bytes,
    sha256,
    // Where the disk was and in which format, for a restore over the VM.
    source: z.string().min(1).nullable(),
    sourceFormat: z.string().min(1).nullable(),
}).strict();

export const manifestSchema = z.object({
    format: z.literal(MANIFEST_FORMAT),
    version: z.literal(1),
    vm: z.object({ name: z.string().min(1), uuid: z.string().min(1) }).strict(),
    job: z.string().min(1).nullable(),
    // push: a running VM, libvirt's push-mode backup (virsh backup-begin); copy: a shut-off VM, qemu-img convert.
    mode: z.enum(["push", "copy"]),
    started: isoTime,
    finished: isoTime,
    compressed: z.boolean(),
    // Whether the guest's file systems were frozen through the guest agent while the backup began.
    frozen: z.boolean(),
    domainXml: z.object({ file: z.literal(DOMAIN_XML_FILE), sha256 }).strict(),
    disks: z.array(manifestDisk).min(1).max(256),
    tools: z.object({ qemuImg: z.string(), libvirt: z.string(), kvmManager: z.string() }).strict(),
}).strict().superRefine((m, ctx) => {
    const files = new Set<string>([DOMAIN_XML_FILE]);
    m.disks.forEach((d, i) => {
        if (files.has(d.file)) ctx.addIssue({ code: "custom", message: `${d.file} is named twice`, path: ["disks", i, "file"] });
        files.add(d.file);
    });
    if (Date.parse(m.finished) < Date.parse(m.started)) ctx.addIssue({ code: "custom", message: "finished before it started", path: ["finished"] });
});

export type BackupManifest = z.infer<typeof manifestSchema>;
export type ManifestDisk = BackupManifest["disks"][number];

export type ManifestRead = { ok: true; manifest: BackupManifest } | { ok: false; error: string };

export function parseManifest(text: string): ManifestRead {
    const json = parseJsonText(text);
    if (!json.ok) {
        const torn = ["empty", "unexpected-end", "unterminated-string"].includes(json.error.problem);
        return { ok: false, error: torn ? "the manifest is incomplete (cut off while it was written)" : `the manifest is not valid JSON: ${describeJsonSyntaxError(json.error)}` };
    }
    const parsed = manifestSchema.safeParse(json.value);
    if (!parsed.success) {
        return { ok: false, error: "the manifest is not complete: " + parsed.error.issues.map(i => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; ") };
    }
    return { ok: true, manifest: parsed.data };
}

export function serialiseManifest(manifest: BackupManifest): string {
    const checked = manifestSchema.parse(manifest);
    return JSON.stringify(checked, null, 2) + "\n";
}

export const statusSchema = z.object({
    version: z.literal(1),
    protected: z.boolean(),
    verification: z.object({
        time: isoTime,
        ok: z.boolean(),
        // What failed, in English (qemu-img's own words, or which checksum differs); "" when ok.
        message: z.string(),
    }).strict().nullable(),
}).strict();

export type BackupStatus = z.infer<typeof statusSchema>;

export const UNVERIFIED_STATUS: BackupStatus = { version: 1, protected: false, verification: null };

// A damaged status file is read as "not protected, not verified": the safe side for verification, and
// for protection the manifest's backup is then subject to retention like any other, which the listing
// shows (the page offers to protect it again).
export function parseStatus(text: string): BackupStatus | null {
    const json = parseJsonText(text);
    if (!json.ok) return null;
    const parsed = statusSchema.safeParse(json.value);
    return parsed.success ? parsed.data : null;
}
