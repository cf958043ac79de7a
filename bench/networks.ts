// Benchmark of the Networks page: `npx tsx bench/networks.ts [--runs 3] [--networks 20] [--active 10]`.
//
// Issue 12: "20 networks: the page shows everything within 1 s (print the figure next to cockpit-machines'
// Networks page in the same run)".
//
// N isolated networks (bridges virbr-kvmmtb*, subnets 10.213.100+i.0/24, each with a DHCP range; the first
// --active of them started, so that many dnsmasq run) and one shut-off tiny VM attached to the first.
// Each run opens the page alone in a fresh cockpit-ws and Chromium profile and times from just before
// page.goto() until every bench network's row is in the DOM with everything the page shows for it:
// for KVM Manager its state, IPv4 address, DHCP range and VM count; for cockpit-machines (page alone,
// #/networks) its row with the state, which is all its list shows before a row is expanded. The two
// pages alternate, so drift in the host's load hits both. Everything is removed at the end, also after
// a failure or Ctrl-C.
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { launchBrowser } from "../test/support/browser";
import { startCockpit } from "../test/support/cockpit";
import { removeVm } from "../test/support/virsh";
import { defineDhcpClientVm, defineTestNetwork, removeTestNetworks } from "../test/support/virsh-networks";
import { BENCH_PREFIX, cleanupOnSignal, hostBusyPercent, machineContext, median, ms, table } from "./lib/fleet";

const TARGET_MS = 1000;
const PREFIX = `${BENCH_PREFIX}net-`;
const VM = `${BENCH_PREFIX}net-vm`;

const { values: args } = parseArgs({
    options: {
        runs: { type: "string", default: "3" },
        networks: { type: "string", default: "20" },
        active: { type: "string", default: "10" },
        timeout: { type: "string", default: "30000" },
    },
});
const RUNS = Math.max(1, Number(args.runs));
const COUNT = Math.min(100, Number(args.networks));
const ACTIVE = Math.min(COUNT, Number(args.active));
const TIMEOUT_MS = Number(args.timeout);
const NAMES = Array.from({ length: COUNT }, (_, i) => `${PREFIX}${String(i + 1).padStart(2, "0")}`);

type Kind = "kvm-manager" | "cockpit-machines";

// Runs in the page: true once every bench network shows all its fields.
function allShown({ kind, prefix, count }: { kind: Kind; prefix: string; count: number }): boolean {
    if (kind === "kvm-manager") {
        const rows = [...document.querySelectorAll("#kvm-networks-table tbody tr[data-network]")]
            .filter(row => row.getAttribute("data-network")?.startsWith(prefix));
        return rows.length === count && rows.every(row =>
            /\/24$/.test(row.querySelector(".kvm-network-ipv4")?.textContent ?? "") &&
            (row.querySelector(".kvm-network-dhcp")?.textContent ?? "").includes("–") &&
            row.querySelector(".kvm-network-vms")?.getAttribute("data-count") !== null &&
            row.querySelector(".kvm-network-state") !== null);
    }
    const rows = [...document.querySelectorAll("#networks-listing tbody tr")]
        .filter(row => (row.textContent ?? "").includes(prefix) && /active|inactive/i.test(row.textContent ?? ""));
    return rows.length >= count;
}

interface RunResult {
    kind: Kind;
    run: number;
    // null: not all shown within the timeout.
    totalMs: number | null;
}

async function measure(kind: Kind, run: number): Promise<RunResult> {
    const cockpit = await startCockpit();
    const browser = await launchBrowser();
    try {
        const { page }: { page: Page } = await browser.newPage();
        // cockpit-machines shows a "virtualization disabled" notice instead of its pages on this nested host
        // until "Ignore" is pressed once; a returning user has this flag.
        if (kind === "cockpit-machines") await page.addInitScript(() => localStorage.setItem("virtualization-disabled-ignored", "true"));
        const url = kind === "kvm-manager"
            ? `${cockpit.pageAloneUrl}#/networks`
            : `http://127.0.0.1:${cockpit.port}/cockpit/@localhost/machines/index.html#/networks`;
        const t0 = performance.now();
        await page.goto(url, { waitUntil: "commit" });
        try {
            await page.waitForFunction(allShown, { kind, prefix: PREFIX, count: COUNT }, { timeout: TIMEOUT_MS, polling: "raf" });
        } catch {
            return { kind, run, totalMs: null };
        }
        return { kind, run, totalMs: performance.now() - t0 };
    } finally {
        await browser.close();
        await cockpit.stop();
    }
}

async function cleanup(): Promise<void> {
    await removeVm(VM);
    await removeTestNetworks(PREFIX);
}

async function main(): Promise<void> {
    cleanupOnSignal(cleanup);
    await cleanup();
    try {
        for (const [i, name] of NAMES.entries()) {
            await defineTestNetwork({ name, bridge: `virbr-kvmmtb${i}`, subnet: 100 + i, start: i < ACTIVE });
        }
        await defineDhcpClientVm({ name: VM, network: NAMES[0], start: false });
        console.log(await machineContext());
        console.log(`${COUNT} networks (${ACTIVE} active), 1 VM attached; host busy before the runs: ${Math.round(await hostBusyPercent())} %`);
        const results: RunResult[] = [];
        for (let run = 1; run <= RUNS; run++) {
            results.push(await measure("kvm-manager", run));
            results.push(await measure("cockpit-machines", run));
        }
        const cell = (value: number | null) => value === null ? `> ${TIMEOUT_MS} ms` : ms(value);
        console.log(table([
            ["run", "KVM Manager: all rows with every field", "cockpit-machines: all rows"],
            ...Array.from({ length: RUNS }, (_, i) => [
                String(i + 1),
                cell(results.find(r => r.kind === "kvm-manager" && r.run === i + 1)?.totalMs ?? null),
                cell(results.find(r => r.kind === "cockpit-machines" && r.run === i + 1)?.totalMs ?? null),
            ]),
        ]));
        const medianOf = (kind: Kind) => median(results.filter(r => r.kind === kind).map(r => r.totalMs ?? TIMEOUT_MS));
        const ours = medianOf("kvm-manager");
        const peer = medianOf("cockpit-machines");
        console.log(`median: KVM Manager ${ms(ours)}, cockpit-machines ${ms(peer)} (ratio ${(ours / peer).toFixed(2)}); ` +
            `target ${ms(TARGET_MS)} ${ours <= TARGET_MS ? "met" : "not met"}`);
    } finally {
        await cleanup();
    }
}

main().catch(error => {
    console.error(error);
    process.exitCode = 1;
});
