// Benchmark of the Storage pools page: `npx tsx bench/storage-pools.ts [--runs 3] [--pools 20] [--volumes 100] [--vms 0]`.
//
// Issue: "20 pools with 100 volumes each: the page shows everything within 1 s", next to cockpit-machines'
// Storage pools page in the same run.
//
// N directory pools under a temporary directory, each with M tiny sparse raw files that libvirt finds as
// volumes when the pool starts. Each run opens a page in a fresh cockpit-ws and Chromium profile and times
// from just before page.goto() until:
//   - KVM Manager (#/storage): every bench pool's row shows state Active, its usage and its volume count M;
//   - KVM Manager, one pool's page (#/pool/NAME): all M volume rows with their format and sizes, and
//     each row's "Used by" with exactly the VMs that use it;
//   - cockpit-machines 288 (machines/index.html#/storages): every bench pool's row with its size shown.
// --vms N defines N extra shut-off tiny VMs (the promise is "every page stays usable at 1000 VMs"): every
// 10th has a file disk on a volume of the first pool, every 50th (offset 5) a disk of type volume naming
// one, every 100th (offset 7) a CD-ROM with one as its ISO; the rest have no disk. The fleet is defined
// once and stays for all runs.
// Pools, files and VMs are removed at the end, also after a failure or Ctrl-C.
import { mkdirSync, mkdtempSync, chmodSync, closeSync, ftruncateSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { launchBrowser, screenshot } from "../test/support/browser";
import { startCockpit, type CockpitServer } from "../test/support/cockpit";
import { defineDirPool, removeAllTestPools } from "../test/support/storage";
import { xmlEscape } from "../test/support/virsh";
import {
    BENCH_PREFIX, cleanupOnSignal, defineFleet, fleetNames, hostBusyPercent, machineContext, median, ms, removeFleet, seconds, table,
} from "./lib/fleet";

const TARGET_MS = 1000;
const PREFIX = `${BENCH_PREFIX}pool-`;
const VM_PREFIX = `${BENCH_PREFIX}pool-user-`;

const { values: args } = parseArgs({
    options: {
        runs: { type: "string", default: "3" },
        pools: { type: "string", default: "20" },
        volumes: { type: "string", default: "100" },
        vms: { type: "string", default: "0" },
        timeout: { type: "string", default: "60000" },
    },
});
const RUNS = Math.max(1, Number(args.runs));
const POOLS = Number(args.pools);
const VOLUMES = Number(args.volumes);
const VMS = Number(args.vms);
const TIMEOUT_MS = Number(args.timeout);
const poolName = (i: number): string => `${PREFIX}${String(i).padStart(2, "0")}`;
const volumeName = (v: number): string => `vol-${String(v).padStart(3, "0")}.img`;
const VM_NAMES = fleetNames(VM_PREFIX, VMS);

// The device XML of fleet VM `index` (see the header) and the volume of the first pool it uses, if any.
function fleetDisk(index: number, poolDir: string): { devices: string; volume: string | null } {
    const volume = volumeName(Math.floor(index / 10) % VOLUMES + 1);
    const file = xmlEscape(join(poolDir, volume));
    if (index % 10 === 0) {
        return { volume, devices: `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${file}'/><target dev='vda' bus='virtio'/></disk>` };
    }
    if (index % 50 === 5) {
        return { volume, devices: `<disk type='volume' device='disk'><driver name='qemu' type='raw'/><source pool='${xmlEscape(poolName(1))}' volume='${volume}'/><target dev='vda' bus='virtio'/></disk>` };
    }
    if (index % 100 === 7) {
        return { volume, devices: `<disk type='file' device='cdrom'><source file='${file}'/><target dev='sda' bus='sata'/><readonly/></disk>` };
    }
    return { volume: null, devices: "" };
}

// Per volume of the first pool, how many fleet VMs use it.
function expectedUsers(): Record<string, number> {
    const counts: Record<string, number> = {};
    VM_NAMES.forEach((_, index) => {
        const { volume } = fleetDisk(index, "");
        if (volume !== null) counts[volume] = (counts[volume] ?? 0) + 1;
    });
    return counts;
}

type Target = "list" | "pool" | "peer";

function url(cockpit: CockpitServer, target: Target): string {
    switch (target) {
    case "list": return `${cockpit.pageAloneUrl}#/storage`;
    case "pool": return `${cockpit.pageAloneUrl}#/pool/${encodeURIComponent(poolName(1))}`;
    case "peer": return `${cockpit.url("").replace(/kvm-manager\/$/, "machines/")}index.html#/storages`;
    }
}

// Evaluated in the page (polling on animation frames): true once everything the page should show is there.
async function waitUntilComplete(page: Page, target: Target): Promise<void> {
    await page.waitForFunction(({ target, prefix, pools, volumes, users }) => {
        if (target === "list") {
            const rows = [...document.querySelectorAll("#kvm-pools-table tbody[data-pool]")]
                .filter(row => (row.getAttribute("data-pool") ?? "").startsWith(prefix));
            return rows.length === pools && rows.every(row =>
                row.querySelector(".kvm-pool-state")?.textContent === "Active" &&
                row.querySelector(".kvm-pool-volumes")?.textContent === String(volumes) &&
                (row.querySelector(".kvm-pool-usage-text")?.textContent ?? "").includes("used"));
        }
        if (target === "pool") {
            const rows = [...document.querySelectorAll("#kvm-volumes tbody tr[data-volume]")];
            return rows.length === volumes && rows.every(row => {
                const expected = users[row.getAttribute("data-volume") ?? ""] ?? 0;
                const cell = row.querySelector(".kvm-volume-users");
                return row.querySelectorAll("td")[1]?.textContent === "raw" && cell?.querySelectorAll("a").length === expected &&
                    (expected > 0 || (cell?.textContent ?? "").includes("Not used"));
            });
        }
        // cockpit-machines: rows "pool-NAME-system" in its storage pools listing; cells: expand toggle,
        // size ("25.4 / 251.97 GiB"), connection, state, action.
        const rows = [...document.querySelectorAll("#storage-pools-listing tr[data-row-id]")]
            .filter(row => (row.getAttribute("data-row-id") ?? "").startsWith(`pool-${prefix}`));
        return rows.length === pools && rows.every(row => {
            const cells = row.querySelectorAll("td");
            return /\d \/ \d/.test(cells[1]?.textContent ?? "") && cells[3]?.textContent === "active";
        });
    }, { target, prefix: PREFIX, pools: POOLS, volumes: VOLUMES, users: expectedUsers() }, { timeout: TIMEOUT_MS, polling: "raf" });
}

// `shot`: save a screenshot of the complete page under that name (test-results/screenshots, not committed).
// Infinity (printed "–") when the page is not complete within --timeout: what it showed is printed.
async function measure(target: Target, shot: string | null = null): Promise<number> {
    const cockpit = await startCockpit();
    const browser = await launchBrowser();
    try {
        const { page, errors } = await browser.newPage();
        // This host fails cockpit-machines' hardware-virtualisation check, and it then shows an "Ignore"
        // page instead of its content; the flag is what a returning user has (see bench/list-load.ts).
        if (target === "peer") await page.addInitScript(() => localStorage.setItem("virtualization-disabled-ignored", "true"));
        const t0 = performance.now();
        await page.goto(url(cockpit, target));
        try {
            await waitUntilComplete(page, target);
        } catch (error) {
            console.log(`${target}: not complete after ${ms(TIMEOUT_MS)} (${error instanceof Error ? error.message.split("\n")[0] : String(error)}); ` +
                `page errors: ${errors.length === 0 ? "none" : errors.join("; ")}; screenshot: ${await screenshot(page, `bench-storage-${target}-incomplete`)}`);
            return Number.POSITIVE_INFINITY;
        }
        const elapsed = performance.now() - t0;
        if (shot !== null) console.log(`screenshot: ${await screenshot(page, shot)}`);
        return elapsed;
    } finally {
        await browser.close();
        await cockpit.stop();
    }
}

async function main(): Promise<void> {
    const root = mkdtempSync(join(tmpdir(), "kvmm-bench-pools-"));
    const cleanup = async (): Promise<void> => {
        await removeFleet(VM_PREFIX);
        await removeAllTestPools(PREFIX);
        rmSync(root, { recursive: true, force: true });
    };
    cleanupOnSignal(cleanup);
    await removeFleet(VM_PREFIX);
    await removeAllTestPools(PREFIX);
    try {
        chmodSync(root, 0o755);
        const made = performance.now();
        for (let p = 1; p <= POOLS; p++) {
            const dir = join(root, `pool-${p}`);
            mkdirSync(dir);
            for (let v = 1; v <= VOLUMES; v++) {
                // Sparse 1 MiB raw files: libvirt reads each one's header when the pool starts.
                const fd = openSync(join(dir, volumeName(v)), "w");
                ftruncateSync(fd, 1024 * 1024);
                closeSync(fd);
            }
            await defineDirPool(poolName(p), dir);
        }
        console.log(`${POOLS} pools with ${VOLUMES} volumes each made in ${seconds(performance.now() - made)}`);
        if (VMS > 0) {
            const defined = performance.now();
            await defineFleet(VM_NAMES, new Set(), 8, (_, index) => fleetDisk(index, join(root, "pool-1")).devices);
            const users = Object.values(expectedUsers()).reduce((sum, n) => sum + n, 0);
            console.log(`${VMS} extra shut-off VMs (${users} of them with a disk or ISO in ${poolName(1)}) defined in ${seconds(performance.now() - defined)}`);
        }
        console.log(await machineContext());
        console.log(`host busy before the runs: ${Math.round(await hostBusyPercent())} %`);
        const results: { run: number; list: number; pool: number; peer: number }[] = [];
        for (let run = 1; run <= RUNS; run++) {
            const shot = (name: string): string | null => (run === RUNS ? `bench-storage-${name}-${VMS}-vms` : null);
            results.push({ run, list: await measure("list", shot("list")), pool: await measure("pool", shot("pool")), peer: await measure("peer") });
        }
        console.log(table([
            ["run", "KVM Manager: all pools", `KVM Manager: one pool's ${VOLUMES} volumes`, "cockpit-machines: all pools"],
            ...results.map(r => [String(r.run), ms(r.list), ms(r.pool), ms(r.peer)]),
        ]));
        const list = median(results.map(r => r.list));
        const pool = median(results.map(r => r.pool));
        const peer = median(results.map(r => r.peer));
        console.log(`median at ${VMS} extra VMs, navigate → everything shown: KVM Manager ${POOLS} pools ${ms(list)}, ` +
            `one pool's ${VOLUMES} volumes with their users ${ms(pool)}; ` +
            `cockpit-machines ${POOLS} pools ${ms(peer)}; target ${ms(TARGET_MS)} (${list <= TARGET_MS && pool <= TARGET_MS ? "met" : "not met"})`);
    } finally {
        await cleanup();
    }
}

main().catch(error => {
    console.error(error);
    process.exitCode = 1;
});
