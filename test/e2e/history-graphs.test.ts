// The history graphs show what the collector stored: ticks of kvm-manager-collect (the installed
// command the timer runs) against a real running VM, then the page's 1-hour range.
import { join } from "node:path";
import { silentLogger } from "../../helpers/lib/log";
import { MetricsStore } from "../../helpers/lib/metrics-store";
import { DEFAULT_STATE_DIR, metricsDir } from "../../helpers/lib/paths";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";
import { run } from "../support/exec";
import { defineTinyVm, removeVm, TEST_PREFIX, uuidOf, virsh } from "../support/virsh";
import { waitFor } from "../support/wait";

const VM = `${TEST_PREFIX}graphs 'ü' $(x)`;

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

// Instead of sleeping between ticks: waits until the VM has burnt CPU time since the last tick the
// installed collector recorded of it (in the default state directory, which the page reads), and
// until the clock has reached the next second (files key samples by VM and second).
async function waitForCpuSinceLastTick(): Promise<void> {
    const last = new MetricsStore(metricsDir(DEFAULT_STATE_DIR), silentLogger).lastTick();
    const recorded = last?.vms.find(v => v.name === VM)?.cpuTimeNs;
    if (!last || recorded === undefined || recorded === null) throw new Error(`${VM} is not in the last tick of ${join(DEFAULT_STATE_DIR, "metrics")}`);
    const uuid = await uuidOf(VM);
    if (!uuid) throw new Error(`${VM} is not defined`);
    await waitFor(async () => Math.floor(Date.now() / 1000) > Math.floor(last.t / 1000) &&
        Number(/cpu\.time=(\d+)/.exec(await virsh("domstats", "--cpu-total", uuid))?.[1]) > recorded,
    { timeoutMs: 30_000, message: `CPU time of ${VM} to advance since the last tick` });
}

beforeAll(async () => {
    await removeVm(VM);
    await defineTinyVm({ name: VM, disks: 1, start: true });
    // Rates need two ticks; a few give the chart several points.
    for (let tick = 0; tick < 3; tick++) {
        if (tick > 0) await waitForCpuSinceLastTick();
        await run("kvm-manager-collect", ["--once"]);
    }
    session = await startPageSession();
    ({ cockpit, tab } = session);
});

afterAll(async () => {
    await session?.close();
    await removeVm(VM);
});

async function chartValues(id: string): Promise<number> {
    return Number(await tab.page.locator(`#${id}`).getAttribute("data-values"));
}

test("live graphs fill from the page's own samples", async () => {
    const { page } = tab;
    await page.goto(`${cockpit.pageAloneUrl}#/vm/${encodeURIComponent(VM)}`);
    await page.waitForFunction(() => Number(document.querySelector("#kvm-chart-cpu")?.getAttribute("data-values")) >= 2,
        undefined, { timeout: 60_000 });
});

test("the 1-hour range shows the collected samples, from the collector's history", async () => {
    const { page } = tab;
    await page.locator("#kvm-range-1h").click();
    await page.locator("#kvm-history[data-range='1h'][data-state='ready'] #kvm-chart-cpu").waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => Number(document.querySelector("#kvm-chart-memory")?.getAttribute("data-values")) > 0,
        undefined, { timeout: 10_000 });
    expect(await chartValues("kvm-chart-cpu")).toBeGreaterThan(0);
    // The rest of the hour had no samples: gaps (null points), not a line from zero.
    expect(Number(await page.locator("#kvm-chart-cpu").getAttribute("data-points")))
        .toBeGreaterThan(await chartValues("kvm-chart-cpu"));
    await screenshot(page, "history-1h");

    await page.locator("#kvm-range-30d").click();
    await page.locator("#kvm-history[data-range='30d'][data-state='ready'] #kvm-chart-cpu").waitFor({ timeout: 30_000 });
    expect(tab.errors).toEqual([]);
});
