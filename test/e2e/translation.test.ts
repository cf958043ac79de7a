// Strings go through cockpit.gettext and the build turns po/de.po into po.de.js, which the bridge serves
// for po.js when the shell's language cookie says German.
import type { TestBrowser } from "./harness/browser";
import type { CockpitServer } from "./harness/cockpit";
import { startPageSession, type PageSession } from "./harness/session";

let session: PageSession;
let cockpit: CockpitServer;
let browser: TestBrowser;

beforeAll(async () => {
    session = await startPageSession();
    ({ cockpit, browser } = session);
});

afterAll(async () => {
    await session?.close();
});

test("the page speaks German when the shell does", async () => {
    await browser.context.addCookies([{ name: "CockpitLang", value: "de-de", url: cockpit.pageAloneUrl }]);
    const { page, errors } = await browser.newPage();
    await page.goto(cockpit.pageAloneUrl);
    await page.locator("#kvm-vm-table, #kvm-no-vms").first().waitFor({ timeout: 30_000 });
    const nav = await page.locator("nav").innerText();
    expect(nav).toContain("Virtuelle Maschinen");
    expect(nav).toContain("Einstellungen");
    expect(await page.locator("#kvm-name-filter input").getAttribute("placeholder")).toBe("Nach Name filtern");
    expect(errors).toEqual([]);
});
