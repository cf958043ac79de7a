// The Snapshots card against the real stack: snapshots of a shut-off and a running VM show up in
// `virsh snapshot-list --tree`, a revert brings back a qcow2 disk's content (checked with qemu-io), deleting a
// parent keeps its child, and a VM with a raw disk is told why before it clicks and offered a disk-only
// external snapshot instead.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Locator } from "playwright-core";
import { displayNameText } from "../../src/core/display-name";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { run } from "../support/exec";
import { startPageSession, type PageSession } from "../support/session";
import {
    defineTinyVm, removeVm, TEST_IMAGE_DIR, TEST_PREFIX, virsh, virshOn, waitForState, xmlEscape, type TestVm,
} from "../support/virsh";
import { waitFor } from "../support/wait";

const OFF = `${TEST_PREFIX}snap-off "ü" #1`;
const RUNNING = `${TEST_PREFIX}snap-running`;
const RAW = `${TEST_PREFIX}snap-raw`;
const RAW_DISK = join(TEST_IMAGE_DIR, "snap raw.img");
// Characters libvirt accepts in snapshot names and a page could mangle: quotes, $(...), #, ?, %, unicode, RTL mark.
const BASE = `base "one" $(id) #?% ü \u200F`;
const CHILD = "child";

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;
let off: TestVm;

async function snapshotTree(vm: string): Promise<string> {
    return (await virshOn("snapshot-list", vm, "--tree")).trim();
}

async function snapshotNames(vm: string): Promise<string[]> {
    return (await virshOn("snapshot-list", vm, "--name")).split("\n").filter(line => line !== "");
}

async function snapshotInfo(vm: string, snapshot: string): Promise<Record<string, string>> {
    const out = await virsh("snapshot-info", "--domain", vm, "--snapshotname", snapshot);
    return Object.fromEntries(out.split("\n").filter(l => l.includes(":"))
        .map(l => [l.slice(0, l.indexOf(":")).trim(), l.slice(l.indexOf(":") + 1).trim()]));
}

async function qemuIo(disk: string, command: string): Promise<string> {
    // The VM is shut off, so nothing holds the image; reads open it read-only.
    return run("qemu-io", ["-f", "qcow2", ...(command.startsWith("read") ? ["-r"] : []), "-c", command, disk]);
}

async function openVm(name: string): Promise<void> {
    await tab.page.goto(`${cockpit.pageAloneUrl}#/vm/${encodeURIComponent(name)}`);
    await tab.page.locator("#kvm-snapshots").waitFor({ timeout: 30_000 });
    await tab.page.locator("#kvm-snapshots-none, #kvm-snapshots tbody tr").first().waitFor({ timeout: 30_000 });
}

function row(name: string): Locator {
    return tab.page.locator(`#kvm-snapshots tbody tr[data-snapshot="${name.replace(/["\\]/g, c => `\\${c}`)}"]`);
}

async function createFromPage({ name, description, memory }: { name?: string; description?: string; memory?: boolean } = {}): Promise<string> {
    const { page } = tab;
    await page.locator("#kvm-snapshot-create-open:not([disabled])").click();
    const dialog = page.locator("#kvm-snapshot-create");
    await dialog.waitFor();
    if (name !== undefined) await page.locator("#kvm-snapshot-name").fill(name);
    if (description !== undefined) await page.locator("#kvm-snapshot-description").fill(description);
    if (memory !== undefined) await page.locator("#kvm-snapshot-memory").setChecked(memory);
    const chosen = await page.locator("#kvm-snapshot-name").inputValue();
    await page.locator("#kvm-snapshot-create-confirm").click();
    await dialog.waitFor({ state: "detached" });
    await row(chosen).waitFor({ timeout: 120_000 });
    return chosen;
}

beforeAll(async () => {
    mkdirSync(TEST_IMAGE_DIR, { recursive: true });
    for (const vm of [OFF, RUNNING, RAW]) await removeVm(vm);
    off = await defineTinyVm({ name: OFF, disks: 1 });
    await defineTinyVm({ name: RUNNING, disks: 1, start: true });
    await run("qemu-img", ["create", "-q", "-f", "raw", RAW_DISK, "16M"]);
    const xmlFile = join(TEST_IMAGE_DIR, "snap-raw.xml");
    writeFileSync(xmlFile, `<domain type='qemu'><name>${RAW}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${xmlEscape(RAW_DISK)}'/><target dev='vda' bus='virtio'/></disk></devices>
</domain>`);
    try {
        await virsh("define", "--file", xmlFile);
    } finally {
        rmSync(xmlFile, { force: true });
    }
    session = await startPageSession();
    ({ cockpit, tab } = session);
});

afterAll(async () => {
    await session?.close();
    // The disk-only snapshot left an overlay as the raw VM's disk: removeVm deletes it, the raw base is ours.
    for (const vm of [OFF, RUNNING, RAW]) await removeVm(vm);
    rmSync(RAW_DISK, { force: true });
});

test("shut-off VM: snapshots made on the page form virsh's tree; revert restores the disk; deleting the parent keeps the child", async () => {
    const disk = off.disks[0];
    await qemuIo(disk, "write -P 0x41 0 64k");
    await openVm(OFF);
    await createFromPage({ name: BASE, description: "marker A <written>" });
    await qemuIo(disk, "write -P 0x42 0 64k");
    await createFromPage({ name: CHILD });

    expect(await snapshotTree(OFF)).toBe(`${BASE}\n  |\n  +- ${CHILD}`);
    expect(await snapshotInfo(OFF, BASE)).toMatchObject({ State: "shutoff", Current: "no" });
    expect(await snapshotInfo(OFF, CHILD)).toMatchObject({ State: "shutoff", Current: "yes", Parent: BASE });
    expect(await row(BASE).getAttribute("data-depth")).toBe("0");
    expect(await row(CHILD).getAttribute("data-depth")).toBe("1");
    expect(await row(CHILD).getAttribute("data-current")).toBe("true");
    const cells = await row(BASE).locator("td").allInnerTexts();
    expect(cells[0]).toBe(displayNameText(BASE));
    expect(cells[1]).toBe("marker A <written>");
    expect(cells[3]).toBe("Shut off");
    await screenshot(tab.page, "snapshots-card-light");

    await qemuIo(disk, "write -P 0x43 0 64k");
    await row(BASE).locator("[data-action=revert]").click();
    const revert = tab.page.locator("#kvm-snapshot-revert");
    // The names show their invisible characters as markers (BASE ends in a right-to-left mark).
    expect(await revert.innerText()).toContain(`${displayNameText(OFF)} goes back to snapshot “${displayNameText(BASE)}”`);
    expect(await revert.innerText()).toContain("is lost");
    await screenshot(tab.page, "snapshots-revert-dialog");
    await tab.page.locator("#kvm-snapshot-revert-saved").check();
    await tab.page.locator("#kvm-snapshot-revert-confirm").click();
    await waitFor(async () => (await row(BASE).getAttribute("data-current")) === "true", { message: "base to become current" });
    expect(await virsh("domstate", "--domain", OFF)).toContain("shut off");
    // read -P fails (and names the offset) if any byte differs from the pattern.
    expect(await qemuIo(disk, "read -P 0x41 0 64k")).toContain("read 65536/65536 bytes");

    await row(BASE).locator("[data-action=delete]").click();
    const confirm = tab.page.locator("[role=dialog]");
    expect(await confirm.innerText()).toContain(`Snapshot “${displayNameText(BASE)}” of ${displayNameText(OFF)} is deleted. Its child snapshots are kept`);
    await confirm.locator("button.pf-m-danger").click();
    await row(BASE).waitFor({ state: "detached", timeout: 60_000 });
    expect(await snapshotNames(OFF)).toEqual([CHILD]);
    expect(await snapshotTree(OFF)).toBe(CHILD);
    expect(await row(CHILD).getAttribute("data-depth")).toBe("0");
    // Deleting the current snapshot's parent does not touch the disk.
    expect(await qemuIo(disk, "read -P 0x41 0 64k")).toContain("read 65536/65536 bytes");
});

test("name rules are checked as the user types", async () => {
    await openVm(OFF);
    await tab.page.locator("#kvm-snapshot-create-open:not([disabled])").click();
    const name = tab.page.locator("#kvm-snapshot-name");
    expect(await name.inputValue()).toMatch(/^snapshot-\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d$/);
    for (const [value, message] of [
        ["a/b", "cannot contain “/”"], [CHILD, "already has a snapshot with this name"], ["", "Enter a name"], [" x", "start or end with a space"],
    ]) {
        await name.fill(value);
        expect(await tab.page.locator("#kvm-snapshot-name-error").innerText()).toContain(message);
        expect(await tab.page.locator("#kvm-snapshot-create-confirm").isDisabled()).toBe(true);
    }
    await tab.page.locator("#kvm-snapshot-create button.pf-m-link").click();
    expect(await snapshotNames(OFF)).toEqual([CHILD]);
});

test("running VM: a snapshot with memory state, then start after revert", async () => {
    await openVm(RUNNING);
    await waitFor(async () => (await tab.page.locator("#kvm-overview-state").innerText()).includes("Running"));
    const name = await createFromPage({ description: "with memory", memory: true });
    expect(await snapshotTree(RUNNING)).toBe(name);
    expect(await snapshotInfo(RUNNING, name)).toMatchObject({ State: "running", Current: "yes", Location: "internal" });
    expect((await row(name).locator("td").allInnerTexts())[3]).toBe("Running");

    await virsh("destroy", "--domain", RUNNING);
    await waitForState(RUNNING, "shut off");
    await row(name).locator("[data-action=revert]").click();
    await tab.page.locator("#kvm-snapshot-revert-start").check();
    await tab.page.locator("#kvm-snapshot-revert-confirm").click();
    await waitForState(RUNNING, "running", 120_000);
    await tab.page.locator("#kvm-snapshots-pending").waitFor({ state: "detached", timeout: 120_000 });
    expect(await tab.page.locator("#kvm-snapshots-failure").count()).toBe(0);
});

test("raw disk: the dialog says why before the click and offers a disk-only external snapshot", async () => {
    await openVm(RAW);
    await tab.page.locator("#kvm-snapshot-create-open:not([disabled])").click();
    const why = tab.page.locator("#kvm-snapshot-internal-impossible");
    await why.waitFor();
    expect(await why.innerText()).toContain("Disk vda is raw, not qcow2.");
    expect(await why.innerText()).toContain("disk-only external snapshot is possible");
    expect(await tab.page.locator("#kvm-snapshot-kind-internal").isDisabled()).toBe(true);
    expect(await tab.page.locator("#kvm-snapshot-kind-external").isChecked()).toBe(true);
    await screenshot(tab.page, "snapshots-create-raw-light");

    await tab.page.locator("#kvm-snapshot-create button.pf-m-link").click();
    await tab.page.evaluate(() => localStorage.setItem("shell:style", "dark"));
    await tab.page.reload();
    await tab.page.locator("#kvm-snapshots-none").waitFor({ timeout: 30_000 });
    expect(await tab.page.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(true);
    await tab.page.locator("#kvm-snapshot-create-open:not([disabled])").click();
    await tab.page.locator("#kvm-snapshot-internal-impossible").waitFor();
    await screenshot(tab.page, "snapshots-create-raw-dark");
    await tab.page.locator("#kvm-snapshot-create button.pf-m-link").click();

    const name = await createFromPage({ name: "disk only" });
    expect(await tab.page.locator("#kvm-snapshots-failure").count()).toBe(0);
    expect(await snapshotInfo(RAW, name)).toMatchObject({ State: "shutoff", Location: "external" });
    // The raw image stays as it was; the VM now writes to a qcow2 overlay next to it.
    const source = (await virshOn("domblklist", RAW)).split("\n").find(line => line.trim().startsWith("vda"))?.trim().slice(3).trim();
    expect(source).not.toBe(RAW_DISK);
    expect(source?.startsWith(`${TEST_IMAGE_DIR}/`)).toBe(true);
    expect(await row(name).locator("[data-action=revert]").getAttribute("aria-disabled")).toBe("true");
    await screenshot(tab.page, "snapshots-card-dark");
    await tab.page.evaluate(() => localStorage.removeItem("shell:style"));
});
