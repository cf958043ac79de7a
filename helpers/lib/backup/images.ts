// Disk images with qemu-img: what a disk takes up, copying it (qcow2 backups, optionally compressed),
// checking it, and its SHA-256.
import { createHash } from "node:crypto";
import { constants, createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { runTool } from "./tools";

export interface ImageInfo {
    format: string;
    virtualSize: number;
    // Bytes the image takes on its file system (for a block device: its size).
    allocated: number;
}

export async function imageInfo(path: string): Promise<ImageInfo> {
    // -U: a running VM holds the image's write lock; reading its header is still safe.
    const out = await runTool("qemu-img", ["info", "-U", "--output=json", path]);
    const info = JSON.parse(out) as { format?: string; "virtual-size"?: number; "actual-size"?: number };
    const virtualSize = info["virtual-size"] ?? 0;
    return { format: info.format ?? "raw", virtualSize, allocated: info["actual-size"] ?? virtualSize };
}

// qemu-img -p prints "    (12.34/100%)\r"; the last percentage in a chunk.
export function progressPercent(chunk: string): number | null {
    const all = [...chunk.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)];
    return all.length > 0 ? Number(all[all.length - 1][1]) : null;
}

export async function convertImage(source: string, sourceFormat: string | null, target: string, targetFormat: string,
    options: { compress?: boolean; onProgress?: (percent: number) => void } = {}): Promise<void> {
    const args = ["convert", "-p"];
    if (sourceFormat) args.push("-f", sourceFormat);
    args.push("-O", targetFormat);
    if (options.compress) args.push("-c");
    args.push(source, target);
    await runTool("qemu-img", args, {
        onStdout: chunk => {
            const p = progressPercent(chunk);
            if (p !== null) options.onProgress?.(p);
        },
    });
}

// null when qemu-img check finds the image sound (leaked clusters waste space but lose nothing),
// otherwise what it found.
export async function checkImage(path: string, format: string): Promise<string | null> {
    try {
        await runTool("qemu-img", ["check", "-f", format, path], { okCodes: [3] });
        return null;
    } catch (err) {
        return (err as Error).message;
    }
}

export function sha256Text(text: string): string {
    return createHash("sha256").update(text, "utf8").digest("hex");
}

export function sha256File(path: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const hash = createHash("sha256");
        createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })
            .on("data", chunk => hash.update(chunk))
            .on("error", reject)
            .on("end", () => resolve(hash.digest("hex")));
    });
}

// What qemu-img and virsh wrote is on the disk before the manifest says so. Asynchronous, so the
// checksum can read the file from the page cache while the disk flushes it.
export async function fsyncFile(path: string): Promise<void> {
    const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
        await handle.sync();
    } finally {
        await handle.close();
    }
}

export async function qemuImgVersion(): Promise<string> {
    const out = await runTool("qemu-img", ["--version"]);
    return /version\s+(\S+)/.exec(out)?.[1] ?? "unknown";
}
