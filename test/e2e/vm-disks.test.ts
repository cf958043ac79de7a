// The details page's Disks card against the real stack: a new volume hot-plugged into a running VM on
// virtio, a SATA disk that only a next boot brings (said before the click), a CD/DVD's medium ejected and
// inserted in a running VM, and a disk removed with its volume; each checked with virsh domblklist
// (running and persistent definitions) and vol-list.
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator } from "playwright-core";
import { assertNoSeriousAxeViolations } from "../support/axe";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";
import { blockList, defineDirPool, poolInfo, removeAllTestPools, volumeNames } from "../support/storage";
import { defineTinyVm, removeVm, TEST_PREFIX, virsh, waitForState, type TestVm } from "../support/virsh";
import { waitFor } from "../support/wait";

const POOL = `${TEST_PREFIX}disks-pool`;
const RUNNING = `${TEST_PREFIX}disks-running`;
const OFF = `${TEST_PREFIX}disks-off "ü"`;

let root: string;
let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;
let running: TestVm;
let off: TestVm;

function diskRow(target: string): Locator {
    return tab.page.locator(`#kvm-disks tbody tr[data-disk="${target}"]`);
}

async function openVm(name: string): Promise<void> {
    await tab.page.goto("about:blank");
    await tab.page.goto(`${cockpit.pageAloneUrl}#/vm/${encodeURIComponent(name)}`);
    await tab.page.locator("#kvm-disk-add-open:not([disabled])").waitFor({ timeout: 30_000 });
}

async function settled(): Promise<void> {
    await tab.page.locator("#kvm-disks-pending").waitFor({ state: "detached", timeout: 120_000 });
    expect(await tab.page.locator("#kvm-disks-failure").count()).toBe(0);
}

beforeAll(async () => {
    await removeAllTestPools(POOL);
    for (const vm of [RUNNING, OFF]) await removeVm(vm);
    root = mkdtempSync(join(tmpdir(), "kvmm-test-disks-"));
    // QEMU runs as libvirt-qemu and must reach the images through the directory (mkdtemp makes it 0700).
    chmodSync(root, 0o755);
    await defineDirPool(POOL, root);
    const uuid = (await poolInfo(POOL)).UUID;
    await virsh("vol-create-as", "--pool", uuid, "--name", "shared data.raw", "--capacity", "8M", "--format", "raw");
    await virsh("vol-create-as", "--pool", uuid, "--name", "install.iso", "--capacity", "1M", "--format", "raw");
    await virsh("vol-create-as", "--pool", uuid, "--name", "other.iso", "--capacity", "1M", "--format", "raw");
    running = await defineTinyVm({ name: RUNNING, disks: 1, start: true });
    off = await defineTinyVm({ name: OFF, disks: 1 });
    session = await startPageSession({ bypassCSP: true });
    ({ cockpit, tab } = session);
});

afterAll(async () => {
    await session?.close();
    for (const vm of [RUNNING, OFF]) await removeVm(vm);
    await removeAllTestPools(POOL);
    rmSync(root, { recursive: true, force: true });
});

test("running VM: a new virtio volume is hot-plugged now; a SATA disk is added for the next boot, as the dialog says", async () => {
    await openVm(RUNNING);
    await tab.page.locator("#kvm-disk-add-open").click();
    await tab.page.locator("#kvm-disk-pool").selectOption({ label: POOL });
    await tab.page.locator("#kvm-disk-name").fill("hot plugged.qcow2");
    await tab.page.locator("#kvm-disk-size").fill("16");
    await tab.page.locator("#kvm-disk-size-unit").selectOption("MiB");
    expect(await tab.page.locator("#kvm-disk-timing").innerText()).toContain("plugged into the running virtual machine now");
    await tab.page.locator("#kvm-disk-add-confirm").click();
    await diskRow("vdb").waitFor({ timeout: 60_000 });
    await settled();
    const hot = join(root, "hot plugged.qcow2");
    expect((await blockList(running.uuid)).vdb).toBe(hot);
    expect((await blockList(running.uuid, { inactive: true })).vdb).toBe(hot);
    expect(await volumeNames(POOL)).toContain("hot plugged.qcow2");
    expect(await virsh("vol-dumpxml", "--pool", (await poolInfo(POOL)).UUID, "--vol", "hot plugged.qcow2")).toContain("<format type='qcow2'/>");

    await tab.page.locator("#kvm-disk-add-open:not([disabled])").click();
    await tab.page.locator("#kvm-disk-source-volume").check();
    await tab.page.locator("#kvm-disk-pool").selectOption({ label: POOL });
    await tab.page.locator("#kvm-disk-volume").selectOption({ label: "shared data.raw" });
    await tab.page.locator("#kvm-disk-bus").selectOption("sata");
    expect(await tab.page.locator("#kvm-disk-timing").innerText())
        .toContain("A SATA disk cannot be plugged into a running virtual machine: it is added to the definition and the guest sees it only after the VM is shut down and started again.");
    await screenshot(tab.page, "vm-disks-add-sata");
    await assertNoSeriousAxeViolations(tab.page, "the add-disk dialog");
    await tab.page.locator("#kvm-disk-add-confirm").click();
    await settled();
    const shared = join(root, "shared data.raw");
    expect((await blockList(running.uuid, { inactive: true })).sda).toBe(shared);
    expect((await blockList(running.uuid)).sda).toBeUndefined();
    expect(await tab.page.locator("#kvm-disks-notice").innerText()).toContain("Disk sda was added to the definition");
    await waitFor(async () => (await diskRow("sda").locator(".kvm-disk-next-boot").innerText()) === "At next boot");
});

test("a CD/DVD drive: added with an image to a shut-off VM, then ejected and changed while it runs", async () => {
    await openVm(OFF);
    await tab.page.locator("#kvm-disk-add-open").click();
    await tab.page.locator("#kvm-disk-source-volume").check();
    await tab.page.locator("#kvm-disk-pool").selectOption({ label: POOL });
    await tab.page.locator("#kvm-disk-volume").selectOption({ label: "install.iso" });
    await tab.page.locator("#kvm-disk-device").selectOption("cdrom");
    expect(await tab.page.locator("#kvm-disk-bus option").allInnerTexts()).toEqual(["SCSI", "SATA", "USB"]);
    await tab.page.locator("#kvm-disk-bus").selectOption("sata");
    expect(await tab.page.locator("#kvm-disk-timing").innerText()).toContain("added to the virtual machine's definition");
    await tab.page.locator("#kvm-disk-add-confirm").click();
    await diskRow("sda").waitFor({ timeout: 30_000 });
    await settled();
    expect((await blockList(off.uuid, { inactive: true })).sda).toBe(join(root, "install.iso"));
    expect(await virsh("dumpxml", "--domain", off.uuid)).toMatch(/<disk type='file' device='cdrom'>[\s\S]*?<readonly\/>/);

    await virsh("start", "--domain", off.uuid);
    await waitForState(OFF, "running");
    await openVm(OFF);
    await diskRow("sda").locator("[data-action=eject]").click();
    await settled();
    await waitFor(async () => (await diskRow("sda").locator(".kvm-disk-source").innerText()).startsWith("Empty"));
    expect((await blockList(off.uuid)).sda).toBe("-");
    expect((await blockList(off.uuid, { inactive: true })).sda).toBe("-");

    await diskRow("sda").locator("[data-action=medium]").click();
    await tab.page.locator("#kvm-medium-pool").selectOption({ label: POOL });
    await tab.page.locator("#kvm-disk-volume").selectOption({ label: "other.iso" });
    await tab.page.locator("#kvm-medium-confirm").click();
    await settled();
    const other = join(root, "other.iso");
    await waitFor(async () => (await diskRow("sda").locator(".kvm-disk-source").innerText()) === other);
    expect((await blockList(off.uuid)).sda).toBe(other);
    expect((await blockList(off.uuid, { inactive: true })).sda).toBe(other);
    await screenshot(tab.page, "vm-disks-cdrom");
});

test("remove a disk and delete its volume; a volume another VM uses cannot be deleted with it", async () => {
    // The shut-off VM gets the running VM's SATA volume too: removing it may not delete the volume.
    await virsh("destroy", "--domain", off.uuid);
    await waitForState(OFF, "shut off");
    await openVm(OFF);
    await tab.page.locator("#kvm-disk-add-open").click();
    await tab.page.locator("#kvm-disk-source-volume").check();
    await tab.page.locator("#kvm-disk-pool").selectOption({ label: POOL });
    await tab.page.locator("#kvm-disk-volume").selectOption({ label: `shared data.raw (used by ${RUNNING})` });
    expect(await tab.page.locator("#kvm-disk-volume-shared").innerText()).toContain(`This volume is already used by ${RUNNING}`);
    await tab.page.locator("#kvm-disk-add-confirm").click();
    await diskRow("vdb").waitFor({ timeout: 30_000 });
    await settled();

    await diskRow("vdb").locator("[data-action=remove]").click();
    const volumeBox = tab.page.locator("#kvm-disk-remove-volume");
    await volumeBox.waitFor({ timeout: 30_000 });
    expect(await volumeBox.isDisabled()).toBe(true);
    expect(await tab.page.locator("#kvm-disk-remove").innerText()).toContain(`Not possible: VM ${RUNNING} uses it too.`);
    await tab.page.locator("#kvm-disk-remove-confirm").click();
    await diskRow("vdb").waitFor({ state: "detached", timeout: 30_000 });
    await settled();
    expect((await blockList(off.uuid, { inactive: true })).vdb).toBeUndefined();
    expect(await volumeNames(POOL)).toContain("shared data.raw");

    // A new volume on the shut-off VM, removed with its volume: gone from the definition and the pool.
    await tab.page.locator("#kvm-disk-add-open:not([disabled])").click();
    await tab.page.locator("#kvm-disk-pool").selectOption({ label: POOL });
    await tab.page.locator("#kvm-disk-name").fill("scratch.qcow2");
    await tab.page.locator("#kvm-disk-size").fill("8");
    await tab.page.locator("#kvm-disk-size-unit").selectOption("MiB");
    await tab.page.locator("#kvm-disk-add-confirm").click();
    await diskRow("vdb").waitFor({ timeout: 30_000 });
    await settled();
    expect((await blockList(off.uuid, { inactive: true })).vdb).toBe(join(root, "scratch.qcow2"));
    await diskRow("vdb").locator("[data-action=remove]").click();
    await volumeBox.waitFor({ timeout: 30_000 });
    await volumeBox.check();
    await tab.page.locator("#kvm-disk-remove-confirm").click();
    await diskRow("vdb").waitFor({ state: "detached", timeout: 30_000 });
    await settled();
    expect((await blockList(off.uuid, { inactive: true })).vdb).toBeUndefined();
    expect(await volumeNames(POOL)).not.toContain("scratch.qcow2");

    // The running VM's hot-plugged volume: removed from the definition at once, but this VM has no OS to
    // acknowledge the unplug, so the guest keeps the disk and the volume must stay.
    await openVm(RUNNING);
    await diskRow("vdb").locator("[data-action=remove]").click();
    await volumeBox.waitFor({ timeout: 30_000 });
    expect(await tab.page.locator("#kvm-disk-remove-timing").innerText()).toContain("unplugged from the running virtual machine now");
    await volumeBox.check();
    await tab.page.locator("#kvm-disk-remove-confirm").click();
    await settled();
    expect((await blockList(running.uuid, { inactive: true })).vdb).toBeUndefined();
    expect((await blockList(running.uuid)).vdb).toBe(join(root, "hot plugged.qcow2"));
    expect(await tab.page.locator("#kvm-disks-notice").innerText()).toContain("the guest has not released it yet, so its volume was kept");
    expect(await volumeNames(POOL)).toContain("hot plugged.qcow2");
    await waitFor(async () => (await diskRow("vdb").locator(".kvm-disk-next-boot").innerText()) === "Removed at next boot");
});
