// Clone and delete against the real stack. A full clone is an identical, independent image (qemu-img compare)
// and a linked clone an overlay whose backing file is the original's disk; the original's bytes never change
// (sha256), and the clones get new UUIDs and MACs (virsh dumpxml). Deleting offers each disk file with a
// checkbox, never one another VM uses (a shared data disk, the base of a linked clone), and removes exactly
// the checked files; a batch deletion reports per VM. Names carry quotes, $(...), '#', unicode and RTL marks.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { displayNameText } from "../../src/core/display-name";
import { parseDomainXml } from "../../src/core/domain-xml";
import { assertNoSeriousAxeViolations } from "../support/axe";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { run } from "../support/exec";
import { cssString, openList, vmRow, waitForRowState } from "../support/pages/vm-list";
import { startPageSession, type PageSession } from "../support/session";
import {
    defineTinyVm, domState, fileStem, listVms, removeVm, TEST_IMAGE_DIR, TEST_PREFIX, virsh, virshOn, xmlEscape, type TestVm,
} from "../support/virsh";
import { waitFor } from "../support/wait";

const PREFIX = `${TEST_PREFIX}cd-`;
const ORIGINAL = `${PREFIX}orig "ü" $(id) #1`;
const FULL = `${PREFIX}full 'copy' <b> ?%`;
const LINKED = `${PREFIX}linked \u200F clone`;
const WEB = `${PREFIX}web`;
const DB = `${PREFIX}db`;
const BATCH = [`${PREFIX}x1 "quoted"`, `${PREFIX}x2 $(touch pwned) #?%`, `${PREFIX}x3 \u202Eevil`];
const ALL = [ORIGINAL, FULL, LINKED, WEB, DB, ...BATCH];
const SHARED_DISK = join(TEST_IMAGE_DIR, "cd shared data.qcow2");
const ISO = join(TEST_IMAGE_DIR, "cd installer.iso");

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;
let original: TestVm;
let originalSha: string;
const batchVms: TestVm[] = [];

function sha256(path: string): string {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
}

async function imageInfo(path: string): Promise<Record<string, unknown>> {
    return JSON.parse(await run("qemu-img", ["info", "-U", "--output=json", path])) as Record<string, unknown>;
}

async function domainXml(name: string) {
    return parseDomainXml(await virshOn("dumpxml", name, "--inactive"));
}

// `virsh domblklist --details`: the disk sources as libvirt sees them.
async function blockSources(name: string): Promise<string[]> {
    const out = await virshOn("domblklist", name, "--details");
    return out.split("\n").slice(2).map(line => line.trim().split(/\s+/).slice(3).join(" ")).filter(Boolean);
}

async function defineWithDisks(name: string, disks: { path: string; device?: "disk" | "cdrom"; target: string }[]): Promise<void> {
    const devices = disks.map(d => d.device === "cdrom"
        ? `<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='${xmlEscape(d.path)}'/>` +
          `<target dev='${d.target}' bus='sata'/><readonly/></disk>`
        : `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${xmlEscape(d.path)}'/>` +
          `<target dev='${d.target}' bus='virtio'/></disk>`).join("");
    const file = join(TEST_IMAGE_DIR, `${fileStem(name)}.xml`);
    writeFileSync(file, `<domain type='qemu'><name>${xmlEscape(name)}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
        <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${devices}</devices></domain>`);
    try {
        await virsh("define", "--file", file);
    } finally {
        rmSync(file, { force: true });
    }
}

async function filterList(page: Page, text: string): Promise<void> {
    await page.locator("#kvm-name-filter input").fill(text);
}

function diskCheckbox(page: Page, path: string) {
    return page.locator(`#kvm-delete-disks input[data-disk-path=${cssString(path)}]`);
}

async function openDelete(page: Page, name: string): Promise<void> {
    await runRowCommand(page, name, "delete");
    await page.locator("#kvm-delete-disks").waitFor({ timeout: 30_000 });
}

async function runRowCommand(page: Page, name: string, command: "clone" | "delete"): Promise<void> {
    await vmRow(page, name).locator(".kvm-row-actions").click();
    await page.locator(`[data-command=${cssString(command)}]`).click();
}

async function defined(name: string): Promise<boolean> {
    return (await listVms()).some(vm => vm.name === name);
}

beforeAll(async () => {
    for (const name of ALL) await removeVm(name);
    original = await defineTinyVm({ name: ORIGINAL, disks: 1, nics: 1 });
    // Data in the original, so a copy that loses it shows.
    await run("qemu-io", ["-f", "qcow2", "-c", "write -P 0x5a 0 4M", original.disks[0]]);
    originalSha = sha256(original.disks[0]);

    await run("qemu-img", ["create", "-q", "-f", "qcow2", SHARED_DISK, "16M"]);
    await run("qemu-img", ["create", "-q", "-f", "raw", ISO, "1M"]);
    const webDisk = join(TEST_IMAGE_DIR, "cd web root.qcow2");
    await run("qemu-img", ["create", "-q", "-f", "qcow2", webDisk, "16M"]);
    await defineWithDisks(WEB, [{ path: webDisk, target: "vda" }, { path: SHARED_DISK, target: "vdb" }, { path: ISO, device: "cdrom", target: "sda" }]);
    await defineWithDisks(DB, [{ path: SHARED_DISK, target: "vda" }]);
    await virsh("snapshot-create-as", "--domain", WEB, "--name", "before upgrade");

    for (const name of BATCH) batchVms.push(await defineTinyVm({ name, disks: 1, start: name === BATCH[0] }));

    session = await startPageSession({ bypassCSP: true });
    ({ cockpit, tab } = session);
    await openList(tab.page, cockpit.pageAloneUrl);
    await filterList(tab.page, PREFIX);
    await waitForRowState(tab.page, BATCH[0], "running");
});

afterAll(async () => {
    await session?.close();
    for (const name of ALL) await removeVm(name);
    for (const path of [SHARED_DISK, ISO]) rmSync(path, { force: true });
});

test("the Snapshots column counts each VM's snapshots", async () => {
    const { page } = tab;
    await vmRow(page, WEB).and(page.locator("[data-snapshots='1']")).waitFor();
    expect(await vmRow(page, DB).getAttribute("data-snapshots")).toBe("0");
});

test("a full clone from the row menu: an identical, independent image, new UUID and MAC, the original unchanged", async () => {
    const { page } = tab;
    // Only rows without invisible characters behind the dialog: axe judges their markers' contrast through
    // the modal's backdrop.
    await filterList(page, `${PREFIX}orig`);
    await runRowCommand(page, ORIGINAL, "clone");
    const dialog = page.locator("#kvm-clone-dialog");
    await page.locator("#kvm-clone-name").waitFor();
    // The suggestion is free; a taken name is refused before anything is copied.
    expect(await page.locator("#kvm-clone-name").inputValue()).toBe(`${ORIGINAL}-clone`);
    await page.locator("#kvm-clone-name").fill(WEB);
    await page.locator("#kvm-clone-name-error").waitFor();
    expect(await page.locator("#kvm-clone-confirm").isDisabled()).toBe(true);
    await page.locator("#kvm-clone-name").fill(FULL);
    await assertNoSeriousAxeViolations(page, "the clone dialog");
    await page.locator("#kvm-clone-confirm").click();
    await dialog.waitFor({ state: "detached", timeout: 120_000 });
    await filterList(page, `${PREFIX}full`);
    await vmRow(page, FULL).waitFor();

    const [source, clone] = [await domainXml(ORIGINAL), await domainXml(FULL)];
    expect(clone.name).toBe(FULL);
    expect(clone.uuid).not.toBe(source.uuid);
    expect(clone.interfaces.map(nic => nic.mac)).not.toContain(source.interfaces[0].mac);
    expect(clone.interfaces[0].mac).toMatch(/^52:54:00:/);
    const expectedDisk = join(TEST_IMAGE_DIR, `${PREFIX}full_copy_b_-vda.qcow2`);
    expect(await blockSources(FULL)).toEqual([expectedDisk]);
    expect(await imageInfo(expectedDisk)).not.toHaveProperty("backing-filename");
    expect(await run("qemu-img", ["compare", "-f", "qcow2", "-F", "qcow2", original.disks[0], expectedDisk])).toContain("Images are identical");
    expect(sha256(original.disks[0])).toBe(originalSha);
});

test("a linked clone from the details page: a qcow2 overlay on the original's disk, with a warning", async () => {
    const { page } = tab;
    await page.goto(`${cockpit.pageAloneUrl}#/vm/${encodeURIComponent(ORIGINAL)}`);
    await page.locator("[data-command='clone']").click();
    await page.locator("#kvm-clone-linked").check();
    await page.locator("#kvm-clone-linked-warning").waitFor();
    await page.locator("#kvm-clone-name").fill(LINKED);
    await page.locator("#kvm-clone-confirm").click();
    await page.locator("#kvm-clone-dialog").waitFor({ state: "detached", timeout: 120_000 });
    await waitFor(() => defined(LINKED), { message: "the linked clone to be defined" });

    const [disk] = await blockSources(LINKED);
    expect(disk).toBe(join(TEST_IMAGE_DIR, `${PREFIX}linked_clone-vda.qcow2`));
    expect(await imageInfo(disk)).toMatchObject({ format: "qcow2", "backing-filename": original.disks[0], "backing-filename-format": "qcow2" });
    expect((await domainXml(LINKED)).uuid).not.toBe((await domainXml(ORIGINAL)).uuid);
    expect(sha256(original.disks[0])).toBe(originalSha);
});

test("the base of a linked clone is not offered for removal and names the clone", async () => {
    const { page } = tab;
    await openList(page, cockpit.pageAloneUrl);
    await filterList(page, PREFIX);
    await openDelete(page, ORIGINAL);
    const base = diskCheckbox(page, original.disks[0]);
    expect(await base.isDisabled()).toBe(true);
    expect(await base.isChecked()).toBe(false);
    expect(await page.locator("#kvm-delete-disks").innerText()).toContain(displayNameText(LINKED));
    await page.locator("#kvm-delete-dialog").getByRole("button", { name: "Cancel" }).click();
});

test("deleting a VM: its own disk is checked and removed; a shared disk and the ISO stay; the snapshot goes", async () => {
    const { page } = tab;
    await filterList(page, WEB);
    await openDelete(page, WEB);
    const webDisk = join(TEST_IMAGE_DIR, "cd web root.qcow2");
    expect(await diskCheckbox(page, webDisk).isChecked()).toBe(true);
    expect(await diskCheckbox(page, SHARED_DISK).isDisabled()).toBe(true);
    expect(await diskCheckbox(page, ISO).isChecked()).toBe(false);
    expect(await diskCheckbox(page, ISO).isDisabled()).toBe(false);
    const text = await page.locator("#kvm-delete-dialog").innerText();
    expect(text).toContain(`Kept: virtual machine ${DB} uses it too.`);
    expect(text).toContain("Its 1 snapshot is deleted with it.");
    expect(text).toContain("Its usage history is kept until the retention policy removes it.");
    await assertNoSeriousAxeViolations(page, "the delete confirmation");
    await page.setViewportSize({ width: 1280, height: 800 });
    await screenshot(page, "delete-vm");
    await page.locator("#kvm-delete-confirm").click();
    await page.locator("#kvm-delete-dialog").waitFor({ state: "detached", timeout: 60_000 });
    await vmRow(page, WEB).waitFor({ state: "detached" });

    expect(await defined(WEB)).toBe(false);
    expect(existsSync(webDisk)).toBe(false);
    expect(existsSync(SHARED_DISK)).toBe(true);
    expect(existsSync(ISO)).toBe(true);
    expect(await blockSources(DB)).toEqual([SHARED_DISK]);
});

test("deleting without its disks leaves the files", async () => {
    const { page } = tab;
    const disk = join(TEST_IMAGE_DIR, `${PREFIX}full_copy_b_-vda.qcow2`);
    await filterList(page, PREFIX);
    await openDelete(page, FULL);
    await diskCheckbox(page, disk).uncheck();
    await page.locator("#kvm-delete-confirm").click();
    await page.locator("#kvm-delete-dialog").waitFor({ state: "detached", timeout: 60_000 });
    expect(await defined(FULL)).toBe(false);
    expect(existsSync(disk)).toBe(true);
    rmSync(disk);
});

test("batch delete of 3 VMs (one running) with their disks: per-VM results, files gone", async () => {
    const { page } = tab;
    await filterList(page, `${PREFIX}x`);
    await page.locator("#kvm-vm-table thead input[type=checkbox]").check();
    await page.locator("[data-batch-action='delete']").click();
    const confirm = page.locator("#kvm-confirm-dialog");
    expect(await confirm.innerText()).toContain("Delete 3 virtual machines?");
    expect(await page.locator("#kvm-batch-delete-disks").isChecked()).toBe(true);
    await confirm.getByRole("button", { name: "Delete" }).click();
    await page.locator("#kvm-batch-results").waitFor({ timeout: 120_000 });
    const results = await page.locator("#kvm-batch-results tbody tr").evaluateAll(rows =>
        rows.map(row => [row.getAttribute("data-vm-name"), row.getAttribute("data-outcome")]));
    expect(results.sort()).toEqual(BATCH.map(name => [name, "done"]).sort());
    for (const vm of batchVms) {
        expect(await defined(vm.name)).toBe(false);
        expect(existsSync(vm.disks[0])).toBe(false);
    }
    await page.locator("#kvm-batch-dialog footer button.pf-m-primary").click();
});

test("a VM undefined while its confirmation is open gets a clear message", async () => {
    const { page } = tab;
    await filterList(page, PREFIX);
    await openDelete(page, DB);
    await virshOn("undefine", DB);
    await page.locator("#kvm-delete-confirm").click();
    await page.locator("#kvm-delete-failure").waitFor({ timeout: 30_000 });
    expect(await page.locator("#kvm-delete-failure").innerText()).toMatch(/no longer exists/);
    expect(await domState(ORIGINAL)).toBe("shut off");
});

test("no errors were logged", () => {
    expect(tab.errors).toEqual([]);
});
