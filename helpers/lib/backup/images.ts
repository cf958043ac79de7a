// What backups do with disk images: copying them with qemu-img (qcow2 backups, optionally compressed),
// checking them, their SHA-256. qemu-img itself runs through ../qemu-img.ts.
import { createHash } from "node:crypto";
import { constants, createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { runQemuImg } from "../qemu-img";

export async function convertImage(source: string, sourceFormat: string | null, target: string, targetFormat: string,
    options: { compress?: boolean; onProgress?: (percent: number) => void } = {}): Promise<void> {
    const args = ["convert", "-p"];
    if (sourceFormat) args.push("-f", sourceFormat);
    args.push("-O", targetFormat);
    if (options.compress) args.push("-c");
    args.push(source, target);
    // No time limit: a large disk on a slow target takes as long as it takes.
    await runQemuImg(args, { timeoutMs: 0, onProgress: options.onProgress });
}

// null when qemu-img check finds the image sound (leaked clusters waste space but lose nothing),
// otherwise what it found.
export async function checkImage(path: string, format: string): Promise<string | null> {
    try {
        await runQemuImg(["check", "-f", format, path], { timeoutMs: 0, okCodes: [3] });
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
    const out = await runQemuImg(["--version"]);
    return /version\s+(\S+)/.exec(out)?.[1] ?? "unknown";
}
