// Verifying a backup: every image passes qemu-img check and every file still has the SHA-256 the
// manifest recorded. The result goes to the backup's status file; retention counts a backup as
// verified only from it.
import { join } from "node:path";
import type { BackupManifest } from "../../../src/core/backup/manifest";
import { readBackup, writeStatus, type BackupEntry } from "./catalog";
import { checkImage, sha256File } from "./images";

export interface Verification {
    ok: boolean;
    message: string;
}

export async function checkBackupFiles(path: string, manifest: BackupManifest, onProgress?: (file: string) => void): Promise<Verification> {
    const problems: string[] = [];
    const sha = async (file: string) => {
        try {
            return await sha256File(join(path, file));
        } catch (err) {
            return `unreadable (${(err as NodeJS.ErrnoException).code ?? String(err)})`;
        }
    };
    if ((await sha(manifest.domainXml.file)) !== manifest.domainXml.sha256) problems.push(`${manifest.domainXml.file}: checksum differs`);
    for (const disk of manifest.disks) {
        onProgress?.(disk.file);
        const check = await checkImage(join(path, disk.file), disk.format);
        if (check) problems.push(`${disk.file}: ${check}`);
        const sum = await sha(disk.file);
        if (sum !== disk.sha256) problems.push(`${disk.file}: checksum ${sum.startsWith("unreadable") ? sum : "differs from the manifest's"}`);
    }
    return { ok: problems.length === 0, message: problems.join("; ") };
}

export async function verifyBackup(path: string, onProgress?: (file: string) => void): Promise<{ entry: BackupEntry; verification: Verification }> {
    const entry = readBackup(path);
    if (!entry.manifest) return { entry, verification: { ok: false, message: entry.problem ?? "incomplete" } };
    const verification = await checkBackupFiles(path, entry.manifest, onProgress);
    const status = { ...entry.status, verification: { time: new Date().toISOString(), ...verification } };
    writeStatus(path, status);
    return { entry: { ...entry, status }, verification };
}
