// The Networks page against the real stack (libvirtd with dnsmasq): a network created from the page is
// what `virsh net-dumpxml` and `net-info` show; stop, start and autostart follow; overlapping subnets,
// host addresses and bad DHCP ranges are refused with their reason before libvirt is asked; deleting a
// network a running VM uses is refused naming the VM; the DHCP lease a real guest (iPXE) obtains is shown.
import type { Locator } from "playwright-core";
import { parseNetworkXml } from "../../src/core/network/network-xml";
import { assertNoSeriousAxeViolations } from "../support/axe";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";
import { removeVm, TEST_PREFIX, virsh, virshOn } from "../support/virsh";
import { defineDhcpClientVm, defineTestNetwork, netInfo, networkNames, removeTestNetworks } from "../support/virsh-networks";
import { waitFor } from "../support/wait";

const PREFIX = `${TEST_PREFIX}nw-`;
// Quotes, unicode, $(...) and a "#" (not after a space: see networkNameProblem).
const LAB = `${PREFIX}lab "ü" $(id)#1`;
const ISO = `${PREFIX}iso`;
const VM = `${PREFIX}client`;
const MAC = "52:54:00:4e:77:01";

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

const quoted = (name: string) => name.replace(/["\\]/g, c => `\\${c}`);
const row = (name: string): Locator => tab.page.locator(`#kvm-networks-table tbody tr[data-network="${quoted(name)}"]`);

// A fresh load each time (a goto that only changes the hash would keep the page and any open dialog).
async function openList(): Promise<void> {
    await tab.page.goto("about:blank");
    await tab.page.goto(`${cockpit.pageAloneUrl}#/networks`);
    await tab.page.locator("#kvm-networks-table, #kvm-networks-empty").first().waitFor({ timeout: 30_000 });
}

async function openCreateDialog(): Promise<void> {
    await tab.page.locator("#kvm-network-create-open:not([disabled])").click();
    await tab.page.locator("#kvm-network-create").waitFor();
    // The host's addresses are read first; the dialog then proposes a free subnet.
    await waitFor(async () => (await tab.page.locator("#kvm-network-address").inputValue()) !== "", { message: "a proposed address" });
}

async function fill(id: string, value: string): Promise<void> {
    const input = tab.page.locator(`#${id}`);
    await input.fill(value);
    await input.blur();
}

beforeAll(async () => {
    await removeVm(VM);
    await removeTestNetworks(PREFIX);
    session = await startPageSession({ bypassCSP: true });
    ({ cockpit, tab } = session);
    await tab.page.setViewportSize({ width: 1280, height: 800 });
});

afterAll(async () => {
    await session?.close();
    await removeVm(VM);
    await removeTestNetworks(PREFIX);
});

test("a NAT network created on the page is what virsh net-dumpxml and net-info show", async () => {
    await openList();
    await openCreateDialog();
    await fill("kvm-network-name", LAB);
    await tab.page.locator("#kvm-network-mode-nat").check();
    await fill("kvm-network-bridge", "virbr-kvmmt1");
    await fill("kvm-network-address", "10.213.1.1");
    await fill("kvm-network-prefix", "24");
    await fill("kvm-network-dhcp-start", "10.213.1.100");
    await fill("kvm-network-dhcp-end", "10.213.1.200");
    await tab.page.locator("#kvm-network-create-confirm").click();
    await tab.page.locator("#kvm-network-create").waitFor({ state: "detached", timeout: 30_000 });
    await row(LAB).and(tab.page.locator("[data-active=true]")).waitFor();

    expect(parseNetworkXml(await virsh("net-dumpxml", "--network", LAB))).toMatchObject({
        name: LAB, forwardMode: "nat", bridge: "virbr-kvmmt1",
        ipv4: { address: "10.213.1.1", prefix: 24, dhcpRange: { start: "10.213.1.100", end: "10.213.1.200" } },
    });
    expect(await netInfo(LAB)).toMatchObject({ Active: "yes", Persistent: "yes", Autostart: "yes", Bridge: "virbr-kvmmt1" });
    expect(await row(LAB).locator(".kvm-network-mode").innerText()).toBe("NAT");
    expect(await row(LAB).locator(".kvm-network-ipv4").innerText()).toBe("10.213.1.1/24");
    expect(await row(LAB).locator(".kvm-network-dhcp").innerText()).toBe("10.213.1.100 – 10.213.1.200");
    expect(await row(LAB).locator(".kvm-network-vms").getAttribute("data-count")).toBe("0");
    await assertNoSeriousAxeViolations(tab.page, "the Networks page");
});

test("overlaps with a network or a host address, bad ranges and names are refused with their reason", async () => {
    const { page } = tab;
    await openCreateDialog();
    const bad = `${PREFIX}bad #1`;
    await fill("kvm-network-name", bad);
    expect(await page.locator("#kvm-network-name-error").innerText()).toContain("“#” right after a space");

    await fill("kvm-network-address", "10.213.1.129");
    await fill("kvm-network-prefix", "25");
    await fill("kvm-network-dhcp-start", "10.213.1.130");
    await fill("kvm-network-dhcp-end", "10.213.1.140");
    expect(await page.locator("#kvm-network-overlap").innerText()).toContain(`Overlaps network ${LAB} (10.213.1.0/24).`);

    await fill("kvm-network-address", "127.0.0.5");
    await fill("kvm-network-prefix", "8");
    expect(await page.locator("#kvm-network-overlap").innerText()).toContain("Overlaps the host's address 127.0.0.1/8 on lo.");

    await fill("kvm-network-address", "10.213.3.1");
    await fill("kvm-network-prefix", "24");
    await fill("kvm-network-dhcp-start", "10.213.4.10");
    await fill("kvm-network-dhcp-end", "10.213.3.20");
    expect(await page.locator("#kvm-network-overlap").count()).toBe(0);
    expect(await page.locator("#kvm-network-dhcp-start-error").innerText()).toContain("Outside the network's subnet 10.213.3.0/24.");
    await fill("kvm-network-dhcp-start", "10.213.3.200");
    expect(await page.locator("#kvm-network-dhcp-end-error").innerText()).toContain("The range ends before it starts.");
    await fill("kvm-network-prefix", "32");
    expect(await page.locator("#kvm-network-prefix-error").innerText()).toContain("Use a prefix from /8 to /30");
    await screenshot(page, "networks-create-refused");
    await assertNoSeriousAxeViolations(page, "the create network dialog with problems");

    await page.locator("#kvm-network-create-confirm").click();
    await expect(page.locator("#kvm-network-create").isVisible()).resolves.toBe(true);
    expect((await networkNames()).filter(n => n.startsWith(PREFIX))).toEqual([LAB]);
    await page.locator("#kvm-network-create button", { hasText: "Cancel" }).click();
    await page.locator("#kvm-network-create").waitFor({ state: "detached" });
});

test("libvirt's own refusal is shown with its message: a bridge name another network uses", async () => {
    const { page } = tab;
    await openList();
    await openCreateDialog();
    const duplicate = `${PREFIX}dup`;
    await fill("kvm-network-name", duplicate);
    await fill("kvm-network-bridge", "virbr-kvmmt1");
    await fill("kvm-network-address", "10.213.9.1");
    await fill("kvm-network-dhcp-start", "10.213.9.10");
    await fill("kvm-network-dhcp-end", "10.213.9.20");
    await page.locator("#kvm-network-create-confirm").click();
    const failure = page.locator("#kvm-network-create-failure");
    await failure.waitFor();
    expect(await failure.innerText()).toContain(`Network ${duplicate} could not be created`);
    expect(await failure.innerText()).toContain("bridge name 'virbr-kvmmt1' already in use");
    expect(await networkNames()).not.toContain(duplicate);
    await page.locator("#kvm-network-create button", { hasText: "Cancel" }).click();
    await page.locator("#kvm-network-create").waitFor({ state: "detached" });
});

test("a network defined elsewhere appears by its event; stop, start and autostart match net-info", async () => {
    await openList();
    await defineTestNetwork({ name: ISO, bridge: "virbr-kvmmt2", subnet: 2 });
    const iso = row(ISO);
    await iso.and(tab.page.locator("[data-active=true]")).waitFor();
    expect(await iso.locator(".kvm-network-mode").innerText()).toBe("Isolated");

    await iso.locator("[data-action=stop]").click();
    await iso.and(tab.page.locator("[data-active=false]")).waitFor();
    expect((await netInfo(ISO)).Active).toBe("no");
    await iso.locator("[data-action=start]").click();
    await iso.and(tab.page.locator("[data-active=true]")).waitFor();
    expect((await netInfo(ISO)).Active).toBe("yes");

    expect((await netInfo(ISO)).Autostart).toBe("no");
    await iso.locator(".kvm-network-autostart input").click({ force: true });
    await waitFor(async () => (await netInfo(ISO)).Autostart === "yes", { message: "autostart on in net-info" });
    await iso.locator(".kvm-network-autostart input:checked").waitFor({ state: "attached" });
    await iso.locator(".kvm-network-autostart input").click({ force: true });
    await waitFor(async () => (await netInfo(ISO)).Autostart === "no", { message: "autostart off in net-info" });
});

test("a running VM on the network is counted, blocks deletion by name, and its DHCP lease is listed", async () => {
    const { page } = tab;
    await openList();
    await defineDhcpClientVm({ name: VM, network: LAB, mac: MAC });
    await waitFor(async () => await row(LAB).locator(".kvm-network-vms").getAttribute("data-count") === "1", { message: "one VM counted" });
    expect(await row(LAB).locator(".kvm-network-vms").innerText()).toBe("1 VM (1 running)");

    await row(LAB).locator("[data-action=delete]").click();
    const refused = page.locator("#kvm-network-delete-refused");
    await refused.waitFor();
    expect(await refused.innerText()).toContain(VM);
    expect(await page.locator("#kvm-network-confirm-button").count()).toBe(0);
    await screenshot(page, "networks-delete-refused");
    await page.locator("#kvm-network-confirm-close").click();
    expect((await netInfo(LAB)).Active).toBe("yes");

    // Stopping is allowed, but only after the running VMs that lose their connection are named.
    await row(LAB).locator("[data-action=stop]").click();
    expect(await page.locator("#kvm-network-confirm").innerText()).toContain(VM);
    await page.locator("#kvm-network-confirm button", { hasText: "Cancel" }).click();
    await page.locator("#kvm-network-confirm").waitFor({ state: "detached" });
    expect((await netInfo(LAB)).Active).toBe("yes");

    await row(LAB).locator(".kvm-name-link").click();
    await page.locator("#kvm-network-details").waitFor();
    expect(await page.locator(`#kvm-network-vms [data-vm="${quoted(VM)}"]`).innerText()).toContain("running");
    // iPXE asks for an address a few seconds after the VM starts; leases send no event, so refresh.
    const lease = page.locator(`#kvm-network-leases tbody tr[data-mac="${MAC}"]`);
    await waitFor(async () => {
        if (await lease.count() > 0) return true;
        await page.locator("#kvm-network-leases-refresh").click();
        return false;
    }, { timeoutMs: 90_000, intervalMs: 2000, message: "the guest's DHCP lease on the page" });
    const virshLease = (await virsh("net-dhcp-leases", "--network", LAB)).split("\n").find(line => line.includes(MAC)) ?? "";
    const address = virshLease.match(/(10\.213\.1\.\d+\/24)/)?.[1];
    expect(address).toBeDefined();
    expect(await lease.locator("td").first().innerText()).toBe(address);
    await assertNoSeriousAxeViolations(page, "a network's details page");
    await screenshot(page, "network-details-lease");
});

test("list screenshots, light and dark", async () => {
    await openList();
    await row(LAB).locator(".kvm-network-vms[data-count='1']").waitFor();
    await screenshot(tab.page, "networks-light");
    await tab.page.evaluate(() => localStorage.setItem("shell:style", "dark"));
    await openList();
    await row(LAB).locator(".kvm-network-vms[data-count='1']").waitFor();
    expect(await tab.page.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(true);
    await screenshot(tab.page, "networks-dark");
    await tab.page.evaluate(() => localStorage.removeItem("shell:style"));
});

test("deleting: a network without VMs goes at once after confirming; one with a shut-off VM names it first", async () => {
    const { page } = tab;
    await openList();
    await row(ISO).locator("[data-action=delete]").click();
    await page.locator("#kvm-network-confirm-button").click();
    await row(ISO).waitFor({ state: "detached" });
    expect(await networkNames()).not.toContain(ISO);

    await virshOn("destroy", VM);
    await waitFor(async () => (await row(LAB).locator(".kvm-network-vms").innerText()) === "1 VM (0 running)", { message: "the VM counted as shut off" });
    await row(LAB).locator("[data-action=delete]").click();
    expect(await page.locator("#kvm-network-delete-stopped-vms").innerText()).toContain(VM);
    await page.locator("#kvm-network-confirm-button").click();
    await row(LAB).waitFor({ state: "detached" });
    expect(await networkNames()).not.toContain(LAB);
    expect(await networkNames()).toContain("default");
});
