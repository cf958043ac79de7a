import {
    isVirshDomainMissing, uuidFromDomainPath, virshLifecycleArgv, virshMessage, virshMightMisread,
} from "../../src/core/virsh-lifecycle";

describe("virshLifecycleArgv", () => {
    test("argv only, the domain after --, whatever it contains", () => {
        expect(virshLifecycleArgv("forceOff", "--help $(rm -rf /) 'x' #?%")).toEqual(
            ["virsh", "-c", "qemu:///system", "destroy", "--", "--help $(rm -rf /) 'x' #?%"]);
        expect(virshLifecycleArgv("start", "\u200fvm")[3]).toBe("start");
        expect(virshLifecycleArgv("pause", "a")[3]).toBe("suspend");
    });
});

describe("virshMessage", () => {
    test("libvirt's sentences without virsh's prefixes, joined", () => {
        expect(virshMessage("error: Failed to start domain 'a b'\nerror: Cannot access storage file '/x.qcow2': No such file or directory\n\n"))
            .toBe("Failed to start domain 'a b': Cannot access storage file '/x.qcow2': No such file or directory");
    });
    test("empty stderr gives an empty message (the caller falls back)", () => {
        expect(virshMessage("\n")).toBe("");
    });
});

describe("isVirshDomainMissing", () => {
    test("virsh's look-up failure and libvirt's own wording", () => {
        expect(isVirshDomainMissing("failed to get domain 'x'")).toBe(true);
        expect(isVirshDomainMissing("Domain not found: no domain with matching name 'x'")).toBe(true);
        expect(isVirshDomainMissing("Requested operation is not valid: domain is already running")).toBe(false);
    });
});

describe("uuidFromDomainPath", () => {
    test("libvirt-dbus' encoding", () => {
        expect(uuidFromDomainPath("/org/libvirt/QEMU/domain/_0b5c61f2_8a0e_4c3e_9d0a_1f2e3d4c5b6a"))
            .toBe("0b5c61f2-8a0e-4c3e-9d0a-1f2e3d4c5b6a");
    });
    test("anything else is not a UUID", () => {
        expect(uuidFromDomainPath("/org/libvirt/QEMU/domain/_1")).toBeNull();
        expect(uuidFromDomainPath("")).toBeNull();
    });
});

describe("virshMightMisread", () => {
    test("IDs and UUIDs, with or without dashes", () => {
        expect(virshMightMisread("7")).toBe(true);
        expect(virshMightMisread("0b5c61f2-8a0e-4c3e-9d0a-1f2e3d4c5b6a")).toBe(true);
        expect(virshMightMisread("0b5c61f28a0e4c3e9d0a1f2e3d4c5b6a")).toBe(true);
    });
    test("ordinary names, also ones that start with a digit or a dash", () => {
        expect(virshMightMisread("7web")).toBe(false);
        expect(virshMightMisread("-7")).toBe(false);
        expect(virshMightMisread("web server")).toBe(false);
    });
});
