// The domain XML of a restore: disks point at the restored images without backing chains; a new VM
// gets its name, and no UUID, MAC addresses or NVRAM path of the original. Names with XML's special
// characters survive the round trip.
import { parseDomainXml } from "../../src/core/domain-xml";
import { restoreDomainXml, RestoreXmlError } from "../../src/core/backup/restore-xml";

const SAVED = `<domain type='kvm'>
  <name>web &amp; "db" &lt;1&gt; ü</name>
  <uuid>09a7c298-97aa-44a9-acd2-bd47e4a70c86</uuid>
  <memory unit='KiB'>65536</memory>
  <os firmware='efi'>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <nvram>/var/lib/libvirt/qemu/nvram/web_VARS.fd</nvram>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/images/overlay.qcow2'/>
      <backingStore type='file'>
        <format type='qcow2'/>
        <source file='/images/base.qcow2'/>
      </backingStore>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='block' device='disk'>
      <driver name='qemu' type='raw'/>
      <source dev='/dev/vg0/data'/>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:11:22:33'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
  </devices>
</domain>
`;

const DISKS = [
    { target: "vda", path: "/restore/new 'one' & <two>.qcow2", format: "qcow2" },
    { target: "vdb", path: "/restore/data.raw", format: "raw" },
];

test("over the same VM: disks point at the restored flat images, everything else is kept", () => {
    const xml = restoreDomainXml(SAVED, { disks: DISKS });
    const d = parseDomainXml(xml);
    expect(d.name).toBe("web & \"db\" <1> ü");
    expect(d.uuid).toBe("09a7c298-97aa-44a9-acd2-bd47e4a70c86");
    expect(d.disks.map(x => [x.target, x.sourceType, x.source, x.format])).toEqual([
        ["vda", "file", "/restore/new 'one' & <two>.qcow2", "qcow2"],
        ["vdb", "file", "/restore/data.raw", "raw"],
        ["sda", "file", null, "raw"],
    ]);
    expect(xml).not.toContain("backingStore");
    expect(xml).not.toContain("base.qcow2");
    expect(d.interfaces[0].mac).toBe("52:54:00:11:22:33");
    expect(xml).toContain("web_VARS.fd");
});

test("as a new VM: new name, no UUID, no MAC, no NVRAM path", () => {
    const xml = restoreDomainXml(SAVED, { disks: DISKS, newName: "copy $(id) & 'x'" });
    const d = parseDomainXml(xml);
    expect(d.name).toBe("copy $(id) & 'x'");
    expect(d.uuid).toBeNull();
    expect(d.interfaces.map(i => [i.type, i.source, i.mac])).toEqual([["network", "default", null]]);
    expect(d.firmware).toBe("uefi");
    expect(xml).not.toContain("nvram");
});

test("a disk the saved XML does not have, or XML that is not a domain, is an error", () => {
    expect(() => restoreDomainXml(SAVED, { disks: [{ target: "vdz", path: "/x", format: "raw" }] })).toThrow(new RestoreXmlError("the saved domain XML has no disk vdz"));
    expect(() => restoreDomainXml("<network/>", { disks: [] })).toThrow(RestoreXmlError);
});
