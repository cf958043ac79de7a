// The details page of a VM with two disks (qcow2 and raw) and two NICs (a libvirt network and a bridge)
// shows what virsh reports for it.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";
import { run } from "../support/exec";
import { formatBytes } from "../../src/core/format";
import { waitFor } from "../support/wait";
import { removeVm, TEST_IMAGE_DIR, TEST_PREFIX, virsh, virshOn, xmlEscape } from "../support/virsh";

const NAME = `${TEST_PREFIX}details "two disks" ü`;
const NETWORK = `${TEST_PREFIX}net`;
const BRIDGE = "kvmmt-br0";
const DISK_QCOW2 = join(TEST_IMAGE_DIR, "details-one.qcow2");
const DISK_RAW = join(TEST_IMAGE_DIR, "details two.raw");

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

async function defineFromXml(command: "define" | "net-define", xml: string): Promise<void> {
    const file = join(TEST_IMAGE_DIR, `${command}.xml`);
    writeFileSync(file, xml);
    try {
        await virsh(command, "--file", file);
    } finally {
        rmSync(file, { force: true });
    }
}

async function removeNetwork(): Promise<void> {
    await virsh("net-destroy", NETWORK).catch(() => undefined);
    await virsh("net-undefine", NETWORK).catch(() => undefined);
}

beforeAll(async () => {
    mkdirSync(TEST_IMAGE_DIR, { recursive: true });
    await removeVm(NAME);
    await removeNetwork();
    await run("qemu-img", ["create", "-q", "-f", "qcow2", DISK_QCOW2, "96M"]);
    await run("qemu-img", ["create", "-q", "-f", "raw", DISK_RAW, "32M"]);
    // An isolated network needs no dnsmasq; its bridge serves the second NIC.
    await defineFromXml("net-define", `<network><name>${NETWORK}</name><bridge name='${BRIDGE}'/></network>`);
    await virsh("net-start", NETWORK);
    await defineFromXml("define", `<domain type='qemu'>
  <name>${xmlEscape(NAME)}</name>
  <description>Details test &lt;two disks&gt;</description>
  <memory unit='MiB'>128</memory>
  <currentMemory unit='MiB'>96</currentMemory>
  <vcpu current='1'>2</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/><boot dev='network'/></os>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${xmlEscape(DISK_QCOW2)}'/><target dev='vda' bus='virtio'/></disk>
    <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${xmlEscape(DISK_RAW)}'/><target dev='sdb' bus='sata'/></disk>
    <interface type='network'><mac address='52:54:00:4b:00:01'/><source network='${NETWORK}'/><model type='virtio'/></interface>
    <interface type='bridge'><mac address='52:54:00:4b:00:02'/><source bridge='${BRIDGE}'/><model type='e1000'/></interface>
  </devices>
</domain>`);
    session = await startPageSession();
    ({ cockpit, tab } = session);
    await tab.page.goto(`${cockpit.pageAloneUrl}#/vm/${encodeURIComponent(NAME)}`);
    await tab.page.locator("#kvm-disks tbody tr").first().waitFor({ timeout: 30_000 });
});

afterAll(async () => {
    await session?.close();
    await removeVm(NAME);
    await removeNetwork();
    rmSync(DISK_QCOW2, { force: true });
    rmSync(DISK_RAW, { force: true });
});

async function tableRows(selector: string): Promise<string[][]> {
    return tab.page.locator(`${selector} tbody tr`).evaluateAll(rows =>
        rows.map(row => [...row.querySelectorAll("td")].map(cell => (cell as HTMLElement).innerText.trim())));
}

// "Capacity:       100663296" lines of `virsh domblkinfo`, in bytes.
async function blockInfo(target: string): Promise<Record<string, number>> {
    const out = await virshOn("domblkinfo", NAME, target);
    return Object.fromEntries(out.split("\n").filter(l => l.includes(":"))
        .map(l => l.split(":").map(s => s.trim())).map(([k, v]) => [k.toLowerCase(), Number(v)]));
}

test("disks: device, bus, source, format, capacity and allocation match virsh", async () => {
    const rows = await tableRows("#kvm-disks");
    const blklist = (await virshOn("domblklist", NAME, "--details")).trim().split("\n").slice(2)
        .map(line => line.trim().split(/\s+/));
    expect(rows.map(r => r[0])).toEqual(blklist.map(([, , target]) => target));
    expect(rows.map(r => r[2])).toEqual([DISK_QCOW2, DISK_RAW]);
    expect(rows.map(r => r[1])).toEqual(["virtio", "sata"]);
    expect(rows.map(r => r[3])).toEqual(["qcow2", "raw"]);
    const vda = await blockInfo("vda");
    const sdb = await blockInfo("sdb");
    expect(vda.capacity).toBe(96 * 1024 * 1024);
    expect(rows[0][4]).toBe("96 MiB");
    expect(rows[1][4]).toBe("32 MiB");
    expect([rows[0][5], rows[1][5]]).toEqual([formatBytes(vda.allocation, "en"), formatBytes(sdb.allocation, "en")]);
});

test("network interfaces: model, source and MAC match virsh domiflist", async () => {
    const rows = await tableRows("#kvm-interfaces");
    const iflist = (await virshOn("domiflist", NAME)).trim().split("\n").slice(2).map(line => line.trim().split(/\s+/));
    // domiflist columns: Interface Type Source Model MAC
    expect(rows.map(r => r[0])).toEqual(iflist.map(cols => cols[3]));
    expect(rows.map(r => r[2])).toEqual(iflist.map(cols => cols[4]));
    expect(rows[0][1]).toBe(`Network ${NETWORK}`);
    expect(rows[1][1]).toBe(`Bridge ${BRIDGE}`);
});

test("overview: vCPUs, memory, OS, boot order, firmware, autostart, description", async () => {
    const { page } = tab;
    const text = async (id: string) => (await page.locator(`#${id}`).innerText()).trim();
    expect(await text("kvm-overview-vcpus")).toBe("1 of 2 maximum");
    expect(await text("kvm-overview-memory")).toBe("96 MiB current, 128 MiB maximum");
    expect(await text("kvm-overview-os")).toMatch(/^hvm, x86_64, pc/);
    expect(await text("kvm-overview-boot")).toBe("Disk, Network");
    expect(await text("kvm-overview-firmware")).toBe("BIOS");
    expect(await text("kvm-overview-description")).toBe("Details test <two disks>");
    await screenshot(page, "vm-details-two-disks");

    expect((await virshOn("dominfo", NAME)).match(/Autostart:\s+(\w+)/)?.[1]).toBe("disable");
    await page.locator("#kvm-autostart").click({ force: true });
    await page.waitForFunction(() => (document.querySelector("#kvm-autostart") as HTMLInputElement | null)?.checked === true);
    await waitFor(async () => (await virshOn("dominfo", NAME)).match(/Autostart:\s+(\w+)/)?.[1] === "enable",
        { timeoutMs: 10_000, message: "autostart enabled in libvirt" });
});

test("a VM that disappears while its page is open says so", async () => {
    await removeVm(NAME);
    await tab.page.locator("#kvm-vm-missing").waitFor({ timeout: 10_000 });
    expect(tab.errors).toEqual([]);
});
