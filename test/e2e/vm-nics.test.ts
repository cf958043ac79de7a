// A VM's network interfaces card against the real stack: add (network or bridge, model, MAC), link
// down and up, change of source and removal, on a running guest (live and saved definition) and a
// shut-off VM (saved definition only), each checked with virsh domiflist and domif-getlink. MAC
// addresses in use or multicast are refused before libvirt is asked.
import type { Locator } from "playwright-core";
import { assertNoSeriousAxeViolations } from "../support/axe";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";
import { defineGuestVm, defineTinyVm, removeVm, TEST_PREFIX, virshOn, waitGuestReady } from "../support/virsh";
import { defineTestNetwork, removeTestNetworks } from "../support/virsh-networks";
import { waitFor } from "../support/wait";

const PREFIX = `${TEST_PREFIX}nic-`;
const NET_A = `${PREFIX}a`;
const NET_B = `${PREFIX}b`;
const BRIDGE_A = "virbr-kvmmt3";
const RUNNING = `${PREFIX}running "ü"`;
const OFF = `${PREFIX}off`;
const MAC = "52:54:00:4e:88:01";

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

interface IfaceLine {
    type: string;
    source: string;
    model: string;
    mac: string;
}

// `virsh domiflist`: Interface Type Source Model MAC (test sources have no spaces).
async function domiflist(vm: string, inactive = false): Promise<IfaceLine[]> {
    const out = await virshOn("domiflist", vm, ...(inactive ? ["--inactive"] : []));
    return out.trim().split("\n").slice(2).filter(line => line.trim() !== "").map(line => {
        const [, type, source, model, mac] = line.trim().split(/\s+/);
        return { type, source, model, mac };
    });
}

async function linkState(vm: string, mac: string, config = false): Promise<string | undefined> {
    const out = await virshOn("domif-getlink", vm, "--interface", mac, ...(config ? ["--config"] : []));
    return out.trim().match(/\b(up|down)$/)?.[1];
}

function nicRow(mac: string): Locator {
    return tab.page.locator(`#kvm-interfaces tbody tr[data-mac="${mac}"]`);
}

async function openVm(name: string): Promise<void> {
    await tab.page.goto("about:blank");
    await tab.page.goto(`${cockpit.pageAloneUrl}#/vm/${encodeURIComponent(name)}`);
    await tab.page.locator("#kvm-interfaces").waitFor({ timeout: 30_000 });
    await tab.page.locator("#kvm-nic-add-open:not([disabled])").waitFor({ timeout: 30_000 });
}

async function openAddDialog(): Promise<void> {
    await tab.page.locator("#kvm-nic-add-open").click();
    await tab.page.locator("#kvm-nic-form").waitFor();
}

async function confirmDialog(): Promise<void> {
    await tab.page.locator("#kvm-nic-dialog-confirm").click();
    await tab.page.locator("#kvm-nic-dialog").waitFor({ state: "detached" });
    await tab.page.locator("#kvm-nic-pending").waitFor({ state: "detached", timeout: 60_000 });
    expect(await tab.page.locator("#kvm-nic-failure").count()).toBe(0);
}

beforeAll(async () => {
    for (const vm of [RUNNING, OFF]) await removeVm(vm);
    await removeTestNetworks(PREFIX);
    await defineTestNetwork({ name: NET_A, bridge: BRIDGE_A, subnet: 3 });
    await defineTestNetwork({ name: NET_B, bridge: "virbr-kvmmt4", subnet: 4 });
    // The OS guest answers a hot-unplug request (ACPI PCI hot-plug), so a live removal completes.
    await defineGuestVm({ name: RUNNING, start: true });
    await defineTinyVm({ name: OFF });
    await waitGuestReady(RUNNING);
    session = await startPageSession({ bypassCSP: true });
    ({ cockpit, tab } = session);
    await tab.page.setViewportSize({ width: 1280, height: 900 });
});

afterAll(async () => {
    await session?.close();
    for (const vm of [RUNNING, OFF]) await removeVm(vm);
    await removeTestNetworks(PREFIX);
});

test("running VM: a NIC added on a network is in the live and the saved definition", async () => {
    const { page } = tab;
    await openVm(RUNNING);
    await page.locator("#kvm-nic-none").waitFor();
    await openAddDialog();
    expect(await page.locator("#kvm-nic-scope").innerText()).toContain("running: the change applies now and is kept in its saved definition");
    await page.locator("#kvm-nic-network").selectOption(NET_A);
    await page.locator("#kvm-nic-model").selectOption("virtio");
    await page.locator("#kvm-nic-mac").fill("52-54-00-4E-88-01");
    await assertNoSeriousAxeViolations(page, "the add network interface dialog");
    await confirmDialog();
    await nicRow(MAC).waitFor();
    expect(await nicRow(MAC).locator(".kvm-nic-source").innerText()).toBe(`Network ${NET_A}`);
    expect(await domiflist(RUNNING)).toEqual([{ type: "network", source: NET_A, model: "virtio", mac: MAC }]);
    expect(await domiflist(RUNNING, true)).toEqual([{ type: "network", source: NET_A, model: "virtio", mac: MAC }]);
});

test("a MAC in use or a multicast MAC is refused with its reason", async () => {
    const { page } = tab;
    await openAddDialog();
    await page.locator("#kvm-nic-mac").fill(MAC.toUpperCase());
    expect(await page.locator("#kvm-nic-mac-error").innerText()).toContain(`Already used by virtual machine ${RUNNING}.`);
    expect(await page.locator("#kvm-nic-dialog-confirm").isDisabled()).toBe(true);
    await page.locator("#kvm-nic-mac").fill("01:00:5e:00:00:01");
    expect(await page.locator("#kvm-nic-mac-error").innerText()).toContain("multicast");
    await page.locator("#kvm-nic-mac").fill("52:54:00:zz:00:01");
    expect(await page.locator("#kvm-nic-mac-error").innerText()).toContain("hexadecimal");
    await page.locator("#kvm-nic-dialog button", { hasText: "Cancel" }).click();
    await page.locator("#kvm-nic-dialog").waitFor({ state: "detached" });
});

test("running VM: link down and up again, live and saved (domif-getlink)", async () => {
    await nicRow(MAC).locator("[data-action=link]").click();
    await nicRow(MAC).and(tab.page.locator("[data-link=down]")).waitFor();
    expect(await linkState(RUNNING, MAC)).toBe("down");
    expect(await linkState(RUNNING, MAC, true)).toBe("down");
    await nicRow(MAC).locator("[data-action=link]").click();
    await nicRow(MAC).and(tab.page.locator("[data-link=up]")).waitFor();
    expect(await linkState(RUNNING, MAC)).toBe("up");
    expect(await linkState(RUNNING, MAC, true)).toBe("up");
});

test("running VM: the source moves to another network, live and saved", async () => {
    const { page } = tab;
    await nicRow(MAC).locator("[data-action=source]").click();
    await page.locator("#kvm-nic-form").waitFor();
    expect(await page.locator("#kvm-nic-network").inputValue()).toBe(NET_A);
    await page.locator("#kvm-nic-network").selectOption(NET_B);
    await confirmDialog();
    await waitFor(async () => (await nicRow(MAC).locator(".kvm-nic-source").innerText()) === `Network ${NET_B}`, { message: "the new source on the page" });
    expect(await domiflist(RUNNING)).toEqual([{ type: "network", source: NET_B, model: "virtio", mac: MAC }]);
    expect(await domiflist(RUNNING, true)).toEqual([{ type: "network", source: NET_B, model: "virtio", mac: MAC }]);
    await screenshot(page, "vm-nics-running");
});

test("running VM: removing the NIC takes it out of both definitions once the guest lets go", async () => {
    const { page } = tab;
    await nicRow(MAC).locator("[data-action=remove]").click();
    expect(await page.locator("#kvm-confirm-dialog").innerText()).toContain(`Interface ${MAC} (Network ${NET_B}) is removed from ${RUNNING}.`);
    await page.locator("#kvm-confirm-button").click();
    await waitFor(async () => (await domiflist(RUNNING)).length === 0, { timeoutMs: 30_000, message: "the guest to release the NIC" });
    expect(await domiflist(RUNNING, true)).toEqual([]);
    await nicRow(MAC).waitFor({ state: "detached" });
});

test("shut-off VM: a bridge NIC with a generated MAC goes into the saved definition, and out again", async () => {
    const { page } = tab;
    await openVm(OFF);
    await openAddDialog();
    expect(await page.locator("#kvm-nic-scope").innerText()).toContain("shut off: the change is saved in its definition and applies from its next start");
    await page.locator("#kvm-nic-source-bridge").check();
    await page.locator("#kvm-nic-bridge").fill(BRIDGE_A);
    await page.locator("#kvm-nic-model").selectOption("e1000");
    await confirmDialog();
    const added = await waitFor(async () => {
        const list = await domiflist(OFF, true);
        return list.length === 1 ? list[0] : null;
    }, { message: "the new NIC in the saved definition" });
    expect(added).toMatchObject({ type: "bridge", source: BRIDGE_A, model: "e1000" });
    expect(added.mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    await nicRow(added.mac).waitFor();
    expect(await nicRow(added.mac).locator(".kvm-nic-source").innerText()).toBe(`Bridge ${BRIDGE_A}`);
    expect(await linkState(OFF, added.mac, true)).toBe("up");

    await nicRow(added.mac).locator("[data-action=link]").click();
    await nicRow(added.mac).and(page.locator("[data-link=down]")).waitFor();
    expect(await linkState(OFF, added.mac, true)).toBe("down");

    await nicRow(added.mac).locator("[data-action=remove]").click();
    await page.locator("#kvm-confirm-button").click();
    await nicRow(added.mac).waitFor({ state: "detached" });
    expect(await domiflist(OFF, true)).toEqual([]);
});
