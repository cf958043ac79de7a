// What every helper command shares: argument errors exit 2 with the usage text, unexpected errors
// exit 1 with one line (the stack only with KVM_MANAGER_DEBUG set).
import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {}

// Exit codes shared by the helpers. 75 (EX_TEMPFAIL) means "nothing was done, try again later": the
// units list it in SuccessExitStatus so libvirtd being down does not mark them failed every 30 s,
// while a person running the command by hand still sees a non-zero status.
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_TEMPFAIL = 75;

// Parses the command's options; --help or -h anywhere answers with the usage and exit 0. (A VM named
// "--help" is passed as --vm=--help, one argument, and is not taken for it.)
export function parseCommandLine<T extends ParseArgsConfig["options"]>(argv: string[], options: T, usage: string) {
    if (argv.includes("--help") || argv.includes("-h")) {
        process.stdout.write(usage);
        process.exit(EXIT_OK);
    }
    try {
        return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    } catch (err) {
        process.stderr.write(`${(err as Error).message}\n\n${usage}`);
        process.exit(EXIT_USAGE);
    }
}

export function runCommand(program: string, usage: string, main: () => Promise<number>): void {
    main().then(code => {
        process.exitCode = code;
    }, (err: unknown) => {
        if (err instanceof UsageError) {
            process.stderr.write(`${program}: ${err.message}\n\n${usage}`);
            process.exitCode = EXIT_USAGE;
            return;
        }
        const detail = process.env.KVM_MANAGER_DEBUG && err instanceof Error ? err.stack : String((err as Error)?.message ?? err);
        process.stderr.write(`${program}: error: ${detail}\n`);
        process.exitCode = EXIT_FAILURE;
    });
}

export function printJson(value: unknown): void {
    process.stdout.write(JSON.stringify(value) + "\n");
}
