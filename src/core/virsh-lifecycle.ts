// The argv and the error text of a lifecycle action run as `virsh`: pure, so the quoting rules (none: argv
// only, "--" before the domain) and what the user reads of a failure are unit-tested.
import type { LifecycleAction } from "./domain-state";

const VIRSH_COMMANDS: Record<LifecycleAction, string> = {
    start: "start",
    shutdown: "shutdown",
    forceOff: "destroy",
    reboot: "reboot",
    pause: "suspend",
    resume: "resume",
};

export function virshLifecycleArgv(action: LifecycleAction, domain: string): string[] {
    // "--" ends virsh's options: a name that begins with "-" stays a name.
    return ["virsh", "-c", "qemu:///system", VIRSH_COMMANDS[action], "--", domain];
}

// virsh's "error: " prefix on each line says nothing to the user; libvirt's sentences are kept, in order:
// "Failed to start domain 'x': Cannot access storage file '/…': No such file or directory".
export function virshMessage(stderr: string): string {
    return stderr.split("\n")
        .map(line => line.replace(/^error:\s*/, "").trim())
        .filter(line => line !== "")
        .join(": ");
}

// virsh looks the domain up before acting: a domain undefined meanwhile fails that look-up.
export function isVirshDomainMissing(message: string): boolean {
    return /failed to get domain|Domain not found/i.test(message);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// libvirt-dbus names a domain's object after its UUID, "-" written as "_": "…/domain/_0b5c61f2_…".
export function uuidFromDomainPath(path: string): string | null {
    const uuid = path.slice(path.lastIndexOf("/") + 1).replace(/^_/, "").replace(/_/g, "-");
    return UUID.test(uuid) ? uuid : null;
}

// virsh reads an argument as a domain ID or UUID before it tries it as a name: "7" could mean another
// domain. Such names are passed as their UUID instead.
export function virshMightMisread(name: string): boolean {
    return /^\d+$/.test(name) || /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i.test(name);
}
