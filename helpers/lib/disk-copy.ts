// Copies of disk images with qemu-img (argv only, no shell): a full copy, or a qcow2 overlay whose backing
// file is the original (a linked clone). Each target file is reserved with O_EXCL first, so an existing
// file is never overwritten, and every file made so far is removed when anything fails. One small module
// on purpose: cloning and creating VMs from templates do the same disk work.
import { execFile, type ChildProcess } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";

export type CopyMode = "full" | "linked";

export interface ImageCopy {
    from: string;
    to: string;
    /** The original's format; a full copy keeps it, a linked copy is qcow2 on top of it. */
    format: string;
}

export class QemuImgError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "QemuImgError";
    }
}

let running: ChildProcess | null = null;

export function runQemuImg(args: readonly string[], options: { timeoutMs?: number } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        running = execFile("qemu-img", args, {
            encoding: "utf8",
            maxBuffer: 16 * 1024 * 1024,
            // A full copy of a large image takes long; a stuck NFS mount must still end some day.
            timeout: options.timeoutMs ?? 6 * 60 * 60_000,
            env: { ...process.env, LC_ALL: "C" },
        }, (error, stdout, stderr) => {
            running = null;
            if (error) {
                reject(new QemuImgError((stderr || error.message).trim().split("\n").filter(Boolean).join(" ")));
                return;
            }
            resolve(stdout);
        });
    });
}

function copyArgs({ from, to, format }: ImageCopy, mode: CopyMode): string[] {
    // The format is given, never probed: a raw image whose content looks like qcow2 must stay raw.
    return mode === "full"
        ? ["convert", "-q", "-f", format, "-O", format, from, to]
        : ["create", "-q", "-f", "qcow2", "-F", format, "-b", from, to];
}

/** Copies every image, or none: on failure (or a signal) the files made so far are removed. */
export class ImageCopier {
    private readonly made: string[] = [];

    async copyAll(copies: readonly ImageCopy[], mode: CopyMode): Promise<void> {
        try {
            for (const copy of copies) {
                // "wx": fails with EEXIST rather than replacing a file someone already has there.
                try {
                    closeSync(openSync(copy.to, "wx", 0o600));
                } catch (error) {
                    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
                    throw Object.assign(new Error(`${copy.to} already exists (it is never overwritten): choose another name`), { code: "EEXIST" });
                }
                this.made.push(copy.to);
            }
            for (const copy of copies) await runQemuImg(copyArgs(copy, mode));
        } catch (error) {
            this.removeMade();
            throw error;
        }
    }

    /** Stops a copy in progress and removes what was made: for SIGTERM/SIGINT. */
    abort(): void {
        running?.kill("SIGKILL");
        this.removeMade();
    }

    private removeMade(): void {
        for (const path of this.made.splice(0)) rmSync(path, { force: true });
    }
}
