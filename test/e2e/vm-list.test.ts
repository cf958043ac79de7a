// The VM list against the real stack: virsh-defined VMs appear, lifecycle actions from the page change
// the real VM, changes made with virsh appear without reload, hostile names are harmless, and a stopped
// libvirtd is reported and recovered from.
import { existsSync, rmSync } from "node:fs";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";
import { startLibvirtd, stopLibvirtd } from "../support/services";
import {
    defineGuestVm, defineTinyVm, domState, removeVm, TEST_PREFIX, virshOn, waitForState, waitGuestReady,
} from "../support/virsh";
import { waitFor } from "../support/wait";
import { openList, rowState, runRowAction, vmRow, waitForRowState } from "../support/pages/vm-list";

const PREFIX = `${TEST_PREFIX}list-`;
const TINY = `${PREFIX}tiny`;
const GUEST = `${PREFIX}guest`;
const INJECTION_FILE = "/tmp/kvm-injected";
// libvirt refuses "/" in names ("cannot contain '/'"), so the injection reaches /tmp/kvm-injected without
// one: any shell that ever expanded this name would create the file.
const ODD = `${PREFIX}odd "dq" 'sq' ünïcödé 虚拟机 $(cd;cd ..;cd tmp;touch kvm-injected) \`touch kvm-injected\``;
const WATCHED = `${PREFIX}watched`;

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

beforeAll(async () => {
    rmSync(INJECTION_FILE, { force: true });
    await Promise.all([
        defineTinyVm({ name: TINY, vcpus: 2, memoryMiB: 96 }),
        defineTinyVm({ name: ODD }),
        defineGuestVm({ name: GUEST }),
    ]);
    session = await startPageSession();
    ({ cockpit, tab } = session);
    await openList(tab.page, cockpit.pageAloneUrl);
});

afterAll(async () => {
    await session?.close();
    for (const name of [TINY, ODD, GUEST, WATCHED]) await removeVm(name);
});

test("VMs defined with virsh are listed with state, vCPUs and memory", async () => {
    const { page } = tab;
    for (const name of [TINY, ODD, GUEST]) await waitForRowState(page, name, "shut-off");
    const cells = await vmRow(page, TINY).locator("td").allInnerTexts();
    expect(cells).toEqual(expect.arrayContaining(["2", "96 MiB"]));
    await expect(vmRow(page, ODD).locator(".kvm-name-link").innerText()).resolves.toBe(ODD);
});

test("start, pause, resume and force off from the page change the real VM", async () => {
    const { page } = tab;
    await runRowAction(page, TINY, "start");
    await waitForState(TINY, "running");
    await waitForRowState(page, TINY, "running");
    // CPU usage needs two samples; the list takes the second within a few seconds.
    await page.locator(`#kvm-vm-table tr[data-vm-name="${TINY}"] .kvm-cpu-cell .kvm-usage`).waitFor({ timeout: 15_000 });

    await runRowAction(page, TINY, "pause");
    await waitForState(TINY, "paused");
    await waitForRowState(page, TINY, "paused");

    await runRowAction(page, TINY, "resume");
    await waitForState(TINY, "running");
    await waitForRowState(page, TINY, "running");

    await runRowAction(page, TINY, "forceOff");
    const dialog = page.getByRole("dialog");
    await expect(dialog.innerText()).resolves.toContain(`Force off ${TINY}?`);
    expect(await domState(TINY)).toBe("running");
    await dialog.getByRole("button", { name: "Force off" }).click();
    await waitForState(TINY, "shut off");
    await waitForRowState(page, TINY, "shut-off");
});

test("the row menu offers only what the state allows", async () => {
    const { page } = tab;
    await vmRow(page, TINY).locator(".kvm-row-actions").click();
    const offered = await page.locator("[data-action]").evaluateAll(items => items.map(i => i.getAttribute("data-action")));
    expect(offered).toEqual(["start"]);
    await page.keyboard.press("Escape");
});

test("shut down from the page powers off a real guest OS", async () => {
    const { page } = tab;
    await runRowAction(page, GUEST, "start");
    await waitForState(GUEST, "running");
    await waitGuestReady(GUEST);
    await runRowAction(page, GUEST, "shutdown");
    await waitForState(GUEST, "shut off", 60_000);
    await waitForRowState(page, GUEST, "shut-off");
});

test("a change made with virsh appears without reload, from libvirt's events", async () => {
    const { page } = tab;
    const reloads: string[] = [];
    page.on("framenavigated", frame => reloads.push(frame.url()));

    await virshOn("start", TINY);
    // Polling alone would take up to 5 s; the DomainEvent signal brings it within about a second.
    await waitForRowState(page, TINY, "running", 4000);
    await virshOn("destroy", TINY);
    await waitForRowState(page, TINY, "shut-off", 4000);

    await defineTinyVm({ name: WATCHED });
    await waitForRowState(page, WATCHED, "shut-off", 4000);
    await removeVm(WATCHED);
    await vmRow(page, WATCHED).waitFor({ state: "detached", timeout: 6000 });
    expect(reloads).toEqual([]);
});

test("a VM named with quotes, unicode and $(...) is listed and started, and nothing is executed", async () => {
    const { page } = tab;
    await runRowAction(page, ODD, "start");
    await waitForState(ODD, "running");
    await waitForRowState(page, ODD, "running");
    expect(existsSync(INJECTION_FILE)).toBe(false);
    await virshOn("destroy", ODD);
    await waitForRowState(page, ODD, "shut-off");
});

test("filter by name and state, sort by a column", async () => {
    const { page } = tab;
    await virshOn("start", TINY);
    await waitForRowState(page, TINY, "running");

    await page.locator("#kvm-name-filter input").fill("ünïcö");
    await waitFor(async () => (await page.locator("#kvm-vm-table tbody tr").count()) === 1, { timeoutMs: 5000 });
    await page.locator("#kvm-name-filter input").fill("");

    await page.locator("#kvm-state-filter").click();
    await page.getByRole("option", { name: "Running" }).click();
    const names = await page.locator("#kvm-vm-table tbody tr").evaluateAll(rows => rows.map(r => r.getAttribute("data-state")));
    expect(new Set(names)).toEqual(new Set(["running"]));
    await page.locator("#kvm-state-filter").click();
    await page.getByRole("option", { name: "All states" }).click();

    await page.getByRole("button", { name: "vCPUs" }).click();
    await page.getByRole("button", { name: "vCPUs" }).click();
    const ours = (await page.locator("#kvm-vm-table tbody tr").evaluateAll(rows => rows.map(r => r.getAttribute("data-vm-name"))))
        .filter(name => name?.startsWith(PREFIX));
    expect(ours[0]).toBe(TINY); // 2 vCPUs, the most of ours, first when descending
    await virshOn("destroy", TINY);
});

test("libvirtd stopped: a clear message; started again: the list comes back without reload", async () => {
    const { page } = tab;
    await stopLibvirtd();
    try {
        await page.locator("#kvm-libvirt-down").waitFor({ timeout: 20_000 });
        await expect(page.locator("#kvm-libvirt-down").innerText()).resolves.toContain("libvirt is not running");
        await screenshot(page, "vm-list-libvirt-down");
    } finally {
        await startLibvirtd();
    }
    await page.locator("#kvm-vm-table").waitFor({ timeout: 20_000 });
    await vmRow(page, TINY).waitFor();
    expect(await rowState(page, TINY)).toBe("shut-off");
});

test("the page logged no errors (CSP violations included)", async () => {
    expect(tab.errors).toEqual([]);
});
