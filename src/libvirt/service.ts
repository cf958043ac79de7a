// Starting libvirtd from the page. Only offered where systemd manages services and the user is an admin:
// elsewhere (containers, hosts without systemd) the page says how to start it instead.
import cockpit from "../lib/cockpit";

export async function hostUsesSystemd(): Promise<boolean> {
    try {
        await cockpit.spawn(["test", "-d", "/run/systemd/system"], { err: "ignore" });
        return true;
    } catch {
        return false;
    }
}

export async function startLibvirtd(): Promise<void> {
    // The socket units first: on modular-daemon hosts libvirtd itself is socket activated.
    await cockpit.spawn(["systemctl", "start", "libvirtd.socket", "libvirtd.service"], { superuser: "require", err: "message" });
}
