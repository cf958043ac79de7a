// The Storage pools page against the real stack, with directory pools under a temporary directory: each
// action is checked with virsh (pool-info, vol-list), a volume in use is refused with the VM's name, and a
// pool whose directory was removed behind libvirt's back shows an error on its row, not a broken page.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Locator } from "playwright-core";
import { displayNameText } from "../../src/core/display-name";
import { formatBytes } from "../../src/core/format";
import { assertNoSeriousAxeViolations } from "../support/axe";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { run } from "../support/exec";
import { startPageSession, type PageSession } from "../support/session";
import { defineDirPool, poolInfo, poolNames, removeAllTestPools, volumeNames } from "../support/storage";
import { removeVm, TEST_PREFIX, virsh, xmlEscape } from "../support/virsh";
import { waitFor } from "../support/wait";

const POOL_PREFIX = `${TEST_PREFIX}pool-`;
// Characters a page could mangle on the way to libvirt and back: quotes, $(...), #, ?, %, unicode.
const CREATED = `${POOL_PREFIX}made "ü" $(id) #?%`;
const KEPT = `${POOL_PREFIX}kept`;
const VANISHING = `${POOL_PREFIX}vanishing`;
const USER_VM = `${TEST_PREFIX}pool-user`;

let root: string;
let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

function row(name: string): Locator {
    return tab.page.locator(`#kvm-pools-table tbody[data-pool="${name.replace(/["\\]/g, c => `\\${c}`)}"]`);
}

function volumeRow(name: string): Locator {
    return tab.page.locator(`#kvm-volumes tbody tr[data-volume="${name.replace(/["\\]/g, c => `\\${c}`)}"]`);
}

// A fresh document each time: going to the same URL with only another hash would keep the page as it was.
async function openList(): Promise<void> {
    await tab.page.goto("about:blank");
    await tab.page.goto(`${cockpit.pageAloneUrl}#/storage`);
    await tab.page.locator("#kvm-pools-table, #kvm-pools-empty").first().waitFor({ timeout: 30_000 });
}

async function openPool(name: string): Promise<void> {
    await openList();
    await row(name).locator("a.kvm-pool-name").click();
    await tab.page.locator("#kvm-volumes-none, #kvm-volumes tbody tr").first().waitFor({ timeout: 30_000 });
}

function hostHas(tool: string): boolean {
    try {
        execFileSync("sh", ["-c", 'command -v "$1"', "sh", tool], { env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin" } });
        return true;
    } catch {
        return false;
    }
}

beforeAll(async () => {
    await removeAllTestPools(POOL_PREFIX);
    await removeVm(USER_VM);
    root = mkdtempSync(join(tmpdir(), "kvmm-test-pools-"));
    session = await startPageSession({ bypassCSP: true });
    ({ cockpit, tab } = session);
});

afterAll(async () => {
    await session?.close();
    await removeVm(USER_VM);
    await removeAllTestPools(POOL_PREFIX);
    rmSync(root, { recursive: true, force: true });
});

test("create a directory pool: libvirt's pool types, the host's missing tools greyed with the reason", async () => {
    await openList();
    await tab.page.locator("#kvm-pool-create-open").click();
    await tab.page.locator("#kvm-pool-type").waitFor();
    // lvm2 is not a dependency of this project: the test reads the host as the page does.
    const logical = tab.page.locator("#kvm-pool-type option[value=logical]");
    expect(await logical.isDisabled()).toBe(!hostHas("vgs"));
    if (!hostHas("vgs")) {
        expect(await tab.page.locator("#kvm-pool-type-unavailable [data-pool-type=logical]").innerText())
            .toBe("LVM volume group: Needs vgs, vgchange, lvcreate (package lvm2), which is not installed on this host.");
    }
    expect(await tab.page.locator("#kvm-pool-type option[value=dir]").isDisabled()).toBe(false);

    const target = join(root, "made here");
    await tab.page.locator("#kvm-pool-name").fill("a/b");
    expect(await tab.page.locator("#kvm-pool-name-error").innerText()).toContain("A pool name cannot contain “/”.");
    await tab.page.locator("#kvm-pool-name").fill(CREATED);
    await tab.page.locator("#kvm-pool-targetPath").fill("relative/path");
    expect(await tab.page.locator("#kvm-pool-targetPath-error").innerText()).toContain("absolute path");
    expect(await tab.page.locator("#kvm-pool-create-confirm").isDisabled()).toBe(true);
    await tab.page.locator("#kvm-pool-targetPath").fill(target);
    await screenshot(tab.page, "storage-pools-create");
    await tab.page.locator("#kvm-pool-create-confirm").click();
    await row(CREATED).waitFor({ timeout: 30_000 });

    const info = await poolInfo(CREATED);
    expect(info).toMatchObject({ Name: CREATED, State: "running", Autostart: "yes", Persistent: "yes" });
    expect(existsSync(target)).toBe(true);
    expect(await virsh("pool-dumpxml", "--pool", info.UUID)).toContain(`<path>${target}</path>`);
    await waitFor(async () => (await row(CREATED).locator(".kvm-pool-state").innerText()) === "Active");
    expect(await row(CREATED).locator(".kvm-pool-volumes").innerText()).toBe("0");
    expect(await row(CREATED).locator("a.kvm-pool-name").innerText()).toBe(displayNameText(CREATED));
});

test("stop, start, autostart and refresh, each checked with virsh pool-info and vol-list", async () => {
    await openList();
    const pool = row(CREATED);
    await pool.locator("[data-action=stop]").click();
    await waitFor(async () => (await poolInfo(CREATED)).State === "inactive", { message: "pool to stop" });
    await waitFor(async () => (await pool.locator(".kvm-pool-state").innerText()) === "Inactive");
    expect(await pool.locator("[data-action=refresh]").isDisabled()).toBe(true);

    await pool.locator("[data-action=start]").click();
    await waitFor(async () => (await poolInfo(CREATED)).State === "running", { message: "pool to start" });
    await waitFor(async () => (await pool.locator(".kvm-pool-state").innerText()) === "Active");

    // The switch follows libvirt: it flips once the call has answered.
    await pool.locator(".kvm-pool-autostart").click();
    await waitFor(async () => (await poolInfo(CREATED)).Autostart === "no", { message: "autostart off" });

    // Changes made elsewhere arrive as libvirt's pool events, without a reload.
    await virsh("pool-destroy", "--pool", (await poolInfo(CREATED)).UUID);
    await waitFor(async () => (await pool.locator(".kvm-pool-state").innerText()) === "Inactive", { message: "the stop made by virsh" });
    await virsh("pool-start", "--pool", (await poolInfo(CREATED)).UUID);
    await waitFor(async () => (await pool.locator(".kvm-pool-state").innerText()) === "Active", { message: "the start made by virsh" });

    // A file copied into the directory behind libvirt's back appears after Refresh.
    await run("qemu-img", ["create", "-q", "-f", "raw", join(root, "made here", "copied in.img"), "1M"]);
    await pool.locator("[data-action=refresh]").click();
    await waitFor(async () => (await pool.locator(".kvm-pool-volumes").innerText()) === "1", { message: "volume count 1" });
    expect(await volumeNames(CREATED)).toEqual(["copied in.img"]);
});

test("volumes: create, list with format and sizes, delete; a volume in use is refused, naming the VM", async () => {
    await openPool(CREATED);
    await tab.page.locator("#kvm-volume-create-open").click();
    await tab.page.locator("#kvm-volume-name").fill("copied in.img");
    expect(await tab.page.locator("#kvm-volume-name-error").innerText()).toContain("This pool already has a volume with this name.");
    await tab.page.locator("#kvm-volume-name").fill(`disk "one" ü.qcow2`);
    await tab.page.locator("#kvm-volume-size").fill("16");
    await tab.page.locator("#kvm-volume-size-unit").selectOption("MiB");
    await tab.page.locator("#kvm-volume-format").selectOption("qcow2");
    await tab.page.locator("#kvm-volume-create-confirm").click();
    await volumeRow(`disk "one" ü.qcow2`).waitFor({ timeout: 30_000 });
    expect(await volumeNames(CREATED)).toEqual(["copied in.img", `disk "one" ü.qcow2`]);
    const uuid = (await poolInfo(CREATED)).UUID;
    const volumeXml = await virsh("vol-dumpxml", "--pool", uuid, "--vol", `disk "one" ü.qcow2`);
    expect(volumeXml).toContain("<format type='qcow2'/>");
    expect(volumeXml).toContain("<capacity unit='bytes'>16777216</capacity>");
    const allocation = Number(/<allocation unit='bytes'>(\d+)<\/allocation>/.exec(volumeXml)?.[1]);
    const cells = await volumeRow(`disk "one" ü.qcow2`).locator("td").allInnerTexts();
    expect(cells.slice(0, 5)).toEqual([`disk "one" ü.qcow2`, "qcow2", "16 MiB", formatBytes(allocation, "en"), "Not used"]);

    // A VM (shut off) with the volume as its disk: the volume is in use.
    const diskPath = join(root, "made here", `disk "one" ü.qcow2`);
    const xmlFile = join(root, "vm.xml");
    writeFileSync(xmlFile, `<domain type='qemu'><name>${USER_VM}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${xmlEscape(diskPath)}'/><target dev='vda' bus='virtio'/></disk></devices>
</domain>`);
    await virsh("define", "--file", xmlFile);
    await tab.page.reload();
    await waitFor(async () => (await volumeRow(`disk "one" ü.qcow2`).locator(".kvm-volume-users").innerText()) === USER_VM,
        { message: "the VM in the Used by column" });
    const refused = volumeRow(`disk "one" ü.qcow2`).locator("[data-action=delete]");
    expect(await refused.getAttribute("aria-disabled")).toBe("true");
    await refused.hover();
    expect(await tab.page.locator("[role=tooltip]").innerText()).toBe(`Used by VM ${USER_VM}: remove the disk from the VM first.`);
    await screenshot(tab.page, "storage-volume-in-use");
    await assertNoSeriousAxeViolations(tab.page, "a pool's volumes");

    await volumeRow("copied in.img").locator("[data-action=delete]").click();
    expect(await tab.page.locator("#kvm-confirm-dialog").innerText()).toContain(`Volume “copied in.img” is deleted from pool ${displayNameText(CREATED)}`);
    await tab.page.locator("#kvm-confirm-button").click();
    await volumeRow("copied in.img").waitFor({ state: "detached", timeout: 30_000 });
    expect(await volumeNames(CREATED)).toEqual([`disk "one" ü.qcow2`]);
});

test("delete: volumes in use keep the pool's volumes; without users, the dialog lists them and all go", async () => {
    await openList();
    await row(CREATED).locator("[data-action=delete]").click();
    const dialog = tab.page.locator("#kvm-pool-delete");
    await dialog.locator("#kvm-pool-delete-in-use").waitFor({ timeout: 30_000 });
    expect(await dialog.locator("#kvm-pool-delete-in-use").innerText()).toContain(`disk "one" ü.qcow2 is used by VM ${USER_VM}`);
    expect(await dialog.locator("#kvm-pool-delete-volumes").isDisabled()).toBe(true);
    await dialog.locator("button.pf-m-link").click();

    await removeVm(USER_VM);
    // removeVm deletes the disks in pools: make the pool's volume again for the dialog to list.
    await virsh("vol-create-as", "--pool", (await poolInfo(CREATED)).UUID, "--name", "second.raw", "--capacity", "1M", "--format", "raw");
    await tab.page.reload();
    await row(CREATED).locator("[data-action=delete]").click();
    await dialog.locator("#kvm-pool-delete-volumes:not([disabled])").check();
    expect(await dialog.locator("#kvm-pool-delete-list").innerText()).toContain("second.raw");
    await screenshot(tab.page, "storage-pool-delete");
    await assertNoSeriousAxeViolations(tab.page, "the delete-pool dialog");
    await dialog.locator("#kvm-pool-delete-confirm").click();
    await row(CREATED).waitFor({ state: "detached", timeout: 30_000 });
    expect(await poolNames()).not.toContain(CREATED);
    expect(existsSync(join(root, "made here", "second.raw"))).toBe(false);

    // Definition only: the files stay.
    const keptDir = join(root, "kept");
    mkdirSync(keptDir);
    writeFileSync(join(keptDir, "data.img"), "x");
    await defineDirPool(KEPT, keptDir);
    await tab.page.reload();
    await row(KEPT).locator("[data-action=delete]").click();
    await dialog.locator("#kvm-pool-delete-confirm").click();
    await row(KEPT).waitFor({ state: "detached", timeout: 30_000 });
    expect(await poolNames()).not.toContain(KEPT);
    expect(existsSync(join(keptDir, "data.img"))).toBe(true);
});

test("a pool whose directory was removed behind libvirt's back shows libvirt's error on its row", async () => {
    const dir = join(root, "vanishing");
    mkdirSync(dir);
    await defineDirPool(VANISHING, dir);
    const keptDir = join(root, "kept");
    mkdirSync(keptDir, { recursive: true });
    await defineDirPool(KEPT, keptDir);
    rmSync(dir, { recursive: true });

    // The page refreshes each active pool once when it opens: that finds the missing directory.
    await openList();
    const error = row(VANISHING).locator(".kvm-pool-error");
    await error.waitFor({ timeout: 30_000 });
    expect(await error.innerText()).toMatch(/cannot open directory '.*vanishing': No such file or directory/);
    await waitFor(async () => (await row(VANISHING).locator(".kvm-pool-state").innerText()).includes("Inactive"));
    expect((await poolInfo(VANISHING)).State).toBe("inactive");
    // The rest of the page works: the other pool's row is whole and its actions answer.
    expect(await row(KEPT).locator(".kvm-pool-state").innerText()).toBe("Active");
    await screenshot(tab.page, "storage-pools-missing-directory");
    await assertNoSeriousAxeViolations(tab.page, "the storage pools list");

    await row(VANISHING).locator("[data-action=start]").click();
    await waitFor(async () => /Start failed: .*cannot open directory/.test(await error.innerText()), { message: "the start failure on the row" });
    expect((await poolInfo(VANISHING)).State).toBe("inactive");
});
