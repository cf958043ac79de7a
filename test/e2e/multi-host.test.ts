// KVM Manager on a second host chosen in Cockpit 287's host switcher. The second host is an sshd on
// 127.0.0.2 (test/host/second-host.sh) in front of this same machine's libvirtd; the shell at
// /@127.0.0.2/kvm-manager loads the page from the bridge that sshd runs, and routes every channel of the
// page's frame to host 127.0.0.2, which the local bridge hands to cockpit-ssh. The tests check that the
// list, an action, the details page and its history work there, and that the page's libvirt and helper
// channels went to the second host (a page that opened them on localhost would pass the rest).
import type { Frame, Locator } from "playwright-core";
import { launchBrowser, screenshot, type TestBrowser, type TestPage } from "../support/browser";
import { run } from "../support/exec";
import {
    recordOpenedChannels, sshPath, startCockpitWithSecondHost, startSecondHost, stopSecondHost, type OpenedChannel,
    type RemoteCockpit, type SecondHost,
} from "../support/remote-host";
import { defineTinyVm, domState, removeVm, TEST_PREFIX, waitForState } from "../support/virsh";
import { waitFor } from "../support/wait";
import { cssString } from "../support/pages/vm-list";

// No '#' in the name: Cockpit 287's cockpit.location writes it into the URL unencoded, which cuts the path
// there (a bug of the page on every host, reported separately).
const VM = `${TEST_PREFIX}multihost 'ü' $(x)`;

let host: SecondHost;
let remote: RemoteCockpit;
let browser: TestBrowser;
let tab: TestPage;
let opened: OpenedChannel[];

/** The history as the collector stored it: how many buckets of the last hour have a CPU figure. */
async function cpuBucketsInLastHour(): Promise<number> {
    const response = JSON.parse(await run("kvm-manager-history", [`--vm=${VM}`, "--range", "1h", "--json"])) as
        { series: { cpuPercent: { avg: (number | null)[] } } };
    return response.series.cpuPercent.avg.filter(value => value !== null).length;
}

beforeAll(async () => {
    await removeVm(VM);
    await defineTinyVm({ name: VM, start: true });
    // The second host is this machine, so the collector runs here; a CPU figure needs two ticks.
    await waitFor(async () => {
        await run("kvm-manager-collect", ["--once"]);
        return (await cpuBucketsInLastHour()) > 0;
    }, { timeoutMs: 60_000, intervalMs: 1500, message: "the collector's first CPU figure" });

    host = await startSecondHost();
    remote = await startCockpitWithSecondHost(host);
    browser = await launchBrowser();
    tab = await browser.newPage();
    opened = recordOpenedChannels(tab.page);
});

afterAll(async () => {
    await browser?.close();
    await remote?.stop();
    await stopSecondHost();
    await removeVm(VM);
});

/** The shell's frame of KVM Manager for the second host ("cockpit1:HOST/PAGE"). */
async function pageFrame(): Promise<Frame> {
    const name = `cockpit1:${host.address}/kvm-manager`;
    return waitFor(() => tab.page.frame({ name }), { timeoutMs: 30_000, message: `the shell's frame ${name}` });
}

function vmRow(frame: Frame, name: string): Locator {
    return frame.locator(`#kvm-vm-table tbody tr[data-vm-name=${cssString(name)}]`);
}

async function waitForRowState(frame: Frame, name: string, state: string): Promise<void> {
    await frame.locator(`#kvm-vm-table tbody tr[data-vm-name=${cssString(name)}][data-state=${cssString(state)}]`)
        .waitFor({ timeout: 30_000 });
}

async function runRowAction(frame: Frame, name: string, action: string): Promise<void> {
    await vmRow(frame, name).locator(".kvm-row-actions").click();
    await frame.locator(`[data-action=${cssString(action)}]`).click();
}

/** The hosts that the page's channels of one kind were opened on. */
function hostsOf(match: (channel: OpenedChannel) => boolean): string[] {
    return opened.filter(match).map(channel => channel.host ?? "(none)");
}

const isLibvirt = (channel: OpenedChannel): boolean => channel.name === "org.libvirt";
const isHelper = (channel: OpenedChannel): boolean =>
    Array.isArray(channel.spawn) && typeof channel.spawn[0] === "string" && channel.spawn[0].startsWith("kvm-manager-");

test("the list on the second host comes through the ssh connection", async () => {
    await tab.page.goto(remote.shellUrl);
    const frame = await pageFrame();
    await waitForRowState(frame, VM, "running");
    await frame.locator(`#kvm-vm-table tr[data-vm-name=${cssString(VM)}] .kvm-cpu-cell .kvm-usage`).waitFor({ timeout: 30_000 });
    // The host switcher names the second host.
    await expect(tab.page.locator("#host-toggle").innerText()).resolves.toContain(host.address);

    const libvirtHosts = hostsOf(isLibvirt);
    expect(libvirtHosts.length).toBeGreaterThan(0);
    expect(new Set(libvirtHosts)).toEqual(new Set([host.address]));
    const path = await sshPath(host);
    expect(path.cockpitSsh.length).toBeGreaterThan(0);
    expect(path.remoteBridges.length).toBeGreaterThan(0);
    await screenshot(tab.page, "multi-host-list");
});

test("force off and start from the second host's page change the VM", async () => {
    const frame = await pageFrame();
    await runRowAction(frame, VM, "forceOff");
    const dialog = frame.getByRole("dialog");
    await expect(dialog.innerText()).resolves.toContain(`Force off ${VM}?`);
    expect(await domState(VM)).toBe("running");
    await dialog.getByRole("button", { name: "Force off" }).click();
    await waitForState(VM, "shut off");
    await waitForRowState(frame, VM, "shut-off");

    await runRowAction(frame, VM, "start");
    await waitForState(VM, "running");
    await waitForRowState(frame, VM, "running");
});

test("the details page and its history come from the second host", async () => {
    const frame = await pageFrame();
    await vmRow(frame, VM).locator(".kvm-name-link").click();
    await frame.locator("#kvm-history").waitFor({ timeout: 30_000 });
    // The shell keeps the host and the page's own path in the address bar.
    await waitFor(() => decodeURIComponent(tab.page.url()).includes(`/@${host.address}/kvm-manager#/vm/${VM}`),
        { timeoutMs: 10_000, message: () => `the shell's URL for the details page (now ${tab.page.url()})` });

    await frame.locator("#kvm-range-24h").click();
    await frame.locator("#kvm-history[data-range='24h'][data-state='ready'] #kvm-chart-cpu").waitFor({ timeout: 30_000 });
    await frame.waitForFunction(() => Number(document.querySelector("#kvm-chart-cpu")?.getAttribute("data-values")) > 0,
        undefined, { timeout: 10_000 });
    await frame.locator("#kvm-history").scrollIntoViewIfNeeded();
    await screenshot(tab.page, "multi-host-history-24h");

    const helperHosts = hostsOf(isHelper);
    expect(helperHosts.length).toBeGreaterThan(0);
    expect(new Set(helperHosts)).toEqual(new Set([host.address]));
    expect(new Set(hostsOf(isLibvirt))).toEqual(new Set([host.address]));
    expect(tab.errors).toEqual([]);
});

test("when the second host goes away the shell says so, and Reconnect brings the page back", async () => {
    await stopSecondHost();
    await tab.page.getByText("Not connected to host").waitFor({ timeout: 30_000 });
    expect(tab.page.frame({ name: `cockpit1:${host.address}/kvm-manager` })).toBeNull();

    host = await startSecondHost();
    await tab.page.getByRole("button", { name: "Reconnect" }).click();
    // The shell reopens the page where it was: the details page of the VM.
    const frame = await pageFrame();
    await frame.locator(`#kvm-vm-details[data-vm-name=${cssString(VM)}]`).waitFor({ timeout: 30_000 });
    expect((await sshPath(host)).remoteBridges.length).toBeGreaterThan(0);
    await screenshot(tab.page, "multi-host-reconnected");
    expect(tab.errors).toEqual([]);
});
