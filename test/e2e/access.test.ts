// Without administrative access the page says why and points to Cockpit's "Administrative access":
// a user libvirt refuses sees an explanation instead of a list; a member of the libvirt group sees every
// VM read-only, with actions disabled.
import { launchBrowser, screenshot, type TestBrowser } from "../support/browser";
import { startCockpit, type CockpitServer } from "../support/cockpit";
import { run } from "../support/exec";
import { defineTinyVm, removeVm, TEST_PREFIX } from "../support/virsh";
import { openList, vmRow, waitForRowState } from "../support/pages/vm-list";

const OUTSIDER = "kvmm-test-outsider";
const VIEWER = "kvmm-test-viewer";
const VM = `${TEST_PREFIX}access`;

let browser: TestBrowser;
const servers: CockpitServer[] = [];

// A user left by an interrupted run is reused, with its groups set anew.
async function addUser(name: string, groups: string[]): Promise<void> {
    const exists = await run("id", ["-u", name]).then(() => true, () => false);
    if (exists) await run("usermod", ["--groups", groups.join(","), name]);
    else await run("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ...(groups.length ? ["--groups", groups.join(",")] : []), name]);
}

async function removeUser(name: string): Promise<void> {
    await run("pkill", ["-KILL", "-u", name]).catch(() => undefined);
    await run("userdel", [name]).catch(() => undefined);
}

beforeAll(async () => {
    await addUser(OUTSIDER, []);
    await addUser(VIEWER, ["libvirt"]);
    await removeVm(VM);
    await defineTinyVm({ name: VM, start: true });
    browser = await launchBrowser();
});

afterAll(async () => {
    await browser?.close();
    for (const server of servers) await server.stop();
    await removeVm(VM);
    for (const name of [OUTSIDER, VIEWER]) await removeUser(name);
});

test("a user libvirt refuses gets an explanation and the way to administrative access", async () => {
    const server = await startCockpit({ user: OUTSIDER });
    servers.push(server);
    const tab = await browser.newPage();
    await tab.page.goto(server.pageAloneUrl);
    const state = tab.page.locator("#kvm-access-denied");
    await state.waitFor({ timeout: 30_000 });
    const text = await state.innerText();
    expect(text).toContain("Administrative access required");
    expect(text).toContain("Limited access");
    await screenshot(tab.page, "access-denied");
    await tab.page.close();
});

test("a libvirt group member without admin rights sees VMs read-only", async () => {
    const server = await startCockpit({ user: VIEWER });
    servers.push(server);
    // A local session serves one browser session: a fresh context for this user.
    const viewerBrowser = await launchBrowser();
    try {
        const tab = await viewerBrowser.newPage();
        await openList(tab.page, server.pageAloneUrl);
        await waitForRowState(tab.page, VM, "running");
        await tab.page.locator(".kvm-read-only").waitFor();
        expect(await tab.page.locator(".kvm-read-only").innerText()).toContain("administrative access");
        expect(await vmRow(tab.page, VM).locator(".kvm-row-actions").isDisabled()).toBe(true);
        expect(await tab.page.locator("[data-batch-action='start']").isDisabled()).toBe(true);
        await tab.page.locator("#kvm-name-filter input").fill(VM);
        await screenshot(tab.page, "access-read-only");

        // /var/lib/kvm-manager is root's alone: the history says what is needed, not the system's EACCES text.
        await tab.page.goto(`${server.pageAloneUrl}#/vm/${encodeURIComponent(VM)}`);
        await tab.page.locator("#kvm-range-1h").click();
        const historyError = tab.page.locator("#kvm-history[data-state='error']");
        await historyError.waitFor({ timeout: 30_000 });
        const text = await historyError.innerText();
        expect(text).toContain("kvm-manager-history needs administrative access to read KVM Manager's data on this host");
        expect(text).not.toContain("EACCES");
        expect(tab.errors).toEqual([]);
    } finally {
        await viewerBrowser.close();
    }
});
