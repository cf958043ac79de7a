// The Insights page and the details page's Suggestions card on the real stack: a running test VM whose
// history comes from the installed collector (ticks of kvm-manager-collect, on top of 50 minutes of
// earlier samples written into the store), a suggestion applied from the details page that changes
// the persistent definition, and a fleet of defined VMs with a month of history for the pictures.
// The host's /var/lib/kvm-manager/metrics (which the page's helper reads) is set aside meanwhile and
// put back at the end, so the fabricated history never mixes with the host's.
import { existsSync, renameSync, rmSync } from "node:fs";
import { silentLogger } from "../../helpers/lib/log";
import { MetricsStore } from "../../helpers/lib/metrics-store";
import { DEFAULT_STATE_DIR, metricsDir } from "../../helpers/lib/paths";
import { emptyMetricValues, type BucketRow } from "../../src/core/metrics/rollup";
import { periodEnd, periodStart } from "../../src/core/metrics/tiers";
import { assertNoSeriousAxeViolations } from "../support/axe";
import { join } from "node:path";
import { SCREENSHOT_DIR, screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { run } from "../support/exec";
import { startPageSession, type PageSession } from "../support/session";
import { writeFleetHistory } from "../support/synthetic-fleet";
import { defineTinyVm, removeVm, TEST_PREFIX, virsh } from "../support/virsh";
import { waitFor } from "../support/wait";

const VM = `${TEST_PREFIX}insights 'ü' $(x)`;
const METRICS = metricsDir(DEFAULT_STATE_DIR);
const ASIDE = `${METRICS}.insights-test-aside`;
const FLEET = ["web-01", "web-02", "db-01", "build-01", "backup-01", "cache-01", "mail-01", "ci-runner-01"]
    .map(n => `${TEST_PREFIX}${n}`);

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;
let hadMetrics = false;

// 50 minutes of quiet samples (5 % CPU) for the VM, up to a minute ago, as the collector would have
// written them into the hour files.
async function writeEarlierSamples(store: MetricsStore, nowMs: number): Promise<void> {
    const from = nowMs - 51 * 60_000;
    const to = nowMs - 60_000;
    for (let hour = periodStart("hour", from); hour < to; hour = periodEnd("hour", hour)) {
        const rows: BucketRow[] = [];
        const end = Math.min(periodEnd("hour", hour), to);
        for (let t = Math.max(hour, Math.ceil(from / 30_000) * 30_000); t < end; t += 30_000) {
            const v = emptyMetricValues();
            v.cpuPercent = 4 + (t / 30_000) % 3;
            v.memoryUsedKiB = 20_000;
            v.memoryPercent = 30;
            v.diskReadBps = 0;
            v.diskWriteBps = 0;
            rows.push({ vm: VM, tsMs: t, n: 1, avg: v, max: v });
        }
        await store.writeTierRows("raw", hour, rows, end);
    }
}

async function collectorTick(): Promise<void> {
    const before = Date.now();
    // The store keys samples by VM and second: the next tick must fall in a later second.
    await waitFor(async () => Math.floor(Date.now() / 1000) > Math.floor(before / 1000), { timeoutMs: 5_000, message: "the next second" });
    await run("kvm-manager-collect", ["--once"]);
}

beforeAll(async () => {
    await removeVm(VM);
    hadMetrics = existsSync(METRICS);
    if (hadMetrics) renameSync(METRICS, ASIDE);
    const store = new MetricsStore(METRICS, silentLogger);
    const held = store.lock();
    try {
        await writeEarlierSamples(store, Date.now());
    } finally {
        held.release();
    }
    await defineTinyVm({ name: VM, vcpus: 2, disks: 1, start: true });
    for (let tick = 0; tick < 3; tick++) await collectorTick();
    session = await startPageSession({ bypassCSP: true });
    ({ cockpit, tab } = session);
    await tab.page.setViewportSize({ width: 1280, height: 900 });
});

afterAll(async () => {
    await session?.close();
    await removeVm(VM);
    for (const name of FLEET) await removeVm(name);
    rmSync(METRICS, { recursive: true, force: true });
    if (hadMetrics) renameSync(ASIDE, METRICS);
});

// A new document each time (a goto that only changes the hash would keep the page and its theme).
async function open(route: string): Promise<void> {
    await tab.page.goto("about:blank");
    await tab.page.goto(`${cockpit.pageAloneUrl}#/${route}`);
}

async function openInsights(range: string): Promise<void> {
    const { page } = tab;
    await open("insights");
    await page.locator(`#kvm-insights-range-${range}`).click();
    await page.locator(`#kvm-insights[data-range='${range}'][data-state='ready']`).waitFor({ timeout: 30_000 });
}

test("the Insights page shows the VM with its history from the collector, and its suggestion", async () => {
    const { page } = tab;
    await openInsights("1h");
    const item = page.locator(`#kvm-insights-suggestions .kvm-suggestion[data-vm="${VM.replace(/"/g, '\\"')}"][data-kind='cpu-low']`);
    await item.waitFor({ timeout: 10_000 });
    expect(await item.locator(".kvm-suggestion-title").textContent()).toBe("Fewer vCPUs: 1 instead of 2");
    expect(await item.locator(".kvm-suggestion-evidence").textContent()).toMatch(/95th percentile CPU use \d.*of 2 vCPUs\./);
    // The busiest-VM lists read the same history: the collector's own ticks brought memory figures.
    expect(await page.locator(`#kvm-insights-top [data-metric='memory'] li`).evaluateAll((items, vm) =>
        items.some(li => li.getAttribute("data-vm") === vm), VM)).toBe(true);
    expect(Number(await page.locator("#kvm-insights-count-running").getAttribute("data-count"))).toBeGreaterThanOrEqual(1);

    await page.locator("#kvm-insights-by-category").click();
    await page.locator(".kvm-insights-list[data-view='category'] [data-group-category='cpu']").waitFor();
    await assertNoSeriousAxeViolations(page, "Insights page");

    // A day needs 12 hours of history: the VM is listed as waiting, with how much there is.
    await page.locator("#kvm-insights-range-24h").click();
    await page.locator("#kvm-insights[data-range='24h'][data-state='ready']").waitFor({ timeout: 30_000 });
    const waiting = page.locator(`#kvm-insights-waiting li[data-vm="${VM.replace(/"/g, '\\"')}"]`);
    expect(await waiting.textContent()).toMatch(/Not enough data yet \(0\.\d of 12 hours\)/);
    expect(tab.errors).toEqual([]);
});

test("applying a suggestion from the details page changes the persistent definition", async () => {
    const { page } = tab;
    await open(`vm/${encodeURIComponent(VM)}`);
    const card = page.locator("#kvm-suggestions");
    await card.waitFor({ timeout: 30_000 });
    await card.locator("#kvm-suggestions-range-1h").click();
    await page.locator("#kvm-suggestions[data-range='1h'][data-state='ready'] [data-apply='cpu-low']").click();
    const summary = page.locator("#kvm-apply-summary");
    expect(await summary.textContent()).toContain("vCPUs: from 2 vCPUs to 1 vCPU, in the VM's persistent configuration.");
    expect(await summary.textContent()).toContain("It takes effect at the next boot: vCPUs are not removed from a running VM.");
    await assertNoSeriousAxeViolations(page, "apply confirmation");
    await page.locator("#kvm-confirm-button").click();
    const result = page.locator("#kvm-suggestion-result");
    await result.waitFor({ timeout: 30_000 });
    expect(await result.textContent()).toContain("vCPUs set to 1 vCPU");
    await card.locator("[data-applied='cpu-low']").waitFor();
    const inactive = await virsh("dumpxml", "--inactive", VM);
    expect(/<vcpu[^>]*current='1'[^>]*>2<\/vcpu>/.test(inactive)).toBe(true);
    // The running VM keeps its two vCPUs until the next boot.
    expect(/<vcpu[^>]*>2<\/vcpu>/.test(await virsh("dumpxml", VM))).toBe(true);
    expect(/current=/.test((/<vcpu[^>]*>/.exec(await virsh("dumpxml", VM)) ?? [""])[0])).toBe(false);
    await screenshot(page, "insights-details-applied");
    expect(tab.errors).toEqual([]);
});

test("a fleet with a month of history, light and dark (the README's pictures)", async () => {
    const { page } = tab;
    // Sizes that give the fleet's profiles (test/support/synthetic-fleet.ts) something to say (the idle
    // first VM has vCPUs to spare), with the memory its history is a share of. Two run (SeaBIOS alone
    // touches little of their memory).
    const vcpus = [4, 2, 2, 2, 2, 1, 2, 2];
    for (let i = 0; i < FLEET.length; i++) {
        await defineTinyVm({ name: FLEET[i], vcpus: vcpus[i], memoryMiB: 1024 * (1 + (i % 8)), start: i === 1 || i === 5 });
    }
    const store = new MetricsStore(METRICS, silentLogger);
    const held = store.lock();
    try {
        await writeFleetHistory(store, { vms: FLEET.length, days: 30, endMs: Math.floor(Date.now() / 60_000) * 60_000 - 60_000, names: FLEET });
    } finally {
        held.release();
    }
    await openInsights("7d");
    await page.locator("#kvm-insights-suggestions .kvm-suggestion").first().waitFor();
    await page.locator("#kvm-top-cpu canvas").waitFor();
    await screenshot(page, "insights");
    // The README's pictures: what a 1280x900 window shows first.
    await page.screenshot({ path: join(SCREENSHOT_DIR, "insights-readme.png") });
    await page.evaluate(() => localStorage.setItem("shell:style", "dark"));
    await openInsights("7d");
    expect(await page.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(true);
    await page.locator("#kvm-top-cpu canvas").waitFor();
    await screenshot(page, "insights-dark");
    await page.screenshot({ path: join(SCREENSHOT_DIR, "insights-dark-readme.png") });
    await page.evaluate(() => localStorage.removeItem("shell:style"));
    expect(tab.errors).toEqual([]);
});
