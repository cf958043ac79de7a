// The stack end to end at its simplest: the installed package is visible to the bridge, and the page
// loads through cockpit-ws in Chromium with cockpit.js, alone and in the shell. Says nothing about the
// page's own content.
import { bridgePackages, startCockpit, PACKAGE_NAME, type CockpitServer } from "./harness/cockpit";
import { launchBrowser, screenshot, type TestBrowser } from "./harness/browser";
import { waitFor } from "./harness/wait";

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

test("cockpit-bridge lists the installed package", async () => {
    const names = (await bridgePackages()).split("\n").map(line => line.split(/\s+/)[0]);
    expect(names).toContain(PACKAGE_NAME);
});

test("the page loads alone with cockpit.js", async () => {
    const { page, errors } = await browser.newPage();
    const response = await page.goto(cockpit.pageAloneUrl);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe("KVM Manager");
    await page.waitForFunction(() => "cockpit" in window, undefined, { timeout: 15_000 });
    await screenshot(page, "smoke-page-alone");
    expect(errors).toEqual([]);
});

test("the shell shows the page in its frame", async () => {
    const { page, errors } = await browser.newPage();
    await page.goto(cockpit.shellUrl);
    // The shell names each page's frame "cockpit1:HOST/PACKAGE".
    const frame = await waitFor(() => page.frame({ name: `cockpit1:localhost/${PACKAGE_NAME}` }),
        { timeoutMs: 30_000, message: "the shell to frame the page" });
    await frame.waitForFunction(() => "cockpit" in window, undefined, { timeout: 15_000 });
    expect(await frame.title()).toBe("KVM Manager");
    await screenshot(page, "smoke-shell");
    expect(errors).toEqual([]);
});
