// Strings go through cockpit.gettext and the build turns po/de.po into po.de.js, which the bridge serves
// for po.js when the shell's language cookie says German.
import { launchBrowser, type TestBrowser } from "./harness/browser";
import { startCockpit, type CockpitServer } from "./harness/cockpit";

let cockpit: CockpitServer;
let browser: TestBrowser;

beforeAll(async () => {
    cockpit = await startCockpit();
    browser = await launchBrowser();
});

afterAll(async () => {
    await browser?.close();
    await cockpit?.stop();
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
