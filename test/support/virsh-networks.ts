// Test networks and DHCP-client VMs on the real libvirt, through virsh. Test networks are isolated or
// NAT networks on bridges named virbr-kvmmt*, with subnets in 10.213.x.0/24; their guests send nothing
// but DHCP (iPXE's network boot), so no test traffic leaves this machine. libvirt's "default" network is
// never touched.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { virsh, xmlEscape, type TestVm, uuidOf } from "./virsh";

export const TEST_BRIDGE_PREFIX = "virbr-kvmmt";

async function withXmlFile<T>(xml: string, use: (file: string) => Promise<T>): Promise<T> {
    const dir = await mkdtemp(join(tmpdir(), "kvmm-net-"));
    try {
        const file = join(dir, "definition.xml");
        await writeFile(file, xml);
        return await use(file);
    } finally {
        await rm(dir, { recursive: true, force: true });
    }
}

export interface TestNetworkOptions {
    name: string;
    bridge: string;
    // The third octet of 10.213.x.0/24.
    subnet: number;
    mode?: "nat" | "isolated";
    start?: boolean;
}

export async function defineTestNetwork({ name, bridge, subnet, mode = "isolated", start = true }: TestNetworkOptions): Promise<void> {
    if (!bridge.startsWith(TEST_BRIDGE_PREFIX)) throw new Error(`test bridges are named ${TEST_BRIDGE_PREFIX}*`);
    const forward = mode === "nat" ? "<forward mode='nat'/>" : "";
    await withXmlFile(`<network><name>${xmlEscape(name)}</name>${forward}<bridge name='${bridge}'/>` +
        `<ip address='10.213.${subnet}.1' prefix='24'><dhcp><range start='10.213.${subnet}.100' end='10.213.${subnet}.200'/></dhcp></ip></network>`,
    file => virsh("net-define", "--file", file));
    if (start) await virsh("net-start", "--network", name);
}

export async function networkNames(): Promise<string[]> {
    return (await virsh("net-list", "--all", "--name")).split("\n").map(line => line.trim()).filter(line => line !== "");
}

/** `virsh net-info` as a record: Name, UUID, Active, Persistent, Autostart, Bridge. */
export async function netInfo(name: string): Promise<Record<string, string>> {
    const out = await virsh("net-info", "--network", name);
    return Object.fromEntries(out.split("\n").filter(l => l.includes(":"))
        .map(l => [l.slice(0, l.indexOf(":")).trim(), l.slice(l.indexOf(":") + 1).trim()]));
}

/** Stops and undefines every network whose name starts with `prefix` ("default" never matches a test prefix). */
export async function removeTestNetworks(prefix: string): Promise<void> {
    if (!prefix.startsWith("kvmm")) throw new Error("removeTestNetworks needs a test prefix");
    for (const name of (await networkNames()).filter(n => n.startsWith(prefix))) {
        await virsh("net-destroy", "--network", name).catch(() => undefined);
        await virsh("net-undefine", "--network", name).catch(() => undefined);
    }
}

/**
 * A VM without a disk that boots from the network: SeaBIOS runs iPXE, which asks the network's dnsmasq
 * for an address (a real DHCP lease), finds no boot file and gives up. TCG, since iPXE stops a nested
 * KVM guest here.
 */
export async function defineDhcpClientVm({ name, network, mac, start = true }: { name: string; network: string; mac?: string; start?: boolean }): Promise<TestVm> {
    const macXml = mac === undefined ? "" : `<mac address='${mac}'/>`;
    await withXmlFile(`<domain type='qemu'>
  <name>${xmlEscape(name)}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='network'/></os>
  <on_poweroff>destroy</on_poweroff>
  <devices>
    <interface type='network'>${macXml}<source network='${xmlEscape(network)}'/><model type='virtio'/></interface>
  </devices>
</domain>`, file => virsh("define", "--file", file));
    const uuid = await uuidOf(name);
    if (uuid === undefined) throw new Error(`VM ${name} was not defined`);
    if (start) await virsh("start", "--domain", uuid);
    return { name, uuid, disks: [] };
}
