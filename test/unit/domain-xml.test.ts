import { DomainXmlError, parseDomainXml, toKiB } from "../../src/core/domain-xml";

const XML = `<domain type='kvm' id='3'>
  <name>web &amp; db 'ünï' $(x)</name>
  <uuid>6f1c7c3a-1111-2222-3333-444455556666</uuid>
  <description>Front end &lt;prod&gt;</description>
  <memory unit='GiB'>4</memory>
  <currentMemory unit='MiB'>2048</currentMemory>
  <vcpu placement='static' current='2'>4</vcpu>
  <os firmware='efi'>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
  </os>
  <cpu mode='custom' match='exact'><model fallback='allow'>Skylake-Client</model></cpu>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/web 1.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <boot order='2'/>
    </disk>
    <disk type='volume' device='disk'>
      <driver name='qemu' type='raw'/>
      <source pool='default' volume='data.img'/>
      <target dev='sdb' bus='scsi'/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='sdc' bus='sata'/>
      <readonly/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:aa:bb:01'/>
      <source network='default'/>
      <target dev='vnet3'/>
      <model type='virtio'/>
      <boot order='1'/>
    </interface>
    <interface type='bridge'>
      <mac address='52:54:00:aa:bb:02'/>
      <source bridge='br0'/>
      <model type='e1000e'/>
    </interface>
  </devices>
</domain>`;

describe("parseDomainXml", () => {
    const d = parseDomainXml(XML);

    test("identity and text with entities", () => {
        expect(d.name).toBe("web & db 'ünï' $(x)");
        expect(d.uuid).toBe("6f1c7c3a-1111-2222-3333-444455556666");
        expect(d.description).toBe("Front end <prod>");
        expect(d.hypervisor).toBe("kvm");
    });

    test("CPU, memory units, firmware", () => {
        expect(d.vcpus).toBe(4);
        expect(d.currentVcpus).toBe(2);
        expect(d.cpuModel).toBe("Skylake-Client");
        expect(d.cpuMode).toBe("custom");
        expect(d.memoryKiB).toBe(4 * 1024 * 1024);
        expect(d.currentMemoryKiB).toBe(2048 * 1024);
        expect(d.firmware).toBe("uefi");
        expect([d.osType, d.arch, d.machine]).toEqual(["hvm", "x86_64", "pc-q35-7.2"]);
    });

    test("per-device boot order", () => {
        expect(d.bootOrder).toEqual(["52:54:00:aa:bb:01", "vda"]);
    });

    test("disks: file, volume, empty cdrom", () => {
        expect(d.disks).toEqual([
            { device: "disk", target: "vda", bus: "virtio", sourceType: "file", source: "/var/lib/libvirt/images/web 1.qcow2", format: "qcow2", readOnly: false },
            { device: "disk", target: "sdb", bus: "scsi", sourceType: "volume", source: "default/data.img", format: "raw", readOnly: false },
            { device: "cdrom", target: "sdc", bus: "sata", sourceType: "file", source: null, format: null, readOnly: true },
        ]);
    });

    test("interfaces", () => {
        expect(d.interfaces).toEqual([
            { type: "network", source: "default", mac: "52:54:00:aa:bb:01", model: "virtio", target: "vnet3", linkUp: true },
            { type: "bridge", source: "br0", mac: "52:54:00:aa:bb:02", model: "e1000e", target: null, linkUp: true },
        ]);
    });

    test("a minimal domain: defaults, <os><boot dev> order, BIOS", () => {
        const minimal = parseDomainXml(`<domain type='qemu'><name>m</name><memory>65536</memory><vcpu>1</vcpu>
            <os><type>hvm</type><boot dev='cdrom'/><boot dev='hd'/></os></domain>`);
        expect(minimal.bootOrder).toEqual(["cdrom", "hd"]);
        expect(minimal.firmware).toBe("bios");
        expect(minimal.memoryKiB).toBe(65536);
        expect(minimal.currentVcpus).toBe(1);
        expect(minimal.disks).toEqual([]);
        expect(minimal.cpuModel).toBeNull();
    });

    test("pflash loader counts as UEFI", () => {
        expect(parseDomainXml(`<domain type='kvm'><name>u</name><os><type>hvm</type><loader type='pflash'>/x.fd</loader></os></domain>`).firmware)
            .toBe("uefi");
    });

    test("not a domain", () => {
        expect(() => parseDomainXml("<network><name>x</name></network>")).toThrow(DomainXmlError);
        expect(() => parseDomainXml("")).toThrow(DomainXmlError);
    });
});

describe("toKiB", () => {
    test("units libvirt accepts", () => {
        expect(toKiB("1", "GiB")).toBe(1048576);
        expect(toKiB("1", "G")).toBe(1048576);
        expect(toKiB("1000", "KB")).toBe(977);
        expect(toKiB("2048", "b")).toBe(2);
        expect(toKiB("5", null)).toBe(5);
        expect(toKiB("x", "KiB")).toBeNull();
        expect(toKiB("5", "furlongs")).toBeNull();
    });
});
