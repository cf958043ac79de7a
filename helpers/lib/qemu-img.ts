// Runs qemu-img with an argv array (execFile, no shell): image paths are just arguments.
import { execFile, type ChildProcess } from "node:child_process";

export class QemuImgError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "QemuImgError";
    }
}

// `onSpawn` hands over the process, for a caller that must be able to stop it (a clone on SIGTERM).
export function runQemuImg(args: readonly string[], options: { timeoutMs?: number; onSpawn?: (child: ChildProcess) => void } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = execFile("qemu-img", args, {
            encoding: "utf8",
            maxBuffer: 16 * 1024 * 1024,
            // A full copy of a large image takes long; a stuck NFS mount should not hang the page forever.
            timeout: options.timeoutMs ?? 60 * 60_000,
            env: { ...process.env, LC_ALL: "C" },
        }, (error, stdout, stderr) => {
            if (error) {
                const detail = (stderr || error.message).trim().split("\n").filter(Boolean).join(" ");
                reject(new QemuImgError(detail));
                return;
            }
            resolve(stdout);
        });
        options.onSpawn?.(child);
    });
}

export interface ImageInfo {
    format: string;
    virtualSize: number;
}

// -U (force share): the image may be open by a running VM, which holds a write lock on it.
export async function imageInfo(path: string): Promise<ImageInfo> {
    const info = JSON.parse(await runQemuImg(["info", "-U", "--output=json", "--", path])) as { format?: unknown; "virtual-size"?: unknown };
    if (typeof info.format !== "string" || typeof info["virtual-size"] !== "number") throw new QemuImgError(`qemu-img info ${path}: unexpected answer`);
    return { format: info.format, virtualSize: info["virtual-size"] };
}
