// The details page says when the metrics history is not being collected, and how to start it, instead
// of showing empty charts; once the collector runs the charts come back. Empty charts have axes in
// their unit. The page's helpers read a state directory of this test's own (KVM_MANAGER_STATE_DIR,
// inherited by the bridge), so the collector runs of other tests do not count.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { run } from "../support/exec";
import { startPageSession, type PageSession } from "../support/session";
import { defineTinyVm, removeVm, TEST_PREFIX } from "../support/virsh";

const RUNNING = `${TEST_PREFIX}collection "r" $(x) ü`;
const OFF = `${TEST_PREFIX}collection off #?%`;

let stateDir: string;
let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), "kvmm-collection-"));
    process.env.KVM_MANAGER_STATE_DIR = stateDir;
    await removeVm(RUNNING);
    await removeVm(OFF);
    await defineTinyVm({ name: RUNNING, disks: 1, start: true });
    await defineTinyVm({ name: OFF });
    session = await startPageSession();
    ({ cockpit, tab } = session);
});

afterAll(async () => {
    await session?.close();
    await removeVm(RUNNING);
    await removeVm(OFF);
    delete process.env.KVM_MANAGER_STATE_DIR;
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

const expectedRemedy = () => existsSync("/run/systemd/system") ? "enable-timer" : "start-runner";

async function openDetails(name: string): Promise<void> {
    await tab.page.goto(`${cockpit.pageAloneUrl}#/vm/${encodeURIComponent(name)}`);
    await tab.page.locator("#kvm-history").waitFor();
}

test("nothing collected: the page says collection is not running and how to start it, without empty charts", async () => {
    const { page } = tab;
    await openDetails(RUNNING);
    const alert = page.locator("#kvm-collection-stopped");
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.getAttribute("data-remedy")).toBe(expectedRemedy());
    const text = await alert.innerText();
    expect(text).toContain("History collection is not running");
    expect(text).toContain("No metrics sample has ever been collected");
    expect(text).toContain(expectedRemedy() === "start-runner" ? "kvm-manager-timers --start" : "systemctl enable --now kvm-manager-collect.timer");

    await page.locator("#kvm-range-1h").click();
    await page.locator("#kvm-history[data-range='1h'][data-state='ready']").waitFor({ timeout: 30_000 });
    await alert.waitFor();
    expect(await page.locator("#kvm-chart-cpu").count()).toBe(0);
    await screenshot(page, "history-collection-stopped");
    expect(tab.errors).toEqual([]);
});

test("once the collector runs, the warning goes and the charts show its samples", async () => {
    const { page } = tab;
    for (let tick = 0; tick < 3; tick++) await run("kvm-manager-collect", ["--once", "--state-dir", stateDir]);
    // A range change asks again (otherwise the page asks once a minute).
    await page.locator("#kvm-range-6h").click();
    await page.locator("#kvm-history[data-range='6h'][data-state='ready'] #kvm-chart-memory").waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector("#kvm-collection-stopped") === null, undefined, { timeout: 30_000 });
    expect(Number(await page.locator("#kvm-chart-memory").getAttribute("data-values"))).toBeGreaterThan(0);
    const ticks = (await page.locator("#kvm-chart-memory").getAttribute("data-y-ticks"))?.split(" | ") ?? [];
    expect(ticks[0]).toBe("0 B");
    // Whole units, no repeated labels.
    expect(new Set(ticks).size).toBe(ticks.length);
    expect(ticks.every(t => /^\d+(\.\d+)? (B|KiB|MiB|GiB)$/.test(t))).toBe(true);
    await screenshot(page, "history-6h-light");
    await page.evaluate(() => localStorage.setItem("shell:style", "dark"));
    await page.reload();
    await page.locator("#kvm-range-6h").click();
    await page.locator("#kvm-history[data-range='6h'][data-state='ready'] #kvm-chart-memory").waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(true);
    await screenshot(page, "history-6h-dark");
    await page.evaluate(() => localStorage.removeItem("shell:style"));
    await page.reload();
    expect(tab.errors).toEqual([]);
});

test("a VM with no samples while the collector runs: empty charts whose axes read in their units", async () => {
    const { page } = tab;
    await run("kvm-manager-collect", ["--once", "--state-dir", stateDir]);
    await openDetails(OFF);
    await page.locator("#kvm-range-1h").click();
    await page.locator("#kvm-history[data-range='1h'][data-state='ready'] #kvm-chart-memory").waitFor({ timeout: 30_000 });
    await page.getByText("Nothing was collected for this VM in this range.").waitFor();
    expect(await page.locator("#kvm-collection-stopped").count()).toBe(0);
    expect(await page.locator("#kvm-chart-memory").getAttribute("data-y-ticks")).toBe("0 B | 256 MiB | 512 MiB | 768 MiB | 1 GiB");
    expect(await page.locator("#kvm-chart-disk").getAttribute("data-y-ticks")).toBe("0 B/s | 1 KiB/s | 2 KiB/s | 3 KiB/s | 4 KiB/s");
    expect(await page.locator("#kvm-chart-cpu").getAttribute("data-y-ticks")).toMatch(/^0[.,]0 % \| 25 % \| 50 % \| 75 % \| 100 %$/);
    expect(await page.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(false);
    await screenshot(page, "history-empty-light");
    await page.evaluate(() => localStorage.setItem("shell:style", "dark"));
    await page.reload();
    await page.locator("#kvm-range-1h").click();
    await page.locator("#kvm-history[data-range='1h'][data-state='ready'] #kvm-chart-memory").waitFor({ timeout: 30_000 });
    expect(await page.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(true);
    await screenshot(page, "history-empty-dark");
    await page.evaluate(() => localStorage.removeItem("shell:style"));
    await page.reload();
    expect(tab.errors).toEqual([]);
});
