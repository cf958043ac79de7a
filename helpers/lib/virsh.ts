// Runs virsh with an argv array (execFile, no shell), so VM names with quotes, spaces or $() are just
// arguments. KVM_MANAGER_VIRSH points tests and benchmarks at a stand-in that prints canned output.
import { execFile } from "node:child_process";
import { DOMAIN_IDS_MARKER } from "../../src/core/metrics/virsh-domstats";

export class VirshError extends Error {
    constructor(message: string, readonly stderr: string, readonly exitCode: number | null) {
        super(message);
        this.name = "VirshError";
    }
}

export function virshBinary(): string {
    return process.env.KVM_MANAGER_VIRSH || "virsh";
}

export function runVirsh(uri: string, args: readonly string[], options: { timeoutMs?: number } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(virshBinary(), ["-c", uri, ...args], {
            encoding: "utf8",
            // 200 VMs with many vCPUs and disks still fit.
            maxBuffer: 256 * 1024 * 1024,
            timeout: options.timeoutMs ?? 20_000,
            // virsh would otherwise translate its messages; we log them as they are.
            env: { ...process.env, LC_ALL: "C" },
        }, (error, stdout, stderr) => {
            // Several commands in one virsh run go on after one fails and exit 0: an "error:" line on
            // stderr is a failure too.
            const errorLines = stderr.split("\n").filter(line => /^error:/i.test(line));
            if (error || errorLines.length > 0) {
                const detail = (errorLines.length > 0 ? errorLines.join("\n") : stderr || error?.message || "")
                    .trim().split("\n").filter(Boolean).join(" ");
                const code = error && typeof error.code === "number" ? error.code : null;
                reject(new VirshError(`virsh ${(args[0] ?? "").split(" ")[0]} failed: ${detail}`, stderr, code));
                return;
            }
            resolve(stdout);
        });
    });
}

// One virsh run per tick for every VM: the statistics (only the groups the collector uses), then the
// domain IDs, which change when a VM restarts. virsh parses this string itself (no shell is involved)
// and it holds no VM name.
export const COLLECT_ARGS = [
    `domstats --raw --state --cpu-total --balloon --vcpu --interface --block; echo ${DOMAIN_IDS_MARKER}; list --all --id --name`,
] as const;
