// A backup job as stored in /etc/kvm-manager/backups/NAME.json: which VMs, where their backups go,
// whether images are compressed, and the retention (Proxmox VE's prune options, prune.ts). When it
// runs is a schedule's business ({type: "backup", job: NAME} in /etc/kvm-manager/schedules), so one
// job can run nightly and by hand.
import { z } from "zod";
import type { DocumentKind } from "../config/documents";
import { existingVmNameSchema } from "../vm-name";
import { KEEP_OPTIONS } from "./prune";

// Not under /var/lib/kvm-manager: that is root's alone (0700), and QEMU writes a running VM's backup
// as libvirt-qemu, so every directory down to the target must let it through.
export const DEFAULT_BACKUP_TARGET = "/var/backups/kvm-manager";

const keepCount = z.number().int().min(0).max(100_000);

const pruneOptions = z.object({
    "keep-all": z.boolean().optional(),
    ...Object.fromEntries(KEEP_OPTIONS.map(option => [option, keepCount.optional()])) as Record<typeof KEEP_OPTIONS[number], z.ZodOptional<typeof keepCount>>,
}).strict();

export const backupJobSchema = z.object({
    version: z.literal(1),
    vms: z.array(existingVmNameSchema).min(1).max(1000),
    // A local directory or a mounted NFS share or USB disk; the helper refuses one that is missing
    // rather than filling the root file system under an unmounted mount point.
    target: z.string().min(2).max(4096).refine(path => path.startsWith("/") && !path.split("/").includes(".."), {
        message: "the target is an absolute directory path without \"..\"",
    }).refine(path => !Array.from(path).some(c => c < " " || c === "\u007f"), {
        message: "the target cannot contain control characters",
    }),
    compression: z.boolean(),
    prune: pruneOptions,
    enabled: z.boolean(),
}).strict();

export type BackupJob = z.infer<typeof backupJobSchema>;

export const BACKUP_JOB_KIND: DocumentKind<BackupJob> = {
    directory: "backups",
    version: 1,
    schema: backupJobSchema,
    migrations: {},
};

