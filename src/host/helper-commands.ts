// The page's side of the host helper commands (helpers/commands/*): run through cockpit.spawn with argv
// only, so VM names never meet a shell, and read their --json answers. `make install` links them into
// $(PREFIX)/bin, which is on the bridge's PATH.
import cockpit, { type SpawnError } from "../lib/cockpit";

export class HelperCommandError extends Error {
    readonly exitStatus: number | null;

    constructor(message: string, exitStatus: number | null) {
        super(message);
        this.name = "HelperCommandError";
        this.exitStatus = exitStatus;
    }
}

export async function runHelperJson<T>(argv: string[]): Promise<T> {
    let output: string;
    try {
        // Reading /var/lib/kvm-manager needs root where an admin is logged in; "try" still lets others
        // read what their account may.
        output = await cockpit.spawn(argv, { superuser: "try", err: "message" });
    } catch (error) {
        const spawnError = error as SpawnError;
        const message = spawnError.problem === "not-found"
            ? cockpit.format(cockpit.gettext("$0 is not installed on this host"), argv[0])
            : spawnError.message;
        throw new HelperCommandError(message, spawnError.exit_status ?? null);
    }
    try {
        return JSON.parse(output) as T;
    } catch {
        throw new HelperCommandError(cockpit.format(cockpit.gettext("$0 gave an answer that is not JSON"), argv[0]), null);
    }
}
