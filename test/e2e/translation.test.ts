// Strings go through cockpit.gettext and the build turns po/de.po into po.de.js, which the bridge serves
// for po.js when the shell's language cookie says German. The shell translates the manifest's menu label
// and search keywords with the same file; cockpit.translate() does the page's <title>.
import type { TestBrowser } from "../support/browser";
import { PACKAGE_NAME, type CockpitServer } from "../support/cockpit";
import { defineTinyVm, removeVm, TEST_PREFIX } from "../support/virsh";
import { startPageSession, type PageSession } from "../support/session";
import { waitFor } from "../support/wait";

// Its own VM, so the list (and its filter) shows whatever else the host has or lacks.
const VM = `${TEST_PREFIX}translation`;
const GERMAN_NAME = "KVM-Verwaltung";

let session: PageSession;
let cockpit: CockpitServer;
let browser: TestBrowser;

beforeAll(async () => {
    await removeVm(VM);
    await defineTinyVm({ name: VM });
    session = await startPageSession();
    ({ cockpit, browser } = session);
    // For the whole origin: the shell at /kvm-manager reads it as well as the page under /cockpit/.
    await browser.context.addCookies([{ name: "CockpitLang", value: "de-de", url: new URL("/", cockpit.shellUrl).href }]);
});

afterAll(async () => {
    await session?.close();
    await removeVm(VM);
});

test("the page speaks German when the shell does", async () => {
    const { page, errors } = await browser.newPage();
    await page.goto(cockpit.pageAloneUrl);
    await page.locator("#kvm-vm-table").waitFor({ timeout: 30_000 });
    const nav = await page.locator("nav").innerText();
    expect(nav).toContain("Virtuelle Maschinen");
    expect(nav).toContain("Einstellungen");
    expect(await page.locator("#kvm-name-filter input").getAttribute("placeholder")).toBe("Nach Name filtern");
    expect(await page.title()).toBe(GERMAN_NAME);
    expect(errors).toEqual([]);
});

test("the shell's menu, window title and search use the German name", async () => {
    const { page, errors } = await browser.newPage();
    await page.goto(cockpit.shellUrl);
    const link = page.locator(`#host-apps a[href="/${PACKAGE_NAME}"]`);
    await link.waitFor({ timeout: 30_000 });
    expect(await link.innerText()).toBe(GERMAN_NAME);
    // The shell titles the window "LABEL - user@host" once the page is its current one.
    const title = await waitFor(async () => {
        const current = await page.title();
        return current.includes(" - ") && current;
    }, { message: "the shell to title the window after the page" });
    expect(title.split(" - ")[0]).toBe(GERMAN_NAME);

    // A German keyword of the manifest finds the page in the shell's menu search.
    await page.locator("#host-apps input").fill("sicherung");
    await waitFor(async () => (await page.locator("#host-apps a").count()) === 1,
        { message: "the menu search to narrow to one page" });
    expect(await page.locator("#host-apps a").getAttribute("href")).toBe(`/${PACKAGE_NAME}`);
    expect(errors).toEqual([]);
});
