// The stack end to end at its simplest: the installed package is visible to the bridge, and the page
// loads through cockpit-ws in Chromium with cockpit.js and Cockpit's fonts, alone and in the shell. Says
// nothing about the page's own content.
import { bridgePackages, startCockpit, PACKAGE_NAME, type CockpitServer } from "../support/cockpit";
import { launchBrowser, screenshot, type TestBrowser } from "../support/browser";
import { waitFor } from "../support/wait";

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

test("the page's text is set in the Red Hat fonts Cockpit serves, and every font request succeeds", async () => {
    const { page, errors } = await browser.newPage();
    const fontRequests: string[] = [];
    page.on("response", response => {
        if (response.request().resourceType() === "font") fontRequests.push(`${response.status()} ${new URL(response.url()).pathname}`);
    });
    page.on("requestfailed", request => {
        if (request.resourceType() === "font") fontRequests.push(`failed ${request.url()}: ${request.failure()?.errorText}`);
    });
    await page.goto(cockpit.pageAloneUrl);
    await page.locator("nav").waitFor({ timeout: 30_000 });
    // The browser asks for a face when text first needs it: wait until none is still on its way.
    const faces = await waitFor(async () => {
        const used = await page.evaluate(() => [...document.fonts]
            .filter(face => face.status !== "unloaded").map(face => `${face.family} ${face.weight} ${face.status}`));
        return used.length > 0 && used.every(face => !face.endsWith("loading")) && used;
    }, { timeoutMs: 15_000, message: "the page's fonts to load" });
    expect(faces).toContain("RedHatText 400 loaded");
    expect(faces.filter(face => !face.endsWith(" loaded"))).toEqual([]);
    expect(fontRequests).toContain("200 /cockpit/static/fonts/RedHatText-Regular.woff2");
    expect(fontRequests.filter(request => !/^200 \/cockpit\/static\/fonts\/RedHat\w+-\w+\.woff2$/.test(request))).toEqual([]);
    await screenshot(page, "smoke-fonts");
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
