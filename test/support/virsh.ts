// Test VMs on the real libvirt, driven through virsh with argv arrays. Per-VM commands address a VM by
// its UUID: virsh would read a name such as "7" as a domain ID, and one starting with "--" as an option.
import { createHash } from "node:crypto";
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "./exec";
import { waitFor } from "./wait";

/** Every VM a test defines has a name that starts with this, so a run can clean up after a crashed one. */
export const TEST_PREFIX = "kvmm-test-";
export const LIBVIRT_URI = "qemu:///system";
/** Written by test/host/setup.sh: virt-type, and the OS guest's kernel and initramfs in guest/. */
export const TEST_STATE_DIR = "/var/lib/kvm-manager-test";
export const TEST_IMAGE_DIR = "/var/lib/libvirt/images/kvm-manager-test";
export const GUEST_READY_LINE = "kvm-manager test guest ready";

const GUEST_DIR = join(TEST_STATE_DIR, "guest");
const CONSOLE_DIR = join(TEST_STATE_DIR, "consoles");

export interface TestVm {
    name: string;
    uuid: string;
    /** The qcow2 files created for the VM, in target order (vda, vdb, ...). */
    disks: string[];
}

export interface VmDevices {
    /** Empty 64 MiB qcow2 disks to attach. */
    disks?: number;
    /** User-mode (SLIRP) NICs to attach: they need no bridge or dnsmasq on the host. */
    nics?: number;
    start?: boolean;
}

export interface TinyVmOptions extends VmDevices {
    name: string;
    memoryMiB?: number;
    vcpus?: number;
}

export interface GuestVmOptions extends VmDevices {
    name: string;
}

/** Runs `virsh -c qemu:///system ARGS...` in the C locale, so states read "shut off" in any locale. */
export function virsh(...args: string[]): Promise<string> {
    return run("virsh", ["-c", LIBVIRT_URI, ...args], { env: { ...process.env, LC_ALL: "C.UTF-8" } });
}

/** Runs a per-VM virsh command, e.g. `virshOn("start", name)` or `virshOn("setmem", name, "64M")`. */
export async function virshOn(command: string, name: string, ...args: string[]): Promise<string> {
    return virsh(command, "--domain", await requireUuid(name), ...args);
}

export function xmlEscape(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

function xmlUnescape(text: string): string {
    return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'")
        .replace(/&amp;/g, "&");
}

/**
 * A file name stem for a VM name: readable where the name is, and unique because different names that
 * sanitise alike ("a b", "a_b") differ in the hash.
 */
export function fileStem(name: string): string {
    const readable = name.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^\.+/, "_").slice(0, 64);
    const hash = createHash("sha256").update(name).digest("hex").slice(0, 10);
    return `${readable}-${hash}`;
}

/** The domain type for SeaBIOS-only VMs: "kvm" where setup.sh found KVM usable, else "qemu". */
export async function virtType(): Promise<"kvm" | "qemu"> {
    const file = join(TEST_STATE_DIR, "virt-type");
    let text: string;
    try {
        text = await readFile(file, "utf8");
    } catch {
        throw new Error(`${file} is missing: run test/host/setup.sh first`);
    }
    const type = text.trim();
    if (type !== "kvm" && type !== "qemu") throw new Error(`${file} holds "${type}", expected kvm or qemu`);
    return type;
}

export interface VmListEntry {
    uuid: string;
    name: string;
}

export async function listVms(): Promise<VmListEntry[]> {
    const out = await virsh("list", "--all", "--uuid", "--name");
    // Each line is "UUID NAME"; a UUID is 36 characters, and a name may hold spaces but no newline.
    return out.split("\n").filter(line => line.length > 37).map(line => ({
        uuid: line.slice(0, 36),
        name: line.slice(37),
    }));
}

export async function uuidOf(name: string): Promise<string | undefined> {
    return (await listVms()).find(vm => vm.name === name)?.uuid;
}

async function requireUuid(name: string): Promise<string> {
    const uuid = await uuidOf(name);
    if (uuid === undefined) throw new Error(`no VM named ${JSON.stringify(name)}`);
    return uuid;
}

function diskTarget(index: number): string {
    let suffix = "";
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) {
        suffix = String.fromCharCode(97 + ((n - 1) % 26)) + suffix;
    }
    return `vd${suffix}`;
}

async function createDisks(name: string, count: number): Promise<string[]> {
    await mkdir(TEST_IMAGE_DIR, { recursive: true });
    const paths: string[] = [];
    for (let i = 0; i < count; i++) {
        const path = join(TEST_IMAGE_DIR, `${fileStem(name)}-disk${i}.qcow2`);
        await run("qemu-img", ["create", "-q", "-f", "qcow2", path, "64M"]);
        paths.push(path);
    }
    return paths;
}

function deviceXml(disks: string[], nics: number): string {
    const diskXml = disks.map((path, i) =>
        `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/>` +
        `<source file='${xmlEscape(path)}'/><target dev='${diskTarget(i)}' bus='virtio'/></disk>`);
    const nicXml = Array.from({ length: nics }, () => `<interface type='user'><model type='virtio'/></interface>`);
    return [...diskXml, ...nicXml].join("\n    ");
}

async function defineFromXml(name: string, xml: string, disks: string[], start: boolean): Promise<TestVm> {
    const dir = await mkdtemp(join(tmpdir(), "kvmm-define-"));
    try {
        const file = join(dir, "domain.xml");
        await writeFile(file, xml);
        await virsh("define", "--file", file);
    } catch (err) {
        for (const disk of disks) await rm(disk, { force: true });
        throw err;
    } finally {
        await rm(dir, { recursive: true, force: true });
    }
    const uuid = await requireUuid(name);
    if (start) await virsh("start", "--domain", uuid);
    return { name, uuid, disks };
}

/**
 * Defines a VM without an OS: SeaBIOS finds nothing to boot and idles, which runs fine under KVM and
 * costs little, so lists and benchmarks can have hundreds. It ignores ACPI shutdown requests.
 */
export async function defineTinyVm(
    { name, memoryMiB = 64, vcpus = 1, disks = 0, nics = 0, start = false }: TinyVmOptions,
): Promise<TestVm> {
    const type = await virtType();
    const diskPaths = await createDisks(name, disks);
    const xml = `<domain type='${type}'>
  <name>${xmlEscape(name)}</name>
  <memory unit='MiB'>${memoryMiB}</memory>
  <vcpu>${vcpus}</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    ${deviceXml(diskPaths, nics)}
  </devices>
</domain>`;
    return defineFromXml(name, xml, diskPaths, start);
}

function consolePath(name: string): string {
    return join(CONSOLE_DIR, `${fileStem(name)}.log`);
}

/**
 * Defines the busybox OS guest built by test/host/build-guest.sh: it boots in about 8 s, answers ACPI
 * shutdown by powering off within a second, and reboots through libvirt's ACPI reboot. Always TCG
 * (type 'qemu'): its kernel hangs under KVM on nested hosts. Its serial console goes to a file that
 * libvirt empties on each start; see waitGuestReady.
 */
export async function defineGuestVm({ name, disks = 0, nics = 0, start = false }: GuestVmOptions): Promise<TestVm> {
    for (const file of ["vmlinuz", "initrd.gz"]) {
        try {
            await access(join(GUEST_DIR, file));
        } catch {
            throw new Error(`${join(GUEST_DIR, file)} is missing: run test/host/setup.sh first`);
        }
    }
    await mkdir(CONSOLE_DIR, { recursive: true });
    const diskPaths = await createDisks(name, disks);
    const xml = `<domain type='qemu'>
  <name>${xmlEscape(name)}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>${xmlEscape(join(GUEST_DIR, "vmlinuz"))}</kernel>
    <initrd>${xmlEscape(join(GUEST_DIR, "initrd.gz"))}</initrd>
    <cmdline>console=ttyS0 panic=-1</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>restart</on_reboot>
  <devices>
    <serial type='file'><source path='${xmlEscape(consolePath(name))}'/></serial>
    ${deviceXml(diskPaths, nics)}
  </devices>
</domain>`;
    return defineFromXml(name, xml, diskPaths, start);
}

/** The OS guest's serial console output since its last start ("" before the first). */
export async function readGuestConsole(name: string): Promise<string> {
    try {
        return await readFile(consolePath(name), "utf8");
    } catch {
        return "";
    }
}

/**
 * Waits until the OS guest has printed its ready line `occurrence` times since it was started: 1 after
 * a start, 2 after one reboot (a reboot keeps the console file).
 */
export async function waitGuestReady(name: string, { timeoutMs = 90_000, occurrence = 1 } = {}): Promise<void> {
    await waitFor(async () => (await readGuestConsole(name)).split(GUEST_READY_LINE).length - 1 >= occurrence,
        { timeoutMs, intervalMs: 250, message: `guest ${JSON.stringify(name)} to print "${GUEST_READY_LINE}"` });
}

/** The state as `virsh domstate` prints it: "running", "shut off", "paused", ... */
export async function domState(name: string): Promise<string> {
    return (await virshOn("domstate", name)).trim();
}

export async function waitForState(name: string, state: string, timeoutMs = 60_000): Promise<void> {
    let last = "";
    await waitFor(async () => (last = await domState(name)) === state,
        { timeoutMs, intervalMs: 250, message: () => `VM ${JSON.stringify(name)} to be "${state}" (last: "${last}")` });
}

async function stillDefined(uuid: string): Promise<boolean> {
    return (await listVms()).some(entry => entry.uuid === uuid);
}

async function removeByUuid(vm: VmListEntry): Promise<void> {
    let xml: string;
    try {
        xml = await virsh("dumpxml", "--inactive", "--domain", vm.uuid);
    } catch (err) {
        if (await stillDefined(vm.uuid)) throw err;
        return;
    }
    // Fails when the VM is not running, which is fine; whether the VM is gone is checked at the end.
    const destroyError = await virsh("destroy", "--domain", vm.uuid).then(() => undefined, (err: unknown) => err);
    try {
        // --remove-all-storage deletes disks in storage pools; our own qcow2 files are in no pool.
        await virsh("undefine", "--domain", vm.uuid, "--remove-all-storage", "--nvram", "--managed-save",
            "--snapshots-metadata", "--checkpoints-metadata");
    } catch (err) {
        // A transient VM disappears with destroy; anything else that is still there is an error.
        if (await stillDefined(vm.uuid)) throw err;
    }
    if (await stillDefined(vm.uuid)) {
        throw destroyError instanceof Error ? destroyError : new Error(`VM ${JSON.stringify(vm.name)} is still defined`);
    }
    const ownFiles = [...xml.matchAll(/<source file='([^']*)'/g)].map(match => xmlUnescape(match[1]))
        .filter(path => path.startsWith(`${TEST_IMAGE_DIR}/`));
    for (const path of [...ownFiles, consolePath(vm.name)]) await rm(path, { force: true });
}

/** Stops and undefines a VM with its storage, snapshots and NVRAM; a VM that does not exist is fine. */
export async function removeVm(name: string): Promise<void> {
    const uuid = await uuidOf(name);
    if (uuid !== undefined) await removeByUuid({ uuid, name });
}

/** Removes every VM whose name starts with `prefix`, a few at a time. */
export async function removeAllTestVms(prefix: string = TEST_PREFIX): Promise<void> {
    if (prefix === "") throw new Error("removeAllTestVms needs a non-empty prefix");
    const queue = (await listVms()).filter(vm => vm.name.startsWith(prefix));
    const worker = async (): Promise<void> => {
        for (let vm = queue.shift(); vm !== undefined; vm = queue.shift()) await removeByUuid(vm);
    };
    await Promise.all(Array.from({ length: 4 }, worker));
}
