// VM names: the one rule for what a VM may be called, and the file name stem made from one. The rule
// answers with a code; the page words codes with _() (src/lib/labels.ts), the helpers and the schemas
// with vmNameProblemMessage below.
//
// Two uses, deliberately different:
// - "existing": a name of a VM that exists (schedules, alert rules and backup jobs name them). Whatever
//   libvirt takes must stay accepted, or a VM that libvirt holds could never be scheduled or backed up.
//   libvirt refuses "/" and newlines in a domain name and XML cannot carry the other C0 control
//   characters; it takes tabs, carriage returns (as character references), DEL, leading or trailing
//   spaces, quotes, "#", "?", "%", "$(...)", unicode and right-to-left marks (tried on libvirt here).
// - "new": a name the page or a helper is about to give (create, clone, "Create several"). Stricter: no
//   control character at all (tab, CR and DEL are invisible in every list), no leading or trailing space
//   (two names that look the same), and not taken by another VM on the host.
// Both refuse names over VM_NAME_MAX_LENGTH: a bound for documents and forms. (libvirt's QEMU driver
// refuses a persistent name of more than 251 bytes itself: /etc/libvirt/qemu/NAME.xml is a file.)
// Names only ever travel as argv elements, D-Bus strings, JSON and XML text, never through a shell.
import { z } from "zod";

export const VM_NAME_MAX_LENGTH = 1024;

export type VmNameUse = "existing" | "new";

export type VmNameProblem = "empty" | "slash" | "control" | "too-long" | "edge-space" | "taken";

// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const LIBVIRT_REFUSED_CONTROL = /[\u0000-\u0008\u000a-\u000c\u000e-\u001f]/;
// eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
const ANY_CONTROL = /[\u0000-\u001f\u007f]/;

// Why `name` cannot be used as `use` says; null when it can. `taken` (the host's VM names) only counts
// for a new name.
export function vmNameProblem(name: string, use: VmNameUse, taken: Iterable<string> = []): VmNameProblem | null {
    const fresh = use === "new";
    if ((fresh ? name.trim() : name) === "") return "empty";
    if (name.includes("/")) return "slash";
    if ((fresh ? ANY_CONTROL : LIBVIRT_REFUSED_CONTROL).test(name)) return "control";
    if (name.length > VM_NAME_MAX_LENGTH) return "too-long";
    if (!fresh) return null;
    if (name !== name.trim()) return "edge-space";
    for (const other of taken) if (other === name) return "taken";
    return null;
}

// The helpers' and schemas' English; the page has its own words.
export function vmNameProblemMessage(problem: VmNameProblem): string {
    switch (problem) {
    case "empty": return "the name is empty";
    case "slash": return "a VM name cannot contain \"/\"";
    case "control": return "a VM name cannot contain control characters";
    case "too-long": return `a VM name can be at most ${VM_NAME_MAX_LENGTH} characters long`;
    case "edge-space": return "a VM name cannot start or end with a space";
    case "taken": return "a VM of this name exists already";
    }
}

function nameSchema(use: VmNameUse) {
    return z.string().superRefine((name, ctx) => {
        const problem = vmNameProblem(name, use);
        if (problem) ctx.addIssue({ code: "custom", message: vmNameProblemMessage(problem) });
    });
}

// In schedules, alert rules and backup jobs.
export const existingVmNameSchema = nameSchema("existing");
// What kvm-manager-create is asked to make; whether the name is taken is the helper's question to libvirt.
export const newVmNameSchema = nameSchema("new");

// A file name stem for a VM's disks: plain ASCII whatever the VM is called (quotes, "$(...)", RTL marks,
// spaces, "../"), never starting with a dot or dash, so a shell or a person can handle the file. Names
// that differ only in what is dropped share a stem ("a b", "a_b"): whoever needs unique files appends
// something unique. The VM's real name is in its XML.
export function diskFileStem(vmName: string): string {
    const stem = vmName.normalize("NFKD").replace(/\p{M}/gu, "").replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._-]+/, "").slice(0, 80);
    return stem === "" ? "vm" : stem;
}
