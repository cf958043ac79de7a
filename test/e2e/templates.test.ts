// The Templates page and "Save as template" on the real stack: hand-damaged template files are listed
// with their error and left byte-identical; a template made in the page is the file the schema reads;
// two tabs editing one template: the second save is refused, nothing lost; duplicate and delete; a VM
// saved as a template (with its disk copied as a base image while it runs) round-trips its values; the
// network and bridge pickers offer this host's networks and bridges and keep a name from another host.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "../../src/core/config/documents";
import { routeHash } from "../../src/core/route-segment";
import { namedRoutePath } from "../../src/lib/paths";
import { TEMPLATE_KIND, type TemplateDocument } from "../../src/core/template/template-document";
import { assertNoSeriousAxeViolations } from "../support/axe";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { run } from "../support/exec";
import { startPageSession, type PageSession } from "../support/session";
import { defineTinyVm, domState, removeVm, TEST_IMAGE_DIR, TEST_PREFIX, virsh } from "../support/virsh";
import { defineTestNetwork, removeTestNetworks } from "../support/virsh-networks";

const DIR = "/etc/kvm-manager/templates";
const PREFIX = `${TEST_PREFIX}tpl-`;
const BROKEN = `${PREFIX}broken`;
const BAD_VALUES = `${PREFIX}bad values`;
const MADE = `${PREFIX}web "ü" #1 $(id)`;
const VM = `${PREFIX}source vm`;
const SAVED = `${PREFIX}from vm`;
const ELSEWHERE = `${PREFIX}from another host`;
const NET = `${PREFIX}net`;
const NET_OFF = `${PREFIX}net-off`;
// The running test network's bridge: the bridge picker lists it.
const BRIDGE = "virbr-kvmmt57";
const GONE_NET = `${PREFIX}gone-net`;
const GONE_BRIDGE = "br-kvmmt-gone";
// Templates as an admin would name them, for the README's screenshots; written only where no file of
// that name exists, and removed again.
const SHOWCASE: [string, Partial<TemplateDocument>][] = [
    ["debian-12-web", { description: "Debian 12 web server: linked clone of the golden image", vcpus: 2, memoryMiB: 2048, osVariant: "http://debian.org/debian/12" }],
    ["alpine-router", { description: "Small router with two NICs", vcpus: 1, memoryMiB: 256, firmware: "uefi",
        interfaces: [{ type: "network", network: "default", model: "virtio" }, { type: "bridge", bridge: "br0", model: "virtio" }] }],
];
const showcaseWritten: string[] = [];

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;
const made: string[] = [];

function file(name: string): string {
    return join(DIR, `${name}.json`);
}

function readTemplate(name: string): TemplateDocument {
    const parsed = parseDocument(TEMPLATE_KIND, readFileSync(file(name), "utf8"));
    if (!parsed.ok) throw new Error(`${name} is not a valid template`);
    return parsed.value;
}

function cleanFiles(): void {
    for (const name of [BROKEN, BAD_VALUES, MADE, `${MADE} copy`, SAVED, ELSEWHERE]) rmSync(file(name), { force: true });
}

async function openTemplates(page = tab.page, hash = "/templates"): Promise<void> {
    await page.goto(`${cockpit.pageAloneUrl}#${hash}`);
    await page.reload();
    await page.locator("#kvm-template-table, #kvm-no-templates").first().waitFor({ timeout: 30_000 });
}

// Buttons fade between their disabled and enabled looks: a screenshot waits for that to end.
async function settled(page = tab.page): Promise<void> {
    await page.locator("#kvm-template-new:not([disabled])").waitFor();
    await page.evaluate(() => Promise.all(document.getAnimations().map(a => a.finished)));
}

function row(name: string, page = tab.page) {
    return page.locator(`#kvm-template-table tr[data-template-name="${name.replace(/["\\]/g, c => `\\${c}`)}"]`);
}

beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    mkdirSync(TEST_IMAGE_DIR, { recursive: true });
    cleanFiles();
    await removeTestNetworks(PREFIX);
    await defineTestNetwork({ name: NET, bridge: BRIDGE, subnet: 57 });
    await defineTestNetwork({ name: NET_OFF, bridge: "virbr-kvmmt58", subnet: 58, start: false });
    session = await startPageSession({ bypassCSP: true });
    ({ cockpit, tab } = session);
});

afterAll(async () => {
    await session?.close();
    await removeVm(VM);
    await removeTestNetworks(PREFIX);
    cleanFiles();
    for (const path of made) rmSync(path, { force: true });
    for (const name of showcaseWritten) rmSync(file(name), { force: true });
});

test("damaged template files are listed with their error and left byte-identical", async () => {
    const brokenText = "{\n  \"version\": 1,\n  \"vcpus\": 2,,\n}\n";
    const badText = JSON.stringify({ version: 1, description: "", vcpus: 0, memoryMiB: 64, firmware: "bios", machine: "pc",
        osVariant: null, disks: [{ source: "new", sizeMiB: 64, format: "qcow2", location: "/var/../etc", bus: "virtio" }],
        interfaces: [], graphics: { vnc: false, serial: true }, autostart: false });
    writeFileSync(file(BROKEN), brokenText);
    writeFileSync(file(BAD_VALUES), badText);
    await openTemplates();
    const damaged = tab.page.locator("#kvm-damaged-templates");
    await expect(damaged.locator(`li[data-template-name="${BROKEN}"]`).textContent()).resolves.toMatch(/Not valid JSON: .* at line 3, column 14/);
    const bad = await damaged.locator(`li[data-template-name="${BAD_VALUES}"]`).textContent();
    expect(bad).toContain("vcpus:");
    expect(bad).toContain("disks.0.location:");
    expect(await row(BROKEN).count()).toBe(0);
    await assertNoSeriousAxeViolations(tab.page, "the Templates page with damaged files");
    expect(readFileSync(file(BROKEN), "utf8")).toBe(brokenText);
    expect(readFileSync(file(BAD_VALUES), "utf8")).toBe(badText);
});

test("a template made in the page is written as the schema reads it; wrong fields are named", async () => {
    const { page } = tab;
    await openTemplates();
    await page.locator("#kvm-template-new").click();
    await page.locator("#kvm-template-name").fill(MADE);
    await page.locator("#kvm-template-description").fill("Web server");
    await page.locator("#kvm-spec-vcpus").fill("two");
    await page.locator("#kvm-spec-memory").fill("128");
    await page.locator("#kvm-spec-machine").fill("pc");
    await page.locator("#kvm-spec-disk-0-source").selectOption("base-image");
    await page.locator("#kvm-spec-disk-0-image").fill("/var/lib/libvirt/images/base.qcow2");
    await page.locator("#kvm-spec-nic-0-type").selectOption("user");
    await page.locator("#kvm-spec-autostart").check();
    await page.locator("#kvm-template-save").click();
    // "two" is not a number: the field says so and nothing is written.
    await page.locator("#kvm-spec-vcpus[aria-invalid=true]").waitFor();
    expect(existsSync(file(MADE))).toBe(false);
    await assertNoSeriousAxeViolations(page, "the template editor with an error");
    await page.locator("#kvm-spec-vcpus").fill("2");
    await page.locator("#kvm-template-save").click();
    await row(MADE).waitFor();
    expect(readTemplate(MADE)).toEqual({
        version: 1, description: "Web server", vcpus: 2, memoryMiB: 128, firmware: "bios", machine: "pc", osVariant: null,
        disks: [{ source: "base-image", image: "/var/lib/libvirt/images/base.qcow2", clone: "linked", format: "qcow2", location: "/var/lib/libvirt/images", bus: "virtio" }],
        interfaces: [{ type: "user", model: "virtio" }], graphics: { vnc: true, serial: true }, autostart: true,
    });
    rmSync(file(BROKEN));
    rmSync(file(BAD_VALUES));
    for (const [name, values] of SHOWCASE) {
        if (existsSync(file(name))) continue;
        writeFileSync(file(name), JSON.stringify({ ...readTemplate(MADE), ...values }));
        showcaseWritten.push(name);
    }
    await openTemplates();
    await settled();
    await screenshot(page, "templates-light");
    await page.evaluate(() => localStorage.setItem("shell:style", "dark"));
    await openTemplates();
    expect(await page.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(true);
    await assertNoSeriousAxeViolations(page, "the Templates page, dark");
    await settled();
    await screenshot(page, "templates-dark");
    await page.evaluate(() => localStorage.removeItem("shell:style"));
    for (const name of showcaseWritten) rmSync(file(name));
});

test("two tabs edit one template: the second save is refused and the first one's change is kept", async () => {
    const other = await session.browser.newPage();
    try {
        const route = routeHash(namedRoutePath("template", MADE)).slice(1);
        await openTemplates(tab.page, route);
        await openTemplates(other.page, route);
        await tab.page.locator("#kvm-template-editor").waitFor();
        await other.page.locator("#kvm-template-editor").waitFor();
        await tab.page.locator("#kvm-spec-vcpus").fill("3");
        await other.page.locator("#kvm-spec-memory").fill("256");
        await tab.page.locator("#kvm-template-save").click();
        await tab.page.locator("#kvm-template-editor").waitFor({ state: "detached" });
        await other.page.locator("#kvm-template-save").click();
        await expect(other.page.locator("#kvm-template-save-error").textContent()).resolves.toContain("changed elsewhere");
        const saved = readTemplate(MADE);
        expect([saved.vcpus, saved.memoryMiB]).toEqual([3, 128]);
    } finally {
        await other.page.close();
    }
});

test("duplicate and delete", async () => {
    const { page } = tab;
    await openTemplates();
    await row(MADE).locator(".kvm-template-actions").click();
    await page.locator("[data-action=duplicate]").click();
    expect(await page.locator("#kvm-template-name").inputValue()).toBe(`${MADE} copy`);
    await page.locator("#kvm-template-save").click();
    await row(`${MADE} copy`).waitFor();
    expect(readTemplate(`${MADE} copy`)).toEqual(readTemplate(MADE));

    await row(`${MADE} copy`).locator(".kvm-template-actions").click();
    await page.locator("[data-action=delete]").click();
    await page.locator("#kvm-confirm-button").click();
    await row(`${MADE} copy`).waitFor({ state: "detached" });
    expect(existsSync(file(`${MADE} copy`))).toBe(false);
    expect(existsSync(file(MADE))).toBe(true);
});

test("save as template from a running VM, its disk copied as a base image, round-trips its values", async () => {
    const vm = await defineTinyVm({ name: VM, vcpus: 2, memoryMiB: 96, disks: 1, nics: 1, start: true });
    const { page } = tab;
    await page.goto(`${cockpit.pageAloneUrl}#/vm/${encodeURIComponent(VM)}`);
    await page.locator("#kvm-save-as-template:not([disabled])").click();
    await page.locator("#kvm-save-template-name").fill(SAVED);
    await page.locator("#kvm-save-template-description").fill("from a running VM");
    await page.locator("#kvm-save-template-use-disks").check();
    await assertNoSeriousAxeViolations(page, "the Save as template dialog");
    await page.locator("#kvm-save-template-save").click();
    await page.locator("#kvm-save-template-done").waitFor({ timeout: 60_000 });

    const template = readTemplate(SAVED);
    const base = template.disks[0];
    if (base.source !== "base-image") throw new Error(`disk 0 is ${base.source}`);
    made.push(base.image);
    expect(base.image.startsWith("/var/lib/libvirt/images/")).toBe(true);
    expect(template).toEqual({
        version: 1, description: "from a running VM", vcpus: 2, memoryMiB: 96, firmware: "bios",
        machine: /<type arch='x86_64' machine='([^']+)'/.exec(await virsh("dumpxml", "--inactive", "--domain", vm.uuid))?.[1], osVariant: null,
        disks: [{ source: "base-image", image: base.image, clone: "linked", format: "qcow2", location: TEST_IMAGE_DIR, bus: "virtio" }],
        interfaces: [{ type: "user", model: "virtio" }], graphics: { vnc: false, serial: false }, autostart: false,
    });
    // The copy is a complete qcow2 of the VM's 64 MiB disk, and the VM kept running on its own disk.
    const info = JSON.parse(await run("qemu-img", ["info", "-U", "--output=json", base.image])) as { format: string; "virtual-size": number; "backing-filename"?: string };
    expect([info.format, info["virtual-size"], info["backing-filename"]]).toEqual(["qcow2", 64 * 1024 * 1024, undefined]);
    expect(await domState(VM)).toBe("running");
    expect((await virsh("domblklist", "--domain", vm.uuid)).includes(vm.disks[0])).toBe(true);
});

test("network and bridge pickers: this host's networks (inactive marked) and bridges; a name from another host stays, with a warning", async () => {
    const { page } = tab;
    const handWritten: TemplateDocument = {
        version: 1, description: "written on another host", vcpus: 1, memoryMiB: 256, firmware: "uefi", machine: "q35", osVariant: null,
        disks: [], interfaces: [{ type: "network", network: GONE_NET, model: "virtio" }, { type: "bridge", bridge: GONE_BRIDGE, model: "e1000e" }],
        graphics: { vnc: false, serial: true }, autostart: false,
    };
    writeFileSync(file(ELSEWHERE), JSON.stringify(handWritten, null, 2));
    const route = routeHash(namedRoutePath("template", ELSEWHERE)).slice(1);
    const network = page.locator("#kvm-spec-nic-0-source");
    const bridge = page.locator("#kvm-spec-nic-1-source");
    const options = async (select: typeof network) => select.locator("option").allTextContents();
    // The form reads this host's networks once it opens; libvirt-dbus may be busy with another client's call.
    const listed = () => page.locator(`#kvm-spec-nic-0-source option[value="${NET}"]`).waitFor({ state: "attached", timeout: 60_000 });

    await openTemplates(page, route);
    await listed();
    expect(await network.inputValue()).toBe(GONE_NET);
    const networks = await options(network);
    expect(networks[0]).toBe(`${GONE_NET} (not on this host)`);
    expect(networks).toEqual(expect.arrayContaining([NET, `${NET_OFF} (inactive)`]));
    expect(await page.locator("#kvm-spec-nic-0-source-note").innerText()).toContain(`No libvirt network ${GONE_NET} on this host`);
    expect(await bridge.inputValue()).toBe(GONE_BRIDGE);
    const bridges = await options(bridge);
    expect(bridges[0]).toBe(`${GONE_BRIDGE} (not on this host)`);
    expect(bridges).toContain(BRIDGE);
    expect(await page.locator("#kvm-spec-nic-1-source-note").innerText()).toContain(`No bridge ${GONE_BRIDGE} on this host`);
    await assertNoSeriousAxeViolations(page, "the template editor with names this host lacks");
    // Tall enough for the whole editor, network interfaces included.
    await page.setViewportSize({ width: 1280, height: 1200 });
    await page.evaluate(() => Promise.all(document.getAnimations().map(a => a.finished)));
    await screenshot(page, "templates-editor");
    await page.evaluate(() => localStorage.setItem("shell:style", "dark"));
    await openTemplates(page, route);
    await listed();
    await assertNoSeriousAxeViolations(page, "the template editor, dark");
    await page.evaluate(() => Promise.all(document.getAnimations().map(a => a.finished)));
    await screenshot(page, "templates-editor-dark");
    await page.evaluate(() => localStorage.removeItem("shell:style"));
    await page.setViewportSize({ width: 1280, height: 800 });

    // Saved unchanged: the names from the other host are kept.
    await page.locator("#kvm-template-save").click();
    await page.locator("#kvm-template-editor").waitFor({ state: "detached" });
    expect(readTemplate(ELSEWHERE)).toEqual(handWritten);

    // Changed: this host's inactive network says it is not running; then the running one.
    await openTemplates(page, route);
    await listed();
    await network.selectOption(NET_OFF);
    expect(await page.locator("#kvm-spec-nic-0-source-note").innerText()).toContain("This network is not running");
    await network.selectOption(NET);
    expect(await page.locator("#kvm-spec-nic-0-source-note").count()).toBe(0);
    await bridge.selectOption(BRIDGE);
    // The missing names are no longer offered once something else is picked.
    expect(await options(network)).not.toContain(`${GONE_NET} (not on this host)`);
    await page.locator("#kvm-template-save").click();
    await page.locator("#kvm-template-editor").waitFor({ state: "detached" });
    expect(readTemplate(ELSEWHERE).interfaces).toEqual([
        { type: "network", network: NET, model: "virtio" }, { type: "bridge", bridge: BRIDGE, model: "e1000e" },
    ]);
});
