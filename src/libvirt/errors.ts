// libvirt's failures as the page handles them: a kind that decides what to show, and libvirt's own
// message for the user. Free of cockpit.js, so the stores that catch these errors can be unit-tested.
import { classifyLibvirtError, type LibvirtErrorKind } from "../core/libvirt-errors";

export class LibvirtError extends Error {
    readonly kind: LibvirtErrorKind;
    readonly dbusName: string | undefined;

    constructor(kind: LibvirtErrorKind, message: string, dbusName?: string) {
        super(message);
        this.name = "LibvirtError";
        this.kind = kind;
        this.dbusName = dbusName;
    }
}

// The shape of a cockpit.dbus or cockpit.spawn failure; anything else is turned into a string.
interface ChannelError {
    name?: string;
    message?: string;
    problem?: string | null;
}

export function toLibvirtError(error: unknown): LibvirtError {
    if (error instanceof LibvirtError) return error;
    const channelError = (error ?? {}) as ChannelError;
    const message = channelError.message || channelError.problem || String(error);
    return new LibvirtError(classifyLibvirtError(channelError.name, message, channelError.problem), message, channelError.name);
}

// The host has no virsh program: lifecycle calls go through libvirt-dbus instead.
export class VirshMissingError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "VirshMissingError";
    }
}
