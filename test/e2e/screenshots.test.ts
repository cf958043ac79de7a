// Pictures of the pages as a person sees them, taken on a fleet of 20 real VMs (8 running), and the
// check behind the foundation's "done": every running VM in the list shows live usage.
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";
import { defineTinyVm, removeVm, TEST_PREFIX } from "../support/virsh";
import { openList, runningRowsWithUsage } from "../support/pages/vm-list";

const PREFIX = `${TEST_PREFIX}fleet-`;
const NAMES = Array.from({ length: 20 }, (_, i) =>
    `${PREFIX}${["web", "db", "cache", "build"][i % 4]}-${String(Math.floor(i / 4) + 1).padStart(2, "0")}`);
const RUNNING = new Set(NAMES.filter((_, i) => i % 5 < 2));

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

beforeAll(async () => {
    for (let i = 0; i < NAMES.length; i += 5) {
        await Promise.all(NAMES.slice(i, i + 5).map((name, j) => defineTinyVm({
            name, vcpus: 1 + ((i + j) % 4), memoryMiB: 64 + 32 * ((i + j) % 3), disks: 1, nics: 1, start: RUNNING.has(name),
        })));
    }
    session = await startPageSession();
    ({ cockpit, tab } = session);
    await tab.page.setViewportSize({ width: 1280, height: 1000 });
});

afterAll(async () => {
    await session?.close();
    for (const name of NAMES) await removeVm(name);
});

async function showFleetOnly(): Promise<void> {
    await openList(tab.page, cockpit.pageAloneUrl);
    await tab.page.locator("#kvm-name-filter input").fill(PREFIX);
    await tab.page.waitForFunction(
        ([prefix, total, running]) => {
            const rows = [...document.querySelectorAll("#kvm-vm-table tbody tr")]
                .filter(row => row.getAttribute("data-vm-name")?.startsWith(prefix as string));
            const runningRows = rows.filter(row => row.getAttribute("data-state") === "running");
            return rows.length === total && runningRows.length === running &&
                runningRows.every(row => row.querySelector(".kvm-cpu-cell .kvm-usage") !== null);
        },
        [PREFIX, NAMES.length, RUNNING.size] as const, { timeout: 30_000 });
}

test("the list of 20 VMs shows live usage for every running one (light and dark)", async () => {
    await showFleetOnly();
    expect(await runningRowsWithUsage(tab.page)).toEqual({ running: RUNNING.size, withUsage: RUNNING.size });
    await screenshot(tab.page, "vm-list-20-light");

    await tab.page.evaluate(() => localStorage.setItem("shell:style", "dark"));
    await showFleetOnly();
    expect(await tab.page.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(true);
    await screenshot(tab.page, "vm-list-20-dark");
    await tab.page.evaluate(() => localStorage.removeItem("shell:style"));
});

test("details page and batch results", async () => {
    const { page } = tab;
    await showFleetOnly();
    const running = [...RUNNING][0];
    await page.locator(".kvm-name-link", { hasText: running }).click();
    await page.locator("#kvm-usage-cpu .kvm-muted, #kvm-usage-cpu").first().waitFor();
    await page.waitForFunction(() => /%/.test(document.querySelector("#kvm-usage-cpu")?.textContent ?? ""), undefined, { timeout: 15_000 });
    await screenshot(page, "vm-details");

    await showFleetOnly();
    await page.locator("#kvm-vm-table thead input[type=checkbox]").check();
    await page.locator("[data-batch-action='reboot']").click();
    await page.locator("#kvm-confirm-button").click();
    await page.locator("#kvm-batch-results").waitFor({ timeout: 60_000 });
    await screenshot(page, "vm-batch-results");
    const outcomes = await page.locator("#kvm-batch-results tbody tr").evaluateAll(rows => rows.map(r => r.getAttribute("data-outcome")));
    expect(outcomes.filter(o => o === "done")).toHaveLength(RUNNING.size);
    expect(outcomes.filter(o => o === "skipped")).toHaveLength(NAMES.length - RUNNING.size);
    await page.locator("#kvm-batch-dialog footer button.pf-m-primary").click();
});

test("no errors were logged", () => {
    expect(tab.errors).toEqual([]);
});
