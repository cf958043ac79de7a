// Strings go through cockpit.gettext and the build turns po/de.po into po.de.js, which the bridge serves
// for po.js when the shell's language cookie says German.
import type { TestBrowser } from "./harness/browser";
import type { CockpitServer } from "./harness/cockpit";
import { defineTinyVm, removeVm, TEST_PREFIX } from "./harness/virsh";
import { startPageSession, type PageSession } from "./harness/session";

// Its own VM, so the list (and its filter) shows whatever else the host has or lacks.
const VM = `${TEST_PREFIX}translation`;

let session: PageSession;
let cockpit: CockpitServer;
let browser: TestBrowser;

beforeAll(async () => {
    await removeVm(VM);
    await defineTinyVm({ name: VM });
    session = await startPageSession();
    ({ cockpit, browser } = session);
});

afterAll(async () => {
    await session?.close();
    await removeVm(VM);
});

test("the page speaks German when the shell does", async () => {
    await browser.context.addCookies([{ name: "CockpitLang", value: "de-de", url: cockpit.pageAloneUrl }]);
    const { page, errors } = await browser.newPage();
    await page.goto(cockpit.pageAloneUrl);
    await page.locator("#kvm-vm-table").waitFor({ timeout: 30_000 });
    const nav = await page.locator("nav").innerText();
    expect(nav).toContain("Virtuelle Maschinen");
    expect(nav).toContain("Einstellungen");
    expect(await page.locator("#kvm-name-filter input").getAttribute("placeholder")).toBe("Nach Name filtern");
    expect(errors).toEqual([]);
});
