// A private cockpit-ws per test file. With --local-session it runs the bridge as root without a login,
// on loopback only; such a cockpit-ws serves one browser session, hence one per test file.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./exec";
import { descendantPids } from "./processes";
import { waitFor } from "./wait";

export const PACKAGE_NAME = "kvm-manager";
/** Where `make install` puts the page; the e2e tests test that copy. */
export const INSTALLED_PACKAGE_DIR = `/usr/local/share/cockpit/${PACKAGE_NAME}`;
const COCKPIT_WS = "/usr/lib/cockpit/cockpit-ws";

export interface CockpitServer {
    port: number;
    /** The URL of a file of the package, served without the shell: url("index.html"). */
    url(pathInPackage: string): string;
    /** The page alone, without the shell's navigation: the fastest and most direct to test. */
    pageAloneUrl: string;
    /** The page inside Cockpit's shell, as a person sees it. */
    shellUrl: string;
    /** What cockpit-ws and the bridge printed, for diagnosing a failure. */
    output(): string;
    stop(): Promise<void>;
}

/**
 * The bridge's environment: an empty XDG_DATA_HOME hides a `make devel-install` link in
 * ~/.local/share/cockpit, so the tests see the installed package, and XDG_DATA_DIRS is pinned to the
 * directories `make install` and Debian use.
 */
function bridgeEnv(dataHome: string): NodeJS.ProcessEnv {
    return { ...process.env, XDG_DATA_HOME: dataHome, XDG_DATA_DIRS: "/usr/local/share:/usr/share" };
}

/** `cockpit-bridge --packages` as the tests' cockpit-ws sees them. */
export async function bridgePackages(): Promise<string> {
    const dataHome = await mkdtemp(join(tmpdir(), "kvmm-cockpit-"));
    try {
        return await run("cockpit-bridge", ["--packages"], { env: bridgeEnv(dataHome) });
    } finally {
        await rm(dataHome, { recursive: true, force: true });
    }
}

function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const address = server.address();
            server.close(() => {
                if (address !== null && typeof address === "object") resolve(address.port);
                else reject(new Error("no port from the kernel"));
            });
        });
    });
}

function exited(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise(resolve => child.once("exit", () => resolve()));
}

export interface StartCockpitOptions {
    /** Run cockpit-ws and its bridge as this local user instead of root (for access tests). */
    user?: string;
    /** More environment for cockpit-ws and its bridge (the multi-host tests' ssh key and known hosts). */
    env?: NodeJS.ProcessEnv;
}

export async function startCockpit({ user, env = {} }: StartCockpitOptions = {}): Promise<CockpitServer> {
    if (!existsSync(join(INSTALLED_PACKAGE_DIR, "manifest.json"))) {
        throw new Error(`${INSTALLED_PACKAGE_DIR} is not installed: run make install first`);
    }
    const port = await freePort();
    const dataHome = await mkdtemp(join(tmpdir(), "kvmm-cockpit-"));
    const wsArgs = ["--port", String(port), "-a", "127.0.0.1", "--local-session=cockpit-bridge"];
    if (user) await run("chown", [user, dataHome]);
    // runuser keeps no shell in between: argv goes straight to cockpit-ws as the given user.
    const child = user
        ? spawn("runuser", ["-u", user, "--", COCKPIT_WS, ...wsArgs],
            { env: { ...bridgeEnv(dataHome), HOME: dataHome, USER: user, ...env }, stdio: ["ignore", "pipe", "pipe"] })
        : spawn(COCKPIT_WS, wsArgs, { env: { ...bridgeEnv(dataHome), ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr?.on("data", (chunk: Buffer) => { output += chunk.toString(); });
    let spawnError: Error | undefined;
    child.once("error", err => { spawnError = err; });

    const base = `http://127.0.0.1:${port}`;
    const stop = async (): Promise<void> => {
        // The bridge starts a session bus (dbus-daemon --session) that outlives cockpit-ws. Left behind,
        // each holds an inotify instance until the host's limit (128) is reached and dnsmasq, among
        // others, cannot start: every process below cockpit-ws goes with it.
        const below = child.pid === undefined ? [] : await descendantPids(child.pid);
        if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGTERM");
            const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
            await exited(child);
            clearTimeout(killer);
        }
        for (const pid of below) {
            try {
                process.kill(pid, "SIGKILL");
            } catch {
                // Already gone with cockpit-ws.
            }
        }
        // As another user the bridge starts a session bus and an ssh-agent of its own, which outlive
        // cockpit-ws; the access tests' users are dedicated to them, so all their processes go.
        if (user) await run("pkill", ["-KILL", "-u", user]).catch(() => undefined);
        await rm(dataHome, { recursive: true, force: true });
    };

    try {
        // /ping answers without creating a session, so it does not use up the one local session.
        await waitFor(async () => {
            if (spawnError) throw spawnError;
            if (child.exitCode !== null) throw new Error(`cockpit-ws exited with ${child.exitCode}: ${output}`);
            return (await fetch(`${base}/ping`)).ok;
        }, { timeoutMs: 15_000, intervalMs: 100, message: `cockpit-ws on port ${port}` });
    } catch (err) {
        await stop();
        throw err;
    }

    const url = (pathInPackage: string): string =>
        `${base}/cockpit/@localhost/${PACKAGE_NAME}/${pathInPackage.replace(/^\/+/, "")}`;
    return {
        port,
        url,
        pageAloneUrl: url("index.html"),
        shellUrl: `${base}/${PACKAGE_NAME}`,
        output: () => output,
        stop,
    };
}
