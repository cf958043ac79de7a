// Benchmark of the Storage pools page: `npx tsx bench/storage-pools.ts [--runs 3] [--pools 20] [--volumes 100]`.
//
// Issue: "20 pools with 100 volumes each: the page shows everything within 1 s", next to cockpit-machines'
// Storage pools page in the same run.
//
// N directory pools under a temporary directory, each with M tiny sparse raw files that libvirt finds as
// volumes when the pool starts. Each run opens a page in a fresh cockpit-ws and Chromium profile and times
// from just before page.goto() until:
//   - KVM Manager (#/storage): every bench pool's row shows state Active, its usage and its volume count M;
//   - KVM Manager, one pool's page (#/pool/NAME): all M volume rows with their format and sizes;
//   - cockpit-machines 288 (machines/index.html#/storages): every bench pool's row with its size shown.
// Pools and files are removed at the end, also after a failure or Ctrl-C.
import { mkdirSync, mkdtempSync, chmodSync, closeSync, ftruncateSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { Page } from "playwright-core";
import { launchBrowser } from "../test/support/browser";
import { startCockpit, type CockpitServer } from "../test/support/cockpit";
import { defineDirPool, removeAllTestPools } from "../test/support/storage";
import { BENCH_PREFIX, cleanupOnSignal, hostBusyPercent, machineContext, median, ms, seconds, table } from "./lib/fleet";

const TARGET_MS = 1000;
const PREFIX = `${BENCH_PREFIX}pool-`;

const { values: args } = parseArgs({
    options: {
        runs: { type: "string", default: "3" },
        pools: { type: "string", default: "20" },
        volumes: { type: "string", default: "100" },
        timeout: { type: "string", default: "120000" },
    },
});
const RUNS = Math.max(1, Number(args.runs));
const POOLS = Number(args.pools);
const VOLUMES = Number(args.volumes);
const TIMEOUT_MS = Number(args.timeout);
const poolName = (i: number): string => `${PREFIX}${String(i).padStart(2, "0")}`;

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
    await page.waitForFunction(({ target, prefix, pools, volumes }) => {
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
            return rows.length === volumes && rows.every(row => row.querySelectorAll("td")[1]?.textContent === "raw");
        }
        // cockpit-machines: rows "pool-NAME-system" in its storage pools listing; cells: expand toggle,
        // size ("25.4 / 251.97 GiB"), connection, state, action.
        const rows = [...document.querySelectorAll("#storage-pools-listing tr[data-row-id]")]
            .filter(row => (row.getAttribute("data-row-id") ?? "").startsWith(`pool-${prefix}`));
        return rows.length === pools && rows.every(row => {
            const cells = row.querySelectorAll("td");
            return /\d \/ \d/.test(cells[1]?.textContent ?? "") && cells[3]?.textContent === "active";
        });
    }, { target, prefix: PREFIX, pools: POOLS, volumes: VOLUMES }, { timeout: TIMEOUT_MS, polling: "raf" });
}

async function measure(target: Target): Promise<number> {
    const cockpit = await startCockpit();
    const browser = await launchBrowser();
    try {
        const { page } = await browser.newPage();
        // This host fails cockpit-machines' hardware-virtualisation check, and it then shows an "Ignore"
        // page instead of its content; the flag is what a returning user has (see bench/list-load.ts).
        if (target === "peer") await page.addInitScript(() => localStorage.setItem("virtualization-disabled-ignored", "true"));
        const t0 = performance.now();
        await page.goto(url(cockpit, target));
        await waitUntilComplete(page, target);
        return performance.now() - t0;
    } finally {
        await browser.close();
        await cockpit.stop();
    }
}

async function main(): Promise<void> {
    const root = mkdtempSync(join(tmpdir(), "kvmm-bench-pools-"));
    const cleanup = async (): Promise<void> => {
        await removeAllTestPools(PREFIX);
        rmSync(root, { recursive: true, force: true });
    };
    cleanupOnSignal(cleanup);
    await removeAllTestPools(PREFIX);
    try {
        chmodSync(root, 0o755);
        const made = performance.now();
        for (let p = 1; p <= POOLS; p++) {
            const dir = join(root, `pool-${p}`);
            mkdirSync(dir);
            for (let v = 1; v <= VOLUMES; v++) {
                // Sparse 1 MiB raw files: libvirt reads each one's header when the pool starts.
                const fd = openSync(join(dir, `vol-${String(v).padStart(3, "0")}.img`), "w");
                ftruncateSync(fd, 1024 * 1024);
                closeSync(fd);
            }
            await defineDirPool(poolName(p), dir);
        }
        console.log(`${POOLS} pools with ${VOLUMES} volumes each made in ${seconds(performance.now() - made)}`);
        console.log(await machineContext());
        console.log(`host busy before the runs: ${Math.round(await hostBusyPercent())} %`);
        const results: { run: number; list: number; pool: number; peer: number }[] = [];
        for (let run = 1; run <= RUNS; run++) {
            results.push({ run, list: await measure("list"), pool: await measure("pool"), peer: await measure("peer") });
        }
        console.log(table([
            ["run", "KVM Manager: all pools", `KVM Manager: one pool's ${VOLUMES} volumes`, "cockpit-machines: all pools"],
            ...results.map(r => [String(r.run), ms(r.list), ms(r.pool), ms(r.peer)]),
        ]));
        const list = median(results.map(r => r.list));
        const pool = median(results.map(r => r.pool));
        const peer = median(results.map(r => r.peer));
        console.log(`median, navigate → everything shown: KVM Manager ${POOLS} pools ${ms(list)}, one pool's ${VOLUMES} volumes ${ms(pool)}; ` +
            `cockpit-machines ${POOLS} pools ${ms(peer)}; target ${ms(TARGET_MS)} (${list <= TARGET_MS && pool <= TARGET_MS ? "met" : "not met"})`);
    } finally {
        await cleanup();
    }
}

main().catch(error => {
    console.error(error);
    process.exitCode = 1;
});
