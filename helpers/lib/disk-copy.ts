// Copies of disk images with qemu-img (argv only, no shell): a full copy, or a qcow2 overlay whose backing
// file is the original (a linked clone). Each target file is reserved with O_EXCL first, so an existing
// file is never overwritten, and every file made so far is removed when anything fails. qemu-img itself
// runs through qemu-img.ts, as it does when VMs are created from templates.
import type { ChildProcess } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";
import { runQemuImg } from "./qemu-img";

export type CopyMode = "full" | "linked";

export interface ImageCopy {
    from: string;
    to: string;
    /** The original's format; a full copy keeps it, a linked copy is qcow2 on top of it. */
    format: string;
}

let running: ChildProcess | null = null;

// A full copy of a large image takes long; a stuck NFS mount must still end some day.
const COPY_TIMEOUT_MS = 6 * 60 * 60_000;

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
            for (const copy of copies) {
                try {
                    await runQemuImg(copyArgs(copy, mode), { timeoutMs: COPY_TIMEOUT_MS, onSpawn: child => { running = child; } });
                } finally {
                    running = null;
                }
            }
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
