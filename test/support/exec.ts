// Runs programs with an argv array and never through a shell: VM names are arbitrary UTF-8.
import { execFile, spawn } from "node:child_process";

export class CommandError extends Error {
    constructor(
        readonly argv: readonly string[],
        readonly exitCode: number | null,
        readonly stdout: string,
        readonly stderr: string,
        detail: string,
    ) {
        super(`${argv.join(" ")} failed (exit ${exitCode ?? "none"}): ${stderr.trim() || stdout.trim() || detail}`);
        this.name = "CommandError";
    }
}

export interface RunOptions {
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
}

/** Runs `program args...` and resolves with its stdout; rejects with a CommandError on a non-zero exit. */
export function run(program: string, args: readonly string[], { env, timeoutMs = 120_000 }: RunOptions = {}):
    Promise<string> {
    return new Promise((resolve, reject) => {
        execFile(program, args, { encoding: "utf8", maxBuffer: 64 * 1024 * 1024, env: env ?? process.env, timeout: timeoutMs },
            (error, stdout, stderr) => {
                if (error) {
                    const code = typeof error.code === "number" ? error.code : null;
                    reject(new CommandError([program, ...args], code, stdout, stderr, error.message));
                } else {
                    resolve(stdout);
                }
            });
    });
}

export interface ProgramRun {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs `program args...` to its end and resolves with its exit code and output, whatever the code. */
export function runToExit(program: string, args: readonly string[],
    { env, timeoutMs = 120_000, cwd }: RunOptions & { cwd?: string } = {}): Promise<ProgramRun> {
    return new Promise((resolve, reject) => {
        const child = spawn(program, args, { cwd, env: env ?? process.env, stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
        child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
        child.on("error", reject);
        child.on("close", code => resolve({ code, stdout, stderr }));
    });
}
