// Keyboard, screen reader and layout checks of the VM list, details and Settings pages: real links with
// hrefs, named checkboxes, readable column headers at desktop widths and a stacked table on narrow
// screens, and no serious or critical axe-core violations on any page, light and dark.
import { encodeRouteSegment, routeHash } from "../../src/core/route-segment";
import { assertNoSeriousAxeViolations } from "../support/axe";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";
import { defineTinyVm, removeVm, TEST_PREFIX } from "../support/virsh";
import { openList, vmRow, waitForRowState } from "../support/pages/vm-list";

const PREFIX = `${TEST_PREFIX}a11y-`;
const RUNNING = `${PREFIX}running`;
const ODD = `${PREFIX}odd #?&% ünï "q"`;
const LONG = `${PREFIX}long-${"abcdefghij".repeat(22)}`;
const ALL = [RUNNING, ODD, LONG];

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

async function showOurVms(): Promise<void> {
    const { page } = tab;
    await openList(page, cockpit.pageAloneUrl);
    await page.locator("#kvm-name-filter input").fill(PREFIX);
    await waitForRowState(page, RUNNING, "running");
    await page.locator(`#kvm-vm-table tbody tr[data-state='running'] .kvm-cpu-cell .kvm-usage`).waitFor({ timeout: 20_000 });
}

async function setTheme(dark: boolean): Promise<void> {
    await tab.page.evaluate(isDark => isDark ? localStorage.setItem("shell:style", "dark") : localStorage.removeItem("shell:style"), dark);
}

// Header labels the table cut short (PF truncates header text with an ellipsis when squeezed).
function truncatedHeaders(): Promise<string[]> {
    return tab.page.locator("#kvm-vm-table thead th").evaluateAll(cells => cells
        .map(cell => cell.querySelector(".pf-v6-c-table__text") ?? cell)
        .filter(text => text.scrollWidth > text.clientWidth + 1)
        .map(text => (text as HTMLElement).innerText));
}

beforeAll(async () => {
    await Promise.all(ALL.map(name => removeVm(name)));
    await Promise.all([defineTinyVm({ name: RUNNING, start: true, vcpus: 2 }), defineTinyVm({ name: ODD }), defineTinyVm({ name: LONG })]);
    session = await startPageSession({ bypassCSP: true });
    ({ cockpit, tab } = session);
});

afterAll(async () => {
    await session?.close();
    await Promise.all(ALL.map(name => removeVm(name)));
});

test("navigation items and VM names are links with hrefs, reachable by keyboard", async () => {
    const { page } = tab;
    await page.setViewportSize({ width: 1280, height: 800 });
    await openList(page, cockpit.pageAloneUrl);
    const nav = page.locator("nav[aria-label='KVM Manager'] a");
    const hrefs = await nav.evaluateAll(links => links.map(a => a.getAttribute("href")));
    expect(hrefs).toEqual(["#/", "#/templates", "#/schedules", "#/backups", "#/alerts", "#/insights", "#/storage", "#/networks", "#/settings"]);

    // On a freshly loaded page the first Tab reaches the first navigation link; Tab moves along the
    // navigation, and Enter on Settings opens it.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("href"))).toBe("#/");
    for (let i = 0; i < hrefs.indexOf("#/settings"); i++) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.locator("#kvm-settings").waitFor();
    expect(await page.evaluate(() => window.location.hash)).toBe("#/settings");

    await showOurVms();
    const link = vmRow(page, ODD).locator("a.kvm-name-link");
    const href = await link.getAttribute("href");
    expect(href).toBe(routeHash(["vm", encodeRouteSegment(ODD)]));
    // The link as a new tab would open it: the same details page, for this VM.
    const other = await session.browser.newPage();
    await other.page.goto(`${cockpit.pageAloneUrl}${href}`);
    await other.page.locator("#kvm-vm-details").waitFor({ timeout: 30_000 });
    expect(await other.page.locator("#kvm-vm-details").getAttribute("data-vm-name")).toBe(ODD);
    await other.page.close();

    // Keyboard: focus the name link and press Enter.
    await link.focus();
    await page.keyboard.press("Enter");
    await page.locator("#kvm-vm-details").waitFor();
    expect(await page.locator("#kvm-vm-details").getAttribute("data-vm-name")).toBe(ODD);
});

test("row checkboxes are labelled with their VM's name", async () => {
    const { page } = tab;
    await showOurVms();
    for (const name of ALL) {
        expect(await vmRow(page, name).locator("input[type=checkbox]").getAttribute("aria-label")).toBe(`Select ${name}`);
    }
    expect(await page.locator("#kvm-vm-table thead input[type=checkbox]").getAttribute("aria-label")).toBe("Select all shown");
    expect(await page.getByRole("checkbox", { name: `Select ${RUNNING}`, exact: true }).count()).toBe(1);
});

test.each([false, true])("column headers are whole at 1280, 1440 and 1920 px; narrow screens stack (dark: %s)", async dark => {
    const { page } = tab;
    await setTheme(dark);
    const theme = dark ? "dark" : "light";
    // 1030 px: a 1280 px screen less Cockpit's sidebar, which the page's iframe sits beside.
    for (const width of [1030, 1280, 1440, 1920]) {
        await page.setViewportSize({ width, height: 800 });
        await showOurVms();
        expect(await page.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(dark);
        await screenshot(page, `a11y-list-${width}-${theme}`);
        expect({ width, truncated: await truncatedHeaders() }).toEqual({ width, truncated: [] });
        // The 230-character name is cut to one line, its whole name on hover.
        const longName = vmRow(page, LONG).locator(".kvm-name");
        expect(await longName.evaluate(el => el.scrollWidth > el.clientWidth)).toBe(true);
        expect(await longName.getAttribute("title")).toBe(LONG);
    }
    await page.setViewportSize({ width: 700, height: 900 });
    await showOurVms();
    await screenshot(page, `a11y-list-700-${theme}`);
    // Stacked: a row's cells sit one under another, each with its label.
    const row = vmRow(page, RUNNING);
    const nameBox = await row.locator("td[data-label='Name']").boundingBox();
    const stateBox = await row.locator("td[data-label='State']").boundingBox();
    expect(stateBox && nameBox && stateBox.y > nameBox.y).toBe(true);
    await page.setViewportSize({ width: 1280, height: 800 });
    await setTheme(false);
});

test.each([false, true])("no serious or critical axe violations on list, dialog, details and settings (dark: %s)", async dark => {
    const { page } = tab;
    const theme = dark ? "dark" : "light";
    await setTheme(dark);
    await showOurVms();
    await assertNoSeriousAxeViolations(page, `the VM list (${theme})`);

    await page.locator("#kvm-vm-table thead input[type=checkbox]").check();
    await page.locator("[data-batch-action='shutdown']").click();
    await page.locator("#kvm-confirm-dialog").waitFor();
    await assertNoSeriousAxeViolations(page, `the batch confirmation (${theme})`);
    await page.getByRole("button", { name: "Cancel" }).click();
    await page.locator("#kvm-confirm-dialog").waitFor({ state: "detached" });

    await vmRow(page, RUNNING).locator("a.kvm-name-link").click();
    await page.locator("#kvm-vm-details").waitFor();
    await page.locator("#kvm-usage-cpu").waitFor({ timeout: 20_000 });
    await screenshot(page, `a11y-details-${theme}`);
    await assertNoSeriousAxeViolations(page, `the details page (${theme})`);

    await page.locator("nav[aria-label='KVM Manager'] a[href='#/settings']").click();
    await page.locator("#kvm-policy-save").waitFor({ timeout: 30_000 });
    await screenshot(page, `a11y-settings-${theme}`);
    await assertNoSeriousAxeViolations(page, `Settings (${theme})`);
    await setTheme(false);
});

test("no errors were logged", () => {
    expect(tab.errors).toEqual([]);
});
