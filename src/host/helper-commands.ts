// The page's side of the host helper commands (helpers/commands/*): run through cockpit.spawn with argv
// only, so VM names never meet a shell, and read their --json answers. `make install` links them into
// $(PREFIX)/bin, which is on the bridge's PATH.
import cockpit, { type SpawnError, _ } from "../lib/cockpit";

export class HelperCommandError extends Error {
    readonly exitStatus: number | null;
    // The failed command's JSON answer, where it gave one (a backup run's per-VM results).
    readonly answer: unknown;

    constructor(message: string, exitStatus: number | null, answer: unknown = null) {
        super(message);
        this.name = "HelperCommandError";
        this.exitStatus = exitStatus;
        this.answer = answer;
    }
}

function parsedOrNull(stdout: string | undefined): unknown {
    try {
        return JSON.parse(stdout ?? "") as unknown;
    } catch {
        return null;
    }
}

// A failed command run with --json answers {"ok": false, "error": ...} on stdout (helpers/lib/cli.ts):
// that message is the one to show, without the program's prefix and usage text on stderr.
function jsonErrorOf(stdout: string | undefined): { error: string; code: string | null } | null {
    try {
        const answer = JSON.parse(stdout ?? "") as { ok?: unknown; error?: unknown; code?: unknown };
        if (answer.ok !== false || typeof answer.error !== "string") return null;
        return { error: answer.error, code: typeof answer.code === "string" ? answer.code : null };
    } catch {
        return null;
    }
}

// What the page says for a helper's failure. A user without administrative access cannot read
// /var/lib/kvm-manager (0700): that gets a sentence saying so, not the system's "EACCES: permission
// denied, open ..." text.
function failureMessage(argv: string[], spawnError: SpawnError, stdout: string | undefined): string {
    if (spawnError.problem === "not-found") return cockpit.format(_("$0 is not installed on this host"), argv[0]);
    const answer = jsonErrorOf(stdout);
    if (answer?.code === "EACCES" || answer?.code === "EPERM") {
        return cockpit.format(_("$0 needs administrative access to read KVM Manager's data on this host"), argv[0]);
    }
    return answer?.error ?? spawnError.message;
}

// `answerOnExit`: exit statuses whose JSON answer is still the answer (a command that did its work and
// reports failures inside it, like a scheduler run with a failed VM).
export async function runHelperJson<T>(argv: string[], { answerOnExit = [] }: { answerOnExit?: number[] } = {}): Promise<T> {
    let output: string;
    try {
        // Reading /var/lib/kvm-manager needs root where an admin is logged in; "try" still lets others
        // read what their account may. cockpit passes a failed command's stdout as the second argument.
        output = await new Promise<string>((resolve, reject) => {
            cockpit.spawn(argv, { superuser: "try", err: "message" })
                .then(resolve, (error: SpawnError, stdout?: string) => reject({ error, stdout }));
        });
    } catch (failure) {
        const { error: spawnError, stdout } = failure as { error: SpawnError; stdout?: string };
        if (spawnError.exit_status != null && answerOnExit.includes(spawnError.exit_status) && jsonErrorOf(stdout) === null) {
            try {
                return JSON.parse(stdout ?? "") as T;
            } catch { /* not an answer: the failure below */ }
        }
        throw new HelperCommandError(failureMessage(argv, spawnError, stdout), spawnError.exit_status ?? null, parsedOrNull(stdout));
    }
    try {
        return JSON.parse(output) as T;
    } catch {
        throw new HelperCommandError(cockpit.format(_("$0 gave an answer that is not JSON"), argv[0]), null);
    }
}
