// The one rule for VM names, for existing VMs (named in documents) and new ones, and the file name stem.
import { diskFileStem, existingVmNameSchema, newVmNameSchema, VM_NAME_MAX_LENGTH, vmNameProblem, vmNameProblemMessage } from "../../src/core/vm-name";

const ODD_BUT_FINE = [
    "web 01", "it's \"odd\"", "web#1?x=%20", "$(rm -rf ~)", "`id`", "ünïcödé 日本", "\u200fweb\u202e", "x".repeat(VM_NAME_MAX_LENGTH),
];

describe("vmNameProblem", () => {
    test.each(ODD_BUT_FINE)("%j is fine for an existing VM and a new one", name => {
        expect(vmNameProblem(name, "existing")).toBeNull();
        expect(vmNameProblem(name, "new", ["other"])).toBeNull();
    });

    test.each([
        ["", "empty", "empty"],
        ["a/b", "slash", "slash"],
        ["/", "slash", "slash"],
        ["a\nb", "control", "control"],
        ["a\u001bb", "control", "control"],
        ["a\u0000b", "control", "control"],
        ["x".repeat(VM_NAME_MAX_LENGTH + 1), "too-long", "too-long"],
        // What libvirt takes, so a document may name such a VM; a new VM is not given such a name.
        ["a\tb", null, "control"],
        ["a\rb", null, "control"],
        ["a\u007fb", null, "control"],
        [" web", null, "edge-space"],
        ["web ", null, "edge-space"],
        ["   ", null, "empty"],
    ])("%j: %s for an existing VM, %s for a new one", (name, existing, fresh) => {
        expect(vmNameProblem(name, "existing")).toBe(existing);
        expect(vmNameProblem(name, "new")).toBe(fresh);
    });

    test("a new name must not be taken; the names of existing VMs are not compared", () => {
        expect(vmNameProblem("web", "new", ["db", "web"])).toBe("taken");
        expect(vmNameProblem("web", "new", new Set(["web"]))).toBe("taken");
        expect(vmNameProblem("Web", "new", ["web"])).toBeNull();
        expect(vmNameProblem("web", "existing", ["web"])).toBeNull();
    });

    test("the first problem counts: a slash before a taken name", () => {
        expect(vmNameProblem("a/b", "new", ["a/b"])).toBe("slash");
    });
});

describe("the schemas", () => {
    test("an existing VM's name: what libvirt takes; the message names the problem", () => {
        expect(existingVmNameSchema.safeParse(" tab\there ").success).toBe(true);
        const refused = existingVmNameSchema.safeParse("a/b");
        expect(refused.success ? null : refused.error.issues.map(i => i.message)).toEqual([vmNameProblemMessage("slash")]);
        expect(existingVmNameSchema.safeParse(7).success).toBe(false);
    });

    test("a new VM's name: the stricter rule", () => {
        expect(newVmNameSchema.safeParse("web \"1\" $(x)").success).toBe(true);
        const refused = newVmNameSchema.safeParse(" web");
        expect(refused.success ? null : refused.error.issues.map(i => i.message)).toEqual(["a VM name cannot start or end with a space"]);
    });

    test("every problem has its English message", () => {
        expect(vmNameProblemMessage("control")).toBe("a VM name cannot contain control characters");
        expect(vmNameProblemMessage("too-long")).toBe(`a VM name can be at most ${VM_NAME_MAX_LENGTH} characters long`);
    });
});

describe("diskFileStem", () => {
    test.each([
        ["../../etc/passwd", "etc_passwd"],
        [`$(rm -rf /) "x" \u202Eevil`, "rm_-rf_x_evil"],
        ["\u200fweb\u200f", "web_"],
        ["..hidden", "hidden"],
        ["--help", "help"],
        ["über", "uber"],
        ["web 'one' #?%", "web_one_"],
        ["日本", "vm"],
        ["", "vm"],
    ])("%j becomes %j", (name, stem) => {
        expect(diskFileStem(name)).toBe(stem);
    });

    test("names that differ only in what is dropped share a stem; it is at most 80 characters", () => {
        expect(diskFileStem("a b")).toBe(diskFileStem("a_b"));
        expect(diskFileStem("x".repeat(300))).toBe("x".repeat(80));
    });
});
