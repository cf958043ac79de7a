// Free space on a backup target, checked before a backup starts.
import { statfsSync } from "node:fs";
import { formatBytes } from "../../../src/core/format";

export interface TargetSpace {
    free: number;
    total: number;
}

export function targetSpace(dir: string): TargetSpace {
    const s = statfsSync(dir);
    return { free: s.bavail * s.bsize, total: s.blocks * s.bsize };
}

export class NoSpaceError extends Error {
    readonly code = "ENOSPC";

    constructor(message: string) {
        super(message);
        this.name = "NoSpaceError";
    }
}

export function ensureSpace(dir: string, needed: number, what: string): void {
    const { free } = targetSpace(dir);
    if (free < needed) {
        throw new NoSpaceError(`not enough space on ${dir}: ${what} needs about ${formatBytes(needed)} (the disks' allocation), ${formatBytes(free)} is free; nothing was written`);
    }
}
