// What crosses the connection to a second host per minute: `npx tsx bench/remote-traffic.ts
// [--vms 20] [--running 4] [--seconds 60]`.
//
// Issue 8, item 5: "Print what crosses the connection per minute with the list and with a history range
// open. No traffic leaves this machine."
//
// The second host is test/host/second-host.sh's sshd on 127.0.0.2, in front of this machine's libvirtd;
// the page runs in Cockpit 287's shell at /@127.0.0.2/kvm-manager, so all its channels go through
// cockpit-ssh and that sshd. Two windows are measured on one page: the VM list, then one running VM's
// details page with the 24-hour history range open. For each window it prints
//   - ssh: the kernel's TCP byte counters of the connection to 127.0.0.2:22 (`ss -ti`), both directions,
//     ssh framing and encryption included: everything the host switcher sends over the "network";
//   - KVM Manager: the payload of the page's own channels as they cross Cockpit's WebSocket, which is
//     what the page asks for (the rest of the ssh bytes are the shell's own frames for that host, e.g. its
//     preloaded Overview page, and the ssh and Cockpit protocol overhead).
// The fleet ("kvmm-bench-remote-NNN") is removed at the end, also after a failure or Ctrl-C.
import { parseArgs } from "node:util";
import type { Frame, Page, WebSocket } from "playwright-core";
import { launchBrowser, screenshot, type TestBrowser } from "../test/support/browser";
import { run } from "../test/support/exec";
import {
    sshPath, sshTraffic, startCockpitWithSecondHost, startSecondHost, stopSecondHost, type RemoteCockpit, type SecondHost,
    type SshTraffic,
} from "../test/support/remote-host";
import { sleep, waitFor } from "../test/support/wait";
import { cssString } from "../test/support/pages/vm-list";
import { BENCH_PREFIX, cleanupOnSignal, defineFleet, machineContext, removeFleet, table } from "./lib/fleet";

const PREFIX = `${BENCH_PREFIX}remote-`;

const { values: args } = parseArgs({
    options: {
        vms: { type: "string", default: "20" },
        running: { type: "string", default: "4" },
        seconds: { type: "string", default: "60" },
    },
});
const VM_COUNT = Number(args.vms);
const RUNNING_COUNT = Math.min(VM_COUNT, Number(args.running));
const WINDOW_MS = Number(args.seconds) * 1000;

const NAMES = Array.from({ length: VM_COUNT }, (_, i) => `${PREFIX}${String(i + 1).padStart(3, "0")}`);
const RUNNING = NAMES.filter((_, i) => i % Math.max(1, Math.floor(VM_COUNT / RUNNING_COUNT)) === 0).slice(0, RUNNING_COUNT);

interface ChannelInfo {
    group: string;
    /** What the channel is for: "dbus-json3 org.libvirt", "stream kvm-manager-history", "fsread1 /etc/...". */
    what: string;
    dbus: boolean;
}

/**
 * Bytes of Cockpit protocol messages on the page's WebSocket, per channel group ("cockpit1:HOST/PAGE")
 * and, within a group, per use: D-Bus messages per method (a call's reply counts for its method), other
 * channels per program or path.
 */
class ChannelBytes {
    private readonly channels = new Map<string, ChannelInfo>();
    private readonly methodOfCall = new Map<string, string>();
    /** Keys "GROUP\tUSE" -> [sent by the browser, received by the browser]. */
    readonly bytes = new Map<string, [number, number]>();

    watch(page: Page): void {
        page.on("websocket", (socket: WebSocket) => {
            socket.on("framesent", ({ payload }) => this.count(payload, true));
            socket.on("framereceived", ({ payload }) => this.count(payload, false));
        });
    }

    private count(payload: string | Buffer, outgoing: boolean): void {
        const bytes = typeof payload === "string" ? Buffer.from(payload) : payload;
        const newline = bytes.indexOf(0x0a);
        if (newline < 0) return;
        const channel = bytes.subarray(0, newline).toString();
        const body = bytes.subarray(newline + 1).toString();
        let group = "(control messages)";
        let use = "";
        if (channel === "") {
            if (outgoing) this.noteOpen(body);
        } else {
            const info = this.channels.get(channel);
            group = info?.group ?? "(unknown)";
            use = info ? (info.dbus ? this.dbusUse(channel, body, info.what) : info.what) : "";
        }
        const key = `${group}\t${use}`;
        const entry = this.bytes.get(key) ?? [0, 0];
        entry[outgoing ? 0 : 1] += bytes.length;
        this.bytes.set(key, entry);
    }

    private noteOpen(text: string): void {
        let message: Record<string, unknown>;
        try {
            message = JSON.parse(text) as Record<string, unknown>;
        } catch {
            return;
        }
        if (message.command !== "open" || typeof message.channel !== "string") return;
        const spawn = Array.isArray(message.spawn) ? String(message.spawn[0]) : undefined;
        const detail = spawn ?? (typeof message.name === "string" ? message.name : undefined) ??
            (typeof message.path === "string" ? message.path : "");
        this.channels.set(message.channel, {
            group: typeof message.group === "string" ? message.group : `(host ${String(message.host)})`,
            what: `${String(message.payload)} ${detail}`.trim(),
            dbus: message.payload === "dbus-json3",
        });
    }

    private dbusUse(channel: string, body: string, what: string): string {
        let message: { call?: unknown[]; reply?: unknown; error?: unknown; signal?: unknown[]; id?: string };
        try {
            message = JSON.parse(body) as typeof message;
        } catch {
            return what;
        }
        if (Array.isArray(message.call)) {
            const method = `${what} ${String(message.call[2])}`;
            if (message.id !== undefined) this.methodOfCall.set(`${channel}/${message.id}`, method);
            return method;
        }
        if ((message.reply !== undefined || message.error !== undefined) && message.id !== undefined) {
            const key = `${channel}/${message.id}`;
            const method = this.methodOfCall.get(key);
            this.methodOfCall.delete(key);
            return method ?? `${what} (reply)`;
        }
        if (Array.isArray(message.signal)) return `${what} signal ${String(message.signal[2])}`;
        return `${what} (other)`;
    }

    snapshot(): Map<string, [number, number]> {
        return new Map([...this.bytes].map(([key, [sent, received]]) => [key, [sent, received]]));
    }
}

interface WindowResult {
    label: string;
    elapsedMs: number;
    ssh: SshTraffic;
    /** Per "GROUP\tUSE": [sent by the browser, received by the browser], bytes in the window. */
    uses: Map<string, [number, number]>;
}

async function measureWindow(label: string, host: SecondHost, channels: ChannelBytes): Promise<WindowResult> {
    const sshBefore = await sshTraffic(host);
    const before = channels.snapshot();
    const started = Date.now();
    await sleep(WINDOW_MS);
    const sshAfter = await sshTraffic(host);
    const after = channels.snapshot();
    const elapsedMs = Date.now() - started;
    if (sshAfter.connections !== sshBefore.connections) {
        console.log(`note: the number of ssh connections changed from ${sshBefore.connections} to ${sshAfter.connections} during "${label}"`);
    }
    const uses = new Map<string, [number, number]>();
    for (const [key, [sent, received]] of after) {
        const [sentBefore, receivedBefore] = before.get(key) ?? [0, 0];
        if (sent - sentBefore + received - receivedBefore > 0) uses.set(key, [sent - sentBefore, received - receivedBefore]);
    }
    return {
        label,
        elapsedMs,
        ssh: {
            connections: sshAfter.connections,
            toClient: sshAfter.toClient - sshBefore.toClient,
            fromClient: sshAfter.fromClient - sshBefore.fromClient,
        },
        uses,
    };
}

const perMinute = (bytes: number, elapsedMs: number): string => `${(bytes * 60_000 / elapsedMs / 1024).toFixed(1)} KiB`;

function printWindow(result: WindowResult, pageGroup: string): void {
    const { elapsedMs } = result;
    console.log(`\n## ${result.label} (${(elapsedMs / 1000).toFixed(1)} s, figures per minute)`);
    const byGroup = new Map<string, [number, number]>();
    for (const [key, [sent, received]] of result.uses) {
        const group = key.split("\t")[0];
        const total = byGroup.get(group) ?? [0, 0];
        byGroup.set(group, [total[0] + sent, total[1] + received]);
    }
    const row = (what: string, toBrowser: number, fromBrowser: number): string[] =>
        [what, perMinute(toBrowser, elapsedMs), perMinute(fromBrowser, elapsedMs), perMinute(toBrowser + fromBrowser, elapsedMs)];
    const pageTotal = byGroup.get(pageGroup) ?? [0, 0];
    const rows: string[][] = [
        ["what", "from 127.0.0.2 to the browser", "to 127.0.0.2", "total"],
        row(`ssh connection(s) to 127.0.0.2:22 (${result.ssh.connections}), TCP bytes`, result.ssh.toClient, result.ssh.fromClient),
        row("KVM Manager's channels, WebSocket bytes", pageTotal[1], pageTotal[0]),
    ];
    const pageUses = [...result.uses].filter(([key]) => key.startsWith(`${pageGroup}\t`))
        .sort(([, a], [, b]) => (b[0] + b[1]) - (a[0] + a[1]));
    for (const [key, [sent, received]] of pageUses) rows.push(row(`  ${key.split("\t")[1]}`, received, sent));
    for (const [group, [sent, received]] of [...byGroup].sort(([a], [b]) => a.localeCompare(b))) {
        if (group !== pageGroup) rows.push(row(`other: ${group}`, received, sent));
    }
    console.log(table(rows));
}

async function pageFrame(page: Page, host: SecondHost): Promise<Frame> {
    const name = `cockpit1:${host.address}/kvm-manager`;
    return waitFor(() => page.frame({ name }), { timeoutMs: 60_000, message: `the shell's frame ${name}` });
}

async function main(): Promise<void> {
    console.log("# Traffic to a second host through Cockpit's host switcher");
    console.log(await machineContext());
    console.log(`fleet: ${VM_COUNT} tiny VMs "${PREFIX}NNN", ${RUNNING_COUNT} running; window: ${WINDOW_MS / 1000} s each`);

    await removeFleet(PREFIX);
    await defineFleet(NAMES, new Set(RUNNING));
    // History for the 24-hour range: the collector runs on this machine, which is the second host too.
    const watched = RUNNING[0];
    await waitFor(async () => {
        await run("kvm-manager-collect", ["--once"]);
        const history = JSON.parse(await run("kvm-manager-history", [`--vm=${watched}`, "--range", "1h", "--json"])) as
            { series: { cpuPercent: { avg: (number | null)[] } } };
        return history.series.cpuPercent.avg.some(value => value !== null);
    }, { timeoutMs: 60_000, intervalMs: 1500, message: "the collector's first CPU figure" });

    const host = await startSecondHost();
    let remote: RemoteCockpit | undefined;
    let browser: TestBrowser | undefined;
    try {
        remote = await startCockpitWithSecondHost(host);
        browser = await launchBrowser();
        const { page } = await browser.newPage();
        const channels = new ChannelBytes();
        channels.watch(page);
        const pageGroup = `cockpit1:${host.address}/kvm-manager`;

        await page.goto(remote.shellUrl);
        const frame = await pageFrame(page, host);
        // Complete: every one of our rows, and a CPU figure on every running one.
        await waitFor(() => frame.evaluate(({ names, running }) => {
            const rows = [...document.querySelectorAll<HTMLElement>("#kvm-vm-table tbody tr[data-vm-name]")];
            const byName = new Map(rows.map(row => [row.dataset.vmName ?? "", row]));
            return names.every(name => byName.has(name)) &&
                running.every(name => byName.get(name)?.querySelector(".kvm-cpu-cell .kvm-usage") !== null);
        }, { names: NAMES, running: RUNNING }), { timeoutMs: 120_000, intervalMs: 500, message: "the list with usage" });
        const path = await sshPath(host);
        console.log(`cockpit-ssh processes for ${host.address}: ${path.cockpitSsh.length}; ` +
            `cockpit-bridge processes under its sshd: ${path.remoteBridges.length}`);
        const list = await measureWindow(`VM list (${VM_COUNT} VMs, ${RUNNING_COUNT} running, plus the host's other VMs)`, host, channels);
        await screenshot(page, "remote-traffic-list");

        await frame.locator(`#kvm-vm-table tbody tr[data-vm-name=${cssString(watched)}] .kvm-name-link`).click();
        await frame.locator("#kvm-range-24h").click();
        await frame.locator("#kvm-history[data-range='24h'][data-state='ready'] #kvm-chart-cpu").waitFor({ timeout: 60_000 });
        const history = await measureWindow(`details page of ${watched}, 24-hour history open`, host, channels);
        await frame.locator("#kvm-history").scrollIntoViewIfNeeded();
        await screenshot(page, "remote-traffic-history");

        printWindow(list, pageGroup);
        printWindow(history, pageGroup);
    } finally {
        await browser?.close();
        await remote?.stop();
        await stopSecondHost();
    }
}

cleanupOnSignal(async () => {
    await stopSecondHost().catch(() => undefined);
    await removeFleet(PREFIX);
});
main().then(() => removeFleet(PREFIX), async (error: unknown) => {
    console.error(error);
    await removeFleet(PREFIX);
    process.exitCode = 1;
});
