// Runs qemu-img with an argv array, never a shell: image paths are just arguments. Every run goes
// through `setpriv --pdeathsig KILL`, so a helper killed with kill -9 mid-copy (a clone, a VM being
// created, a backup) takes its qemu-img with it instead of leaving it writing a file that nobody
// removes or that the next run removes under it. setpriv execs qemu-img: the child's PID is qemu-img's.
import { spawn, type ChildProcess } from "node:child_process";

export class QemuImgError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "QemuImgError";
    }
}

export interface QemuImgOptions {
    // Until qemu-img is stopped (SIGTERM). Default one hour: a stuck NFS mount must not hang the page
    // forever. 0: no limit (a backup of a disk of any size).
    timeoutMs?: number;
    // Hands over the process, for a caller that must be able to stop it (a clone on SIGTERM).
    onSpawn?: (child: ChildProcess) => void;
    // With -p among the arguments: each percentage qemu-img prints.
    onProgress?: (percent: number) => void;
    // Exit codes that are no failure (qemu-img check: 3 means leaked clusters, harmless).
    okCodes?: readonly number[];
}

const DEFAULT_TIMEOUT_MS = 60 * 60_000;

// qemu-img -p prints "    (12.34/100%)\r"; the last percentage in a chunk.
export function progressPercent(chunk: string): number | null {
    const all = [...chunk.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)];
    return all.length > 0 ? Number(all[all.length - 1][1]) : null;
}

// The message of a run that failed: qemu-img's own words (stderr on one line), else how it ended.
function failureMessage(args: readonly string[], stderr: string, ending: string): string {
    const detail = stderr.trim().split("\n").filter(Boolean).join(" ") || ending;
    return `qemu-img ${args[0] ?? ""} failed: ${detail}`;
}

export function runQemuImg(args: readonly string[], options: QemuImgOptions = {}): Promise<string> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise((resolve, reject) => {
        const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", "qemu-img", ...args], {
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, LC_ALL: "C" },
        });
        let stdout = "";
        let stderr = "";
        let timedOut = false;
        const timer = timeoutMs > 0 ? setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
        }, timeoutMs) : null;
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
            const percent = options.onProgress ? progressPercent(chunk) : null;
            if (percent !== null) options.onProgress?.(percent);
        });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
        child.on("error", err => {
            if (timer) clearTimeout(timer);
            reject(new QemuImgError(`qemu-img could not be started: ${err.message}`));
        });
        child.on("close", (code, signal) => {
            if (timer) clearTimeout(timer);
            if (code === 0 || (code !== null && options.okCodes?.includes(code))) {
                resolve(stdout);
                return;
            }
            const ending = timedOut ? `stopped after ${timeoutMs / 1000} s without finishing`
                : signal ? `killed by ${signal}` : `exit status ${code}`;
            reject(new QemuImgError(failureMessage(args, timedOut ? "" : stderr, ending)));
        });
        options.onSpawn?.(child);
    });
}

export interface ImageInfo {
    format: string;
    virtualSize: number;
    // Bytes the image takes on its file system (for a block device: its size).
    allocated: number;
}

// -U (force share): the image may be open by a running VM, which holds a write lock on it; reading
// its header is still safe.
export async function imageInfo(path: string): Promise<ImageInfo> {
    const info = JSON.parse(await runQemuImg(["info", "-U", "--output=json", "--", path])) as { format?: unknown; "virtual-size"?: unknown; "actual-size"?: unknown };
    if (typeof info.format !== "string" || typeof info["virtual-size"] !== "number") throw new QemuImgError(`qemu-img info ${path}: unexpected answer`);
    const virtualSize = info["virtual-size"];
    return { format: info.format, virtualSize, allocated: typeof info["actual-size"] === "number" ? info["actual-size"] : virtualSize };
}
