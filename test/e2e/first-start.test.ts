// A fresh host's first libvirtd start: libvirtd probes QEMU's capabilities before it answers (about
// 40 s here). Dropping libvirt's capabilities cache makes the next start a first start again. setup.sh
// (make run, make check) waits for it with a message, and when it gives up it shows libvirtd's own log.
import { readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { CommandError, run } from "../support/exec";
import { startLibvirtd, stopLibvirtd } from "../support/services";
import { virsh } from "../support/virsh";

const SETUP = resolve(__dirname, "..", "host", "setup.sh");
const CAPS_CACHE = "/var/cache/libvirt/qemu/capabilities";

async function firstStartAgain(): Promise<void> {
    await stopLibvirtd();
    for (const file of readdirSync(CAPS_CACHE)) rmSync(join(CAPS_CACHE, file), { force: true });
}

afterAll(async () => {
    // Whatever happened, leave libvirtd answering for the next test file.
    await startLibvirtd(300_000);
}, 320_000);

test("setup.sh gives up with libvirtd's log lines when libvirtd is slower than its limit", async () => {
    await firstStartAgain();
    let failure: CommandError | null = null;
    try {
        await run(SETUP, [], { env: { ...process.env, KVM_MANAGER_LIBVIRTD_WAIT: "3" } });
    } catch (err) {
        if (!(err instanceof CommandError)) throw err;
        failure = err;
    }
    expect(failure?.exitCode).toBe(1);
    expect(failure?.stderr).toMatch(/setup: libvirtd does not answer on qemu:\/\/\/system after [3-9] s/);
    expect(failure?.stderr).toMatch(/setup: (the last lines of \/var\/log\/libvirt\/libvirtd\.log:|\/var\/log\/libvirt\/libvirtd\.log is empty)/);
}, 120_000);

test("setup.sh waits for a first libvirtd start as long as it takes, saying what for", async () => {
    await firstStartAgain();
    const out = await run(SETUP, [], { timeoutMs: 400_000 });
    expect(out).toContain("setup: starting libvirtd");
    expect(out).toMatch(/setup: waiting for libvirtd to answer on qemu:\/\/\/system \(\d+ s so far; a first start probes QEMU's capabilities/);
    expect(out).toMatch(/setup: libvirtd answers after \d+ s/);
    expect(await virsh("version")).toMatch(/libvirt/i);
}, 420_000);
