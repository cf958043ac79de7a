// Stopping and starting libvirtd, for tests of how the page copes with the daemon going away.
import { existsSync } from "node:fs";
import { CommandError, run } from "./exec";
import { waitFor } from "./wait";
import { virsh } from "./virsh";

// With systemd, socket activation would restart libvirtd on the next connection unless its sockets
// stop too.
const LIBVIRTD_UNITS = ["libvirtd.socket", "libvirtd-ro.socket", "libvirtd-admin.socket", "libvirtd.service"];

function systemdIsInit(): boolean {
    return existsSync("/run/systemd/system");
}

async function libvirtdRunning(): Promise<boolean> {
    try {
        await run("pgrep", ["-x", "libvirtd"]);
        return true;
    } catch (err) {
        if (err instanceof CommandError && err.exitCode === 1) return false;
        throw err;
    }
}

export async function stopLibvirtd(timeoutMs = 30_000): Promise<void> {
    if (systemdIsInit()) {
        await run("systemctl", ["stop", ...LIBVIRTD_UNITS]);
    } else if (await libvirtdRunning()) {
        await run("pkill", ["-x", "libvirtd"]);
    }
    await waitFor(async () => !(await libvirtdRunning()), { timeoutMs, message: "libvirtd to exit" });
}

// A start after a QEMU upgrade or an emptied capabilities cache probes QEMU first: up to a minute or more.
export async function startLibvirtd(timeoutMs = 300_000): Promise<void> {
    if (systemdIsInit()) {
        await run("systemctl", ["start", ...LIBVIRTD_UNITS]);
    } else if (!(await libvirtdRunning())) {
        await run("libvirtd", ["-d"]);
    }
    await waitFor(() => virsh("version").then(() => true), { timeoutMs, message: "libvirtd to answer" });
}
