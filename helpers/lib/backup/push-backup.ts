// A running VM's disks copied by libvirt's push-mode backup (`virsh backup-begin`): QEMU copies each
// disk as it was when the job began, while the guest runs on, into the files the backup XML names.
// The job is followed with `virsh domjobinfo` until it ends, and counts only if libvirt reports it
// completed.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DiskDescription } from "../../../src/core/domain-xml";
import { runVirsh } from "../virsh";
import type { VmRef } from "./domain";

const POLL_MS = 200;

function xmlEscape(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

export function backupXml(all: readonly DiskDescription[], files: ReadonlyMap<string, string>): string {
    const disks = all.map(d => {
        const file = files.get(d.target);
        return file === undefined
            ? `    <disk name='${xmlEscape(d.target)}' backup='no'/>`
            : `    <disk name='${xmlEscape(d.target)}' backup='yes' type='file'><driver type='qcow2'/><target file='${xmlEscape(file)}'/></disk>`;
    });
    return `<domainbackup mode='push'>\n  <disks>\n${disks.join("\n")}\n  </disks>\n</domainbackup>\n`;
}

function field(info: string, name: string): string | null {
    const line = info.split("\n").find(l => l.startsWith(`${name}:`));
    return line ? line.slice(name.length + 1).trim() : null;
}

// A backup job of ours left behind by a helper that was killed: the caller holds the VM's lock, so no
// run of ours owns it any more.
export async function abortStaleBackupJob(uri: string, vm: VmRef): Promise<boolean> {
    const info = await runVirsh(uri, ["domjobinfo", "--domain", vm.uuid]);
    if (field(info, "Job type") === "None" || field(info, "Operation") !== "Backup") return false;
    await runVirsh(uri, ["domjobabort", "--domain", vm.uuid]);
    return true;
}

export async function pushBackup(uri: string, vm: VmRef, all: readonly DiskDescription[], files: ReadonlyMap<string, string>,
    onProgress: (percent: number) => void): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), "kvm-manager-backup-"));
    try {
        const xmlPath = join(dir, "backup.xml");
        writeFileSync(xmlPath, backupXml(all, files), { mode: 0o600 });
        await runVirsh(uri, ["backup-begin", "--domain", vm.uuid, "--backupxml", xmlPath]);
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
    for (;;) {
        const info = await runVirsh(uri, ["domjobinfo", "--domain", vm.uuid]);
        if (field(info, "Job type") === "None") break;
        const processed = parseFloat(field(info, "File processed") ?? "");
        const total = parseFloat(field(info, "File total") ?? "");
        if (total > 0) onProgress(Math.min(100, (processed / total) * 100));
        await new Promise(resolve => setTimeout(resolve, POLL_MS));
    }
    let completed: string;
    try {
        completed = await runVirsh(uri, ["domjobinfo", "--domain", vm.uuid, "--completed", "--anystats"]);
    } catch (err) {
        throw new Error(`libvirt's backup job ended without a result (did the VM stop?): ${(err as Error).message}`);
    }
    const type = field(completed, "Job type");
    if (type !== "Completed" || field(completed, "Operation") !== "Backup") {
        const why = field(completed, "Error message");
        throw new Error(`libvirt's backup job did not complete (${type ?? "no result"}${why ? `: ${why}` : ""}); did the VM stop during the backup?`);
    }
    onProgress(100);
}
