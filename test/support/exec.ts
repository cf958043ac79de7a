// Runs programs with an argv array and never through a shell: VM names are arbitrary UTF-8.
import { execFile } from "node:child_process";

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
