import { classifyLibvirtError } from "../../src/core/libvirt-errors";

describe("classifyLibvirtError", () => {
    test("libvirtd stopped (message seen from libvirt-dbus 1.4 / libvirt 9)", () => {
        expect(classifyLibvirtError("org.libvirt.Error", "Failed to connect socket to '/var/run/libvirt/libvirt-sock': No such file or directory"))
            .toBe("libvirt-down");
        expect(classifyLibvirtError(undefined, "End of file while reading data: Input/output error")).toBe("libvirt-down");
    });

    test("refused by D-Bus policy", () => {
        expect(classifyLibvirtError("org.freedesktop.DBus.Error.AccessDenied", "Rejected send message")).toBe("access-denied");
        expect(classifyLibvirtError(undefined, "whatever", "access-denied")).toBe("access-denied");
    });

    test("libvirt-dbus missing", () => {
        expect(classifyLibvirtError("org.freedesktop.DBus.Error.ServiceUnknown", "The name org.libvirt was not provided")).toBe("service-missing");
    });

    test("a domain that vanished", () => {
        expect(classifyLibvirtError("org.libvirt.Error", "Domain not found: no domain with matching uuid 'x'")).toBe("not-found");
    });

    test("anything else keeps libvirt's message for the user", () => {
        expect(classifyLibvirtError("org.libvirt.Error", "Requested operation is not valid: domain is already running")).toBe("other");
    });
});
