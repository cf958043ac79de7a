// Issue 7 on the page: a name opens exactly that VM whatever it contains, a batch acts only on the
// selected VMs the list shows, and confirmations and results show names that look alike as different.
import { displayNameText } from "../../src/core/display-name";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";
import { defineTinyVm, domState, removeVm, TEST_PREFIX, waitForState } from "../support/virsh";
import { waitFor } from "../support/wait";
import { cssString, openList, vmRow, waitForRowState } from "../support/pages/vm-list";

// Every character class a route must carry ("/" only in the unit test: libvirt refuses it in VM names).
const ROUTE_PREFIX = `${TEST_PREFIX}route-`;
const ROUTE_NAMES = ["#", "hash#x", "a?b=c&d#e", "amp&x", "pct%", "pct%23", "pct%2523", "two  spaces and trailing ",
    "ünïcödé 虚拟机", "rtl\u200Fmark", "rlo\u202Eevil", "plus+at@eq=", "quote\"dq'sq"].map(n => ROUTE_PREFIX + n);

const WEB = `${TEST_PREFIX}safety-web`;
const WEB_HASH = `${TEST_PREFIX}safety-web#x`;

const HIDE = `${TEST_PREFIX}hide-`;
const HIDDEN = [1, 2, 3].map(i => `${HIDE}x${i}`);
const SHOWN = [1, 2].map(i => `${HIDE}y${i}`);

const ALIKE = `${TEST_PREFIX}alike-`;
const LOOKALIKES = ["x", "x ", "x\u00A0", "rel-\u202Eevil", "zw\u200Bsp", `long-${"0123456789".repeat(21)}`].map(n => ALIKE + n);
const FILLERS = [1, 2, 3, 4, 5, 6].map(i => `${ALIKE}zz-n${i}`);

const ALL = [...ROUTE_NAMES, WEB, WEB_HASH, ...HIDDEN, ...SHOWN, ...LOOKALIKES, ...FILLERS];

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

async function filterList(text: string): Promise<void> {
    await tab.page.locator("#kvm-name-filter input").fill(text);
}

async function backToList(): Promise<void> {
    await tab.page.locator("nav[aria-label='KVM Manager'] a[href='#/']").click();
    await tab.page.locator("#kvm-vm-table").waitFor();
}

function selectedCount(): Promise<string> {
    return tab.page.locator("#kvm-selected-count").innerText();
}

beforeAll(async () => {
    await Promise.all(ALL.map(name => removeVm(name)));
    for (const name of [...ROUTE_NAMES, ...LOOKALIKES, ...FILLERS]) await defineTinyVm({ name });
    session = await startPageSession();
    ({ cockpit, tab } = session);
});

afterAll(async () => {
    await session?.close();
    await Promise.all(ALL.map(name => removeVm(name)));
});

test("every name in the table opens its own details page from the list", async () => {
    const { page } = tab;
    await openList(page, cockpit.pageAloneUrl);
    for (const name of ROUTE_NAMES) {
        await filterList(ROUTE_PREFIX);
        await waitForRowState(page, name, "shut-off");
        await vmRow(page, name).locator(".kvm-name-link").click();
        const details = page.locator(`#kvm-vm-details[data-vm-name=${cssString(name)}]`);
        await details.waitFor({ timeout: 10_000 }).catch(async () => {
            throw new Error(`${JSON.stringify(name)} opened ${page.url()}: ${await page.locator(".kvm-manager").innerText()}`);
        });
        // The heading shows invisible and direction-changing characters as markers, like every other place.
        expect(await page.locator("#kvm-details-name").textContent()).toBe(displayNameText(name));
        // A reload reads the same URL back: the name survives Cockpit's location both ways.
        await page.reload();
        await details.waitFor({ timeout: 30_000 });
        await backToList();
    }
});

test("web#x is not web: its Force off stops web#x and leaves web running", async () => {
    const { page } = tab;
    await Promise.all([defineTinyVm({ name: WEB, start: true }), defineTinyVm({ name: WEB_HASH, start: true })]);
    await openList(page, cockpit.pageAloneUrl);
    await filterList(`${TEST_PREFIX}safety-`);
    await waitForRowState(page, WEB_HASH, "running");
    await vmRow(page, WEB_HASH).locator(".kvm-name-link").click();
    await page.locator(`#kvm-vm-details[data-vm-name=${cssString(WEB_HASH)}]`).waitFor();
    await page.locator("#kvm-vm-details [data-action='forceOff']").click();
    const dialog = page.locator("#kvm-confirm-dialog");
    expect(await dialog.locator("#kvm-confirm-title").innerText()).toContain(`Force off ${WEB_HASH}?`);
    await dialog.locator("#kvm-confirm-button").click();
    await waitForState(WEB_HASH, "shut off");
    expect(await domState(WEB)).toBe("running");
});

test("inside Cockpit's shell, web#x opens its own page, and a reload of the shell's URL keeps it", async () => {
    const { page } = tab;
    const frameOf = () => waitFor(() => page.frame({ name: "cockpit1:localhost/kvm-manager" }),
        { timeoutMs: 30_000, message: "the shell to frame the page" });
    await page.goto(cockpit.shellUrl);
    let frame = await frameOf();
    await frame.locator("#kvm-name-filter input").fill(`${TEST_PREFIX}safety-`);
    await frame.locator(`#kvm-vm-table tr[data-vm-name=${cssString(WEB_HASH)}] .kvm-name-link`).click();
    await frame.locator(`#kvm-vm-details[data-vm-name=${cssString(WEB_HASH)}]`).waitFor();
    await waitFor(() => page.url().includes("#/vm/"), { message: "the shell's URL to follow the page" });
    await page.reload();
    frame = await frameOf();
    await frame.locator("#kvm-vm-details").waitFor({ timeout: 30_000 });
    expect(await frame.locator("#kvm-vm-details").getAttribute("data-vm-name")).toBe(WEB_HASH);
    await screenshot(page, "safety-shell-web-hash");
});

test("a batch acts only on the selected rows the filter shows, and says how many it leaves", async () => {
    const { page } = tab;
    await Promise.all([...HIDDEN, ...SHOWN].map(name => defineTinyVm({ name, start: true })));
    await openList(page, cockpit.pageAloneUrl);
    await filterList(`${HIDE}x`);
    for (const name of HIDDEN) await waitForRowState(page, name, "running");
    await page.locator("#kvm-vm-table thead input[type=checkbox]").check();
    expect(await selectedCount()).toBe("3 selected");

    await filterList(`${HIDE}y`);
    for (const name of SHOWN) await waitForRowState(page, name, "running");
    expect(await page.locator("#kvm-vm-table tbody input[type=checkbox]:checked").count()).toBe(0);
    expect(await selectedCount()).toBe("0 selected (3 more hidden by the filter)");
    expect(await page.locator("[data-batch-action='forceOff']").isDisabled()).toBe(true);

    await vmRow(page, SHOWN[0]).locator("input[type=checkbox]").check();
    expect(await selectedCount()).toBe("1 selected (3 more hidden by the filter)");
    await page.locator("[data-batch-action='forceOff']").click();
    const dialog = page.locator("#kvm-confirm-dialog");
    expect(await dialog.locator("#kvm-confirm-title").innerText()).toContain("Force off 1 virtual machine?");
    expect(await dialog.locator("#kvm-batch-confirm-names li").evaluateAll(items => items.map(li => li.getAttribute("data-vm-name"))))
        .toEqual([SHOWN[0]]);
    expect(await dialog.locator("#kvm-batch-confirm-hidden").innerText())
        .toContain("3 selected virtual machines are hidden by the filter and are left alone.");
    await screenshot(page, "safety-batch-confirm-hidden");
    await dialog.locator("#kvm-confirm-button").click();

    await page.locator("#kvm-batch-results").waitFor({ timeout: 60_000 });
    expect(await page.locator("#kvm-batch-results tbody tr").evaluateAll(rows => rows.map(r => [r.getAttribute("data-vm-name"), r.getAttribute("data-outcome")])))
        .toEqual([[SHOWN[0], "done"]]);
    await page.locator("#kvm-batch-dialog footer button.pf-m-primary").click();
    expect(await domState(SHOWN[0])).toBe("shut off");
    for (const name of [...HIDDEN, SHOWN[1]]) expect(await domState(name)).toBe("running");
});

test("confirmation and results show invisible and direction-changing characters; ten names, then a count", async () => {
    const { page } = tab;
    await openList(page, cockpit.pageAloneUrl);
    await filterList(ALIKE);
    for (const name of [...LOOKALIKES, ...FILLERS]) await waitForRowState(page, name, "shut-off");
    await page.locator("#kvm-vm-table thead input[type=checkbox]").check();
    await page.locator("[data-batch-action='shutdown']").click();

    const dialog = page.locator("#kvm-confirm-dialog");
    const listed = await dialog.locator("#kvm-batch-confirm-names li").evaluateAll(items =>
        items.map(li => ({ name: li.getAttribute("data-vm-name") ?? "", shown: (li as HTMLElement).innerText })));
    expect(listed).toHaveLength(10);
    expect(await dialog.locator("#kvm-batch-confirm-more").innerText()).toBe("and 2 more");
    for (const { name, shown } of listed) expect(shown).toBe(displayNameText(name));
    const shownNames = listed.map(item => item.shown);
    expect(shownNames).toEqual(expect.arrayContaining([
        `${ALIKE}x`, `${ALIKE}x<U+0020>`, `${ALIKE}x<U+00A0>`, `${ALIKE}rel-<U+202E>evil`, `${ALIKE}zw<U+200B>sp`,
    ]));
    // The markers are highlighted elements, not just text.
    expect(await dialog.locator(".kvm-name-marker").count()).toBe(4);
    await screenshot(page, "safety-confirm-lookalikes");
    await dialog.locator("#kvm-confirm-button").click();

    await page.locator("#kvm-batch-results").waitFor({ timeout: 60_000 });
    await page.locator("#kvm-batch-dialog footer button.pf-m-primary:not([disabled])").waitFor();
    const results = await page.locator("#kvm-batch-results tbody tr").evaluateAll(rows => rows.map(row => ({
        name: row.getAttribute("data-vm-name") ?? "",
        shown: (row.querySelector("td") as HTMLElement).innerText,
    })));
    expect(results).toHaveLength(LOOKALIKES.length + FILLERS.length);
    for (const { name, shown } of results) expect(shown).toBe(displayNameText(name));
    expect(new Set(results.map(r => r.shown)).size).toBe(results.length);
    await screenshot(page, "safety-results-lookalikes");
    await page.locator("#kvm-batch-dialog footer button.pf-m-primary").click();

    // In the list the 226-character name is one line with the whole name on hover.
    const long = vmRow(page, LOOKALIKES[5]).locator(".kvm-name");
    expect(await long.getAttribute("title")).toBe(LOOKALIKES[5]);
    expect(await long.evaluate(el => el.scrollWidth > el.clientWidth)).toBe(true);
});

test("no errors were logged", () => {
    expect(tab.errors).toEqual([]);
});
