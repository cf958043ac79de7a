// The page's side of the host helper commands (helpers/commands/*): run through cockpit.spawn with argv
// only, so VM names never meet a shell, and read their --json answers. `make install` links them into
// $(PREFIX)/bin, which is on the bridge's PATH.
import { readFailedOutput, type FailedOutput } from "../core/helper-answer";
import cockpit, { type SpawnError, _ } from "../lib/cockpit";

export class HelperCommandError extends Error {
    readonly exitStatus: number | null;

    constructor(message: string, exitStatus: number | null) {
        super(message);
        this.name = "HelperCommandError";
        this.exitStatus = exitStatus;
    }
}

// What the page says for a helper's failure. A user without administrative access cannot read
// /var/lib/kvm-manager (0700): that gets a sentence saying so, not the system's "EACCES: permission
// denied, open ..." text.
function failureMessage(argv: string[], spawnError: SpawnError, output: FailedOutput): string {
    if (spawnError.problem === "not-found") return cockpit.format(_("$0 is not installed on this host"), argv[0]);
    if (output.kind !== "error") return spawnError.message;
    if (output.code === "EACCES" || output.code === "EPERM") {
        return cockpit.format(_("$0 needs administrative access to read KVM Manager's data on this host"), argv[0]);
    }
    return output.error;
}

// `answerOnExit`: exit statuses whose JSON answer is still the answer (a command that did its work and
// reports failures inside it: a scheduler or backup run with a failed VM, a backup that does not
// verify). An {"ok": false, "error": ...} answer is a failure whatever the status.
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
        const printed = readFailedOutput(stdout);
        if (printed.kind === "answer" && spawnError.exit_status != null && answerOnExit.includes(spawnError.exit_status)) return printed.answer as T;
        throw new HelperCommandError(failureMessage(argv, spawnError, printed), spawnError.exit_status ?? null);
    }
    try {
        return JSON.parse(output) as T;
    } catch {
        throw new HelperCommandError(cockpit.format(_("$0 gave an answer that is not JSON"), argv[0]), null);
    }
}
