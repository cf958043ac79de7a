// A second host for the multi-host tests, reached the way Cockpit 287's host switcher reaches one: the
// local bridge spawns cockpit-ssh for every channel whose "host" is not localhost (the ssh package's
// "bridges" rules), and cockpit-ssh logs in and runs cockpit-bridge on the other side. The "other side"
// is an sshd of test/host/second-host.sh on 127.0.0.2, i.e. this same machine and libvirtd, but every
// channel of a page opened at /cockpit/@127.0.0.2/... crosses that ssh connection.
//
// Nothing global is changed: cockpit-ws gets SSH_AUTH_SOCK of an ssh-agent of its own that holds the
// client key (the bridge uses a given agent instead of starting one, and cockpit-ssh tries the agent's
// keys; libssh would look for key files in the passwd entry's ~/.ssh, not in $HOME),
// COCKPIT_SSH_KNOWN_HOSTS_FILE with the second host's key (an unknown host other than 127.0.0.1 is
// refused), and XDG_CONFIG_DIRS with a machines.d entry, which is where the shell's host switcher reads
// its hosts from (normally /etc/cockpit/machines.d).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Page, WebSocket } from "playwright-core";
import { PACKAGE_NAME, startCockpit, type CockpitServer } from "./cockpit";
import { run } from "./exec";
import { descendantPids } from "./processes";
import { waitFor } from "./wait";

const SECOND_HOST_SCRIPT = resolve(__dirname, "../host/second-host.sh");

export interface SecondHost {
    address: string;
    port: number;
    /** The client's private key, accepted for root from loopback only. */
    identity: string;
    /** A known_hosts file that holds the second host's key. */
    knownHosts: string;
    /** The listening sshd. */
    sshdPid: number;
}

function parseFacts(output: string): SecondHost {
    const facts = new Map(output.split("\n").filter(line => line.includes("="))
        .map(line => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
    const fact = (key: string): string => {
        const value = facts.get(key);
        if (!value) throw new Error(`second-host.sh printed no ${key}: ${output}`);
        return value;
    };
    return {
        address: fact("address"),
        port: Number(fact("port")),
        identity: fact("identity"),
        knownHosts: fact("known_hosts"),
        sshdPid: Number(fact("pid")),
    };
}

/** Starts the second host's sshd (or finds the running one). */
export async function startSecondHost(): Promise<SecondHost> {
    return parseFacts(await run(SECOND_HOST_SCRIPT, ["start"]));
}

/** Stops the sshd and every session under it, which ends the remote bridges. */
export async function stopSecondHost(): Promise<void> {
    await run(SECOND_HOST_SCRIPT, ["stop"]);
}

interface SshAgent {
    socket: string;
    stop(): Promise<void>;
}

async function startSshAgent(socket: string, identity: string): Promise<SshAgent> {
    // -D: in the foreground, so it is this process's child and ends with stop().
    const child = spawn("ssh-agent", ["-D", "-a", socket], { stdio: ["ignore", "ignore", "pipe"] });
    let output = "";
    child.stderr?.on("data", (chunk: Buffer) => { output += chunk.toString(); });
    const stop = async (): Promise<void> => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise(resolve => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
    };
    try {
        await waitFor(() => {
            if (child.exitCode !== null) throw new Error(`ssh-agent exited with ${child.exitCode}: ${output}`);
            return existsSync(socket);
        }, { timeoutMs: 10_000, intervalMs: 50, message: "ssh-agent's socket" });
        await run("ssh-add", ["-q", identity], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
    } catch (error) {
        await stop();
        throw error;
    }
    return { socket, stop };
}

export interface RemoteCockpit {
    cockpit: CockpitServer;
    host: SecondHost;
    /** The URL of a file of the package as served by the second host's bridge. */
    url(pathInPackage: string): string;
    /** The page alone, from and on the second host. */
    pageAloneUrl: string;
    /** The page inside the shell with the second host chosen in the host switcher. */
    shellUrl: string;
    stop(): Promise<void>;
}

/** A private cockpit-ws (local session, root) that can reach the second host over ssh. */
export async function startCockpitWithSecondHost(host: SecondHost): Promise<RemoteCockpit> {
    const dir = await mkdtemp(join(tmpdir(), "kvmm-multihost-"));
    let agent: SshAgent | undefined;
    try {
        agent = await startSshAgent(join(dir, "agent.sock"), host.identity);
        const machines = join(dir, "config", "cockpit", "machines.d");
        await mkdir(machines, { recursive: true });
        // What the host switcher's "Add new host" dialog writes (as 99-webui.json).
        await writeFile(join(machines, "kvm-manager-test.json"), JSON.stringify({
            [host.address]: {
                address: host.address,
                ...(host.port === 22 ? {} : { port: host.port }),
                visible: true,
                color: "rgb(0, 136, 206)",
            },
        }, null, 2));
        const cockpit = await startCockpit({
            env: { SSH_AUTH_SOCK: agent.socket, COCKPIT_SSH_KNOWN_HOSTS_FILE: host.knownHosts, XDG_CONFIG_DIRS: join(dir, "config") },
        });
        const base = `http://127.0.0.1:${cockpit.port}`;
        const url = (pathInPackage: string): string =>
            `${base}/cockpit/@${host.address}/${PACKAGE_NAME}/${pathInPackage.replace(/^\/+/, "")}`;
        return {
            cockpit,
            host,
            url,
            pageAloneUrl: url("index.html"),
            shellUrl: `${base}/@${host.address}/${PACKAGE_NAME}`,
            async stop() {
                await cockpit.stop();
                await agent?.stop();
                await rm(dir, { recursive: true, force: true });
            },
        };
    } catch (error) {
        await agent?.stop();
        await rm(dir, { recursive: true, force: true });
        throw error;
    }
}

export interface SshTraffic {
    /** Established connections to the second host's sshd. */
    connections: number;
    /** Bytes the sshd sent to its clients (acknowledged), over all those connections. */
    toClient: number;
    /** Bytes the sshd received from its clients. */
    fromClient: number;
}

/**
 * TCP byte counters of the connections to the second host's sshd, from the kernel (`ss -ti`): what
 * crossed the "network", ssh framing and encryption included.
 */
export async function sshTraffic(host: SecondHost): Promise<SshTraffic> {
    const out = await run("ss", ["-tinH", "state", "established", "src", `${host.address}:${host.port}`]);
    const counter = (text: string, name: string): number => Number(new RegExp(`\\b${name}:(\\d+)`).exec(text)?.[1] ?? 0);
    // Each socket is a line with the addresses followed by an indented line of TCP info.
    const sockets = out.split(/\n(?=\S)/).filter(block => block.trim() !== "");
    return {
        connections: sockets.length,
        toClient: sockets.reduce((sum, block) => sum + counter(block, "bytes_acked"), 0),
        fromClient: sockets.reduce((sum, block) => sum + counter(block, "bytes_received"), 0),
    };
}

interface ProcessInfo {
    pid: number;
    ppid: number;
    argv: string[];
}

async function processes(): Promise<ProcessInfo[]> {
    const out = await run("ps", ["-e", "-o", "pid=,ppid="]);
    const list: ProcessInfo[] = [];
    for (const line of out.split("\n")) {
        const [pid, ppid] = line.trim().split(/\s+/).map(Number);
        if (!pid) continue;
        // A process may exit between ps and this read.
        const argv = await readFile(`/proc/${pid}/cmdline`, "utf8").then(text => text.split("\0").filter(Boolean), () => []);
        list.push({ pid, ppid, argv });
    }
    return list;
}

const programIs = (proc: ProcessInfo, name: string): boolean => proc.argv[0]?.split("/").pop() === name;

export interface SshPath {
    /** cockpit-ssh processes that run for the second host (started by the local bridge). */
    cockpitSsh: number[];
    /** cockpit-bridge processes that the second host's sshd started: the remote end of the page's channels. */
    remoteBridges: number[];
}

/** Which processes carry the page's channels to the second host right now. */
export async function sshPath(host: SecondHost): Promise<SshPath> {
    const [list, belowSshd] = await Promise.all([processes(), descendantPids(host.sshdPid).then(pids => new Set(pids))]);
    return {
        cockpitSsh: list.filter(proc => programIs(proc, "cockpit-ssh") && proc.argv.slice(1).some(arg => arg.endsWith(host.address)))
            .map(proc => proc.pid),
        remoteBridges: list.filter(proc => belowSshd.has(proc.pid) && programIs(proc, "cockpit-bridge")).map(proc => proc.pid),
    };
}

/** An "open" control message: payload, host, and the rest of its options (name, spawn, path...). */
export type OpenedChannel = Record<string, unknown> & { payload: string; host: string | undefined };

/**
 * Records the channels a page opens over Cockpit's WebSocket: control messages are frames with an empty
 * channel ("\n{...}"), and an "open" names the host the channel goes to.
 */
export function recordOpenedChannels(page: Page): OpenedChannel[] {
    const opened: OpenedChannel[] = [];
    const watch = (socket: WebSocket): void => {
        socket.on("framesent", ({ payload }) => {
            if (typeof payload !== "string" || !payload.startsWith("\n")) return;
            let message: unknown;
            try {
                message = JSON.parse(payload.slice(1));
            } catch {
                return;
            }
            if (typeof message !== "object" || message === null) return;
            const control = message as Record<string, unknown>;
            if (control.command !== "open") return;
            opened.push({
                ...control,
                payload: typeof control.payload === "string" ? control.payload : "",
                host: typeof control.host === "string" ? control.host : undefined,
            });
        });
    };
    page.on("websocket", watch);
    return opened;
}
