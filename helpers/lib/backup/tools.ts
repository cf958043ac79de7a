// Runs qemu-img (and the like) with an argv array, never a shell. The tool is started through
// `setpriv --pdeathsig KILL`, so a helper killed with kill -9 mid-copy takes its qemu-img with it
// instead of leaving it writing into a backup directory the next run removes.
import { spawn } from "node:child_process";

export class ToolError extends Error {
    constructor(message: string, readonly stderr: string, readonly exitCode: number | null) {
        super(message);
        this.name = "ToolError";
    }
}

export interface ToolOptions {
    // Called with each chunk of standard output (qemu-img -p writes its progress there).
    onStdout?: (chunk: string) => void;
    // Exit codes that are no failure (qemu-img check: 3 means leaked clusters, harmless).
    okCodes?: number[];
}

export function runTool(program: string, args: readonly string[], options: ToolOptions = {}): Promise<string> {
    return new Promise((resolve, reject) => {
        const child = spawn("setpriv", ["--pdeathsig", "KILL", "--", program, ...args], {
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, LC_ALL: "C" },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
            stdout += chunk;
            options.onStdout?.(chunk);
        });
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => { stderr += chunk; });
        child.on("error", err => reject(new ToolError(`${program} could not be started: ${err.message}`, "", null)));
        child.on("close", (code, signal) => {
            if (code === 0 || (code !== null && options.okCodes?.includes(code))) {
                resolve(stdout);
                return;
            }
            const detail = stderr.trim().split("\n").filter(Boolean).join(" ") || (signal ? `killed by ${signal}` : `exit status ${code}`);
            reject(new ToolError(`${program} ${args[0] ?? ""} failed: ${detail}`, stderr, code));
        });
    });
}
