// What every helper command shares: argument errors exit 2 with the usage text, unexpected errors
// exit 1 with one line (the stack only with KVM_MANAGER_DEBUG set). With --json every failure also
// answers on stdout with {"ok": false, "error": ...}, so a caller that reads JSON always gets JSON.
import { parseArgs, type ParseArgsConfig } from "node:util";
import { TIME_ARGUMENT_FORMS, parseTimeArgument } from "../../src/core/time-argument";

export class UsageError extends Error {}

// Exit codes shared by the helpers. 75 (EX_TEMPFAIL) means "nothing was done, try again later": the
// units list it in SuccessExitStatus so libvirtd being down does not mark them failed every 30 s,
// while a person running the command by hand still sees a non-zero status.
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_TEMPFAIL = 75;
// The reader of stdout went away (`| head`): what a program killed by SIGPIPE reports to a shell.
export const EXIT_BROKEN_PIPE = 128 + 13;

export interface JsonError {
    ok: false;
    error: string;
    // "usage" for a bad command line, an errno name (ENOSPC, ENOTDIR, ...) for a system error.
    code?: string;
}

// --json is a boolean flag: parseArgs refuses "--json" as the value of another option (it starts with
// "-"), so its presence in argv is the flag, and is known even when the rest of the line is wrong.
function wantsJson(argv: readonly string[]): boolean {
    return argv.includes("--json");
}

// Parses the command's options; --help or -h anywhere answers with the usage and exit 0. (A VM named
// "--help" is passed as --vm=--help, one argument, and is not taken for it.) An option given twice, or
// a value left empty (--state-dir ""), is an error rather than a silent default.
export function parseCommandLine<T extends NonNullable<ParseArgsConfig["options"]>>(argv: string[], options: T, usage: string) {
    if (argv.includes("--help") || argv.includes("-h")) {
        process.stdout.write(usage);
        process.exit(EXIT_OK);
    }
    const parse = () => parseArgs({ args: argv, options, strict: true, allowPositionals: false, tokens: true });
    let parsed: ReturnType<typeof parse>;
    try {
        parsed = parse();
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
    const seen = new Set<string>();
    for (const token of parsed.tokens) {
        if (token.kind !== "option") continue;
        if (seen.has(token.name)) throw new UsageError(`--${token.name} was given more than once`);
        seen.add(token.name);
        if (options[token.name]?.type === "string" && token.value === "") throw new UsageError(`--${token.name} must not be empty`);
    }
    return { values: parsed.values };
}

function errorCode(err: unknown): string | undefined {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    return typeof code === "string" ? code : undefined;
}

// A reader that stops early (`| head`) is no error: end quietly, without a stack trace. Any other
// failure to write the answer is reported on whichever stream still works.
function handleOutputErrors(program: string): void {
    const onError = (err: NodeJS.ErrnoException) => {
        if (err.code === "EPIPE") process.exit(EXIT_BROKEN_PIPE);
        try {
            process.stderr.write(`${program}: error: cannot write the answer: ${err.message}\n`);
        } finally {
            process.exit(EXIT_FAILURE);
        }
    };
    process.stdout.on("error", onError);
    process.stderr.on("error", (err: NodeJS.ErrnoException) => process.exit(err.code === "EPIPE" ? EXIT_BROKEN_PIPE : EXIT_FAILURE));
}

export function runCommand(program: string, usage: string, main: () => Promise<number>): void {
    handleOutputErrors(program);
    const json = wantsJson(process.argv.slice(2));
    main().then(code => {
        process.exitCode = code;
    }, (err: unknown) => {
        if (err instanceof UsageError) {
            process.stderr.write(`${program}: ${err.message}\n\n${usage}`);
            if (json) printJson({ ok: false, error: err.message, code: "usage" } satisfies JsonError);
            process.exitCode = EXIT_USAGE;
            return;
        }
        const message = String((err as Error | null)?.message ?? err);
        const detail = process.env.KVM_MANAGER_DEBUG && err instanceof Error ? err.stack : message;
        process.stderr.write(`${program}: error: ${detail}\n`);
        if (json) printJson({ ok: false, error: message, code: errorCode(err) } satisfies JsonError);
        process.exitCode = EXIT_FAILURE;
    });
}

export function printJson(value: unknown): void {
    process.stdout.write(JSON.stringify(value) + "\n");
}

// --end TIME of the commands that read a range of history: now when not given.
export function parseEndArgument(value: string | undefined): number {
    if (value === undefined) return Date.now();
    const t = parseTimeArgument(value);
    if (!t.ok) throw new UsageError(`--end ${JSON.stringify(value)} ${t.problem}. Accepted: ${TIME_ARGUMENT_FORMS}.`);
    return t.ms;
}
