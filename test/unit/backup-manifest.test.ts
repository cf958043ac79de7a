// The backup manifest reader: a complete manifest reads back; one cut off at any byte (kill -9 or a
// full disk mid-write), with a field missing, a wrong checksum shape, or a file name leaving the backup
// directory is rejected, so the backup is never counted as good.
import { parseManifest, parseStatus, serialiseManifest, type BackupManifest } from "../../src/core/backup/manifest";
import { BACKUP_JOB_KIND } from "../../src/core/backup/backup-job";
import { validateDocument, describeDocumentError } from "../../src/core/config/documents";

const MANIFEST: BackupManifest = {
    format: "kvm-manager-backup",
    version: 1,
    vm: { name: "web \"1\" $(id) ü \u200f", uuid: "5e8c6c1c-7a57-4b7e-9d2c-6f1b2a3c4d5e" },
    job: "nightly #1",
    mode: "copy",
    started: "2026-11-26T03:00:00.000Z",
    finished: "2026-11-26T03:01:10.000Z",
    compressed: false,
    frozen: false,
    domainXml: { file: "domain.xml", sha256: "a".repeat(64) },
    disks: [
        { target: "vda", file: "vda.qcow2", format: "qcow2", bytes: 1_073_938_432, virtualSize: 2_147_483_648, sha256: "0123456789abcdef".repeat(4), source: "/var/lib/libvirt/images/web 1.qcow2", sourceFormat: "qcow2" },
        { target: "vdb", file: "vdb.qcow2", format: "qcow2", bytes: 196_616, virtualSize: 67_108_864, sha256: "f".repeat(64), source: "/dev/vg0/data", sourceFormat: "raw" },
    ],
    tools: { qemuImg: "7.2.22", libvirt: "9.0.0", kvmManager: "0.1.0" },
};

function errorOf(text: string): string {
    const read = parseManifest(text);
    if (read.ok) throw new Error("the manifest was accepted");
    return read.error;
}

test("a complete manifest reads back as written", () => {
    const read = parseManifest(serialiseManifest(MANIFEST));
    expect(read).toEqual({ ok: true, manifest: MANIFEST });
});

test("a manifest cut off at any byte is rejected as incomplete", () => {
    const text = serialiseManifest(MANIFEST);
    const whole = text.trimEnd().length;
    for (let cut = 0; cut < whole; cut++) {
        expect(errorOf(text.slice(0, cut))).toMatch(/^the manifest is (incomplete \(cut off|not valid JSON)/);
    }
    // Cut in the middle of a value or after a comma, the reader says "cut off", not a syntax error somewhere.
    expect(errorOf(text.slice(0, text.indexOf("\"sha256\"")))).toBe("the manifest is incomplete (cut off while it was written)");
    expect(errorOf("")).toBe("the manifest is incomplete (cut off while it was written)");
});

test("a manifest that parses but misses what a restore needs is rejected", () => {
    const without = (key: keyof BackupManifest) => {
        const copy: Record<string, unknown> = { ...MANIFEST };
        delete copy[key];
        return JSON.stringify(copy);
    };
    expect(errorOf(without("disks"))).toBe("the manifest is not complete: disks: Invalid input: expected array, received undefined");
    expect(errorOf(without("finished"))).toMatch(/^the manifest is not complete: finished: /);
    expect(errorOf(JSON.stringify({ ...MANIFEST, disks: [] }))).toMatch(/disks: Too small/);
    expect(errorOf(JSON.stringify({ ...MANIFEST, version: 2 }))).toMatch(/^the manifest is not complete: version: /);
    expect(errorOf("null")).toMatch(/^the manifest is not complete: /);
});

test("checksums, file names and times are checked", () => {
    const disk = MANIFEST.disks[0];
    const withDisk = (change: Record<string, unknown>) => JSON.stringify({ ...MANIFEST, disks: [{ ...disk, ...change }] });
    expect(errorOf(withDisk({ sha256: "A".repeat(64) }))).toBe("the manifest is not complete: disks.0.sha256: not a SHA-256 checksum (64 hexadecimal digits)");
    expect(errorOf(withDisk({ sha256: "a".repeat(63) }))).toMatch(/disks\.0\.sha256/);
    for (const file of ["../../etc/shadow", "/etc/shadow", ".hidden", "manifest.json", "a\nb"]) {
        expect(errorOf(withDisk({ file }))).toBe("the manifest is not complete: disks.0.file: not a plain file name inside the backup directory");
    }
    expect(errorOf(withDisk({ file: "domain.xml" }))).toBe("the manifest is not complete: disks.0.file: domain.xml is named twice");
    expect(errorOf(withDisk({ bytes: -1 }))).toMatch(/disks\.0\.bytes/);
    expect(errorOf(JSON.stringify({ ...MANIFEST, finished: "2026-11-26T02:59:00.000Z" }))).toBe("the manifest is not complete: finished: finished before it started");
    expect(errorOf(JSON.stringify({ ...MANIFEST, extra: 1 }))).toMatch(/Unrecognized key/);
});

test("a status file that is damaged reads as null (neither protected nor verified)", () => {
    expect(parseStatus('{"version":1,"protected":true,"verification":null}')).toEqual({ version: 1, protected: true, verification: null });
    expect(parseStatus('{"version":1,"protected":tr')).toBeNull();
    expect(parseStatus('{"version":1,"protected":"yes","verification":null}')).toBeNull();
});

describe("backup job documents", () => {
    const JOB = { version: 1, vms: ["web 1", "$(id) ü"], target: "/mnt/usb backup/kvm", compression: true, prune: { "keep-last": 3, "keep-daily": 7 }, enabled: true };

    test("a valid job reads back", () => {
        expect(validateDocument(BACKUP_JOB_KIND, JOB)).toEqual({ ok: true, value: JOB, migratedFrom: null });
    });

    test("names any VM libvirt holds, edge spaces, tabs and DEL too, but no name libvirt refuses", () => {
        const odd = { ...JOB, vms: [" web ", "a\tb", "a\u007fb", "\u200fweb"] };
        expect(validateDocument(BACKUP_JOB_KIND, odd)).toEqual({ ok: true, value: odd, migratedFrom: null });
        const slash = validateDocument(BACKUP_JOB_KIND, { ...JOB, vms: ["a/b"] });
        expect(slash.ok ? "valid" : describeDocumentError(slash.error)).toBe("vms.0: a VM name cannot contain \"/\"");
    });

    test.each([
        [{ target: "relative/dir" }, "target: the target is an absolute directory path without \"..\""],
        [{ target: "/mnt/../etc" }, "target: the target is an absolute directory path without \"..\""],
        [{ prune: { "keep-daily": -1 } }, "prune.keep-daily: Too small: expected number to be >=0"],
        [{ prune: { "keep-dayly": 1 } }, "prune: Unrecognized key: \"keep-dayly\""],
        [{ vms: [] }, "vms: Too small: expected array to have >=1 items"],
        [{ vms: ["a\nb"] }, "vms.0: a VM name cannot contain control characters"],
    ])("%j is refused", (change, message) => {
        const r = validateDocument(BACKUP_JOB_KIND, { ...JOB, ...change });
        expect(r.ok ? "valid" : describeDocumentError(r.error)).toBe(message);
    });
});
