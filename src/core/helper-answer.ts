// What a host helper command (helpers/commands/*) run with --json printed on stdout before it exited
// with a failure status. helpers/lib/cli.ts prints {"ok": false, "error": ..., "code": ...} for a
// failure; a command that did its work and reports failures inside its answer (a backup run with a
// failed VM, a backup that does not verify) prints its full answer instead.

export type FailedOutput =
    | { kind: "error"; error: string; code: string | null }
    | { kind: "answer"; answer: Record<string, unknown> }
    // Nothing, or not a JSON object: the command's stderr is all there is.
    | { kind: "none" };

export function readFailedOutput(stdout: string | undefined): FailedOutput {
    let parsed: unknown;
    try {
        parsed = JSON.parse(stdout ?? "");
    } catch {
        return { kind: "none" };
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { kind: "none" };
    const answer = parsed as Record<string, unknown>;
    if (answer.ok === false && typeof answer.error === "string") {
        return { kind: "error", error: answer.error, code: typeof answer.code === "string" ? answer.code : null };
    }
    return { kind: "answer", answer };
}
