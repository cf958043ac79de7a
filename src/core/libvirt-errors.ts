// Sorts a failed libvirt call into what the page must say about it. libvirt-dbus forwards libvirt's own
// message text, so the message is kept for the user while the kind decides which state to show.

export type LibvirtErrorKind =
    | "libvirt-down" // libvirtd is not running or its socket went away
    | "service-missing" // libvirt-dbus is not installed or cannot start
    | "access-denied" // the D-Bus policy or polkit refused the caller
    | "not-found" // the domain vanished (undefined elsewhere)
    | "other";

const DOWN_PATTERNS = [
    /Failed to connect socket/i,
    /libvirt-sock/i,
    /Cannot recv data/i,
    /End of file while reading data/i,
    /client socket is closed/i,
    /Broken pipe/i,
    /no connection driver available/i,
    /Connection reset by peer/i,
];

const DENIED_PATTERNS = [/access denied/i, /not authorized/i, /authentication (unavailable|failed)/i, /Permission denied/i];

export function classifyLibvirtError(name: string | undefined, message: string, problem?: string | null): LibvirtErrorKind {
    if (problem === "access-denied" || name === "org.freedesktop.DBus.Error.AccessDenied") return "access-denied";
    if (name === "org.freedesktop.DBus.Error.ServiceUnknown" || name === "org.freedesktop.DBus.Error.NameHasNoOwner" ||
        name === "org.freedesktop.DBus.Error.Spawn.ChildExited" || name === "org.freedesktop.DBus.Error.Spawn.Failed") {
        return "service-missing";
    }
    if (DOWN_PATTERNS.some(p => p.test(message))) return "libvirt-down";
    if (/Domain not found|no domain with matching/i.test(message) || name === "org.freedesktop.DBus.Error.UnknownObject") {
        return "not-found";
    }
    if (DENIED_PATTERNS.some(p => p.test(message))) return "access-denied";
    return "other";
}
