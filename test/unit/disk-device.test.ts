import { parseDomainXml } from "../../src/core/domain-xml";
import {
    AFFECT_CONFIG, AFFECT_LIVE, attachPlan, buildDiskXml, detachPlan, diskElementXml, DiskNotFoundError, diskSourceType,
    mediumChangeFlags, mediumChangeXml, nextDiskTarget,
} from "../../src/core/storage/disk-device";

// The disk XML goes into a domain and is read back as the details page reads it.
const readBack = (diskXml: string) => parseDomainXml(`<domain type='kvm'><name>x</name><devices>${diskXml}</devices></domain>`).disks;

// `virsh dumpxml` of a running VM (libvirt 9.0), shortened.
const RUNNING_XML = `<domain type='qemu' id='3'>
  <name>vm</name>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/a &amp; b.qcow2' index='2'/>
      <backingStore/>
      <target dev='vda' bus='virtio'/>
      <alias name='virtio-disk0'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x04' function='0x0'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/iso/old.iso' index='1'/>
      <backingStore/>
      <target dev='sda' bus='sata'/>
      <readonly/>
      <alias name='sata0-0-0'/>
      <address type='drive' controller='0' bus='0' target='0' unit='0'/>
    </disk>
  </devices>
</domain>`;

describe("new disk XML", () => {
    test("a file disk and a block disk read back with their source, format, target and bus", () => {
        const path = `/srv/pool "x" & <y> ü/disk 1.qcow2`;
        expect(readBack(buildDiskXml({ device: "disk", sourceType: "file", path, format: "qcow2", target: "vdb", bus: "virtio" })))
            .toEqual([{ device: "disk", target: "vdb", bus: "virtio", sourceType: "file", source: path, format: "qcow2", readOnly: false }]);
        expect(readBack(buildDiskXml({ device: "disk", sourceType: "block", path: "/dev/vg/lv", format: "raw", target: "sdb", bus: "sata" }))[0])
            .toMatchObject({ sourceType: "block", source: "/dev/vg/lv", bus: "sata" });
    });

    test("a CD/DVD drive is read-only, and may be empty", () => {
        expect(readBack(buildDiskXml({ device: "cdrom", sourceType: "file", path: null, format: "raw", target: "sdc", bus: "sata" })))
            .toEqual([{ device: "cdrom", target: "sdc", bus: "sata", sourceType: "file", source: null, format: "raw", readOnly: true }]);
    });

    test("volumes of file pools are files, of block pools devices", () => {
        expect(["dir", "fs", "netfs", null].map(diskSourceType)).toEqual(["file", "file", "file", "file"]);
        expect(["logical", "disk", "iscsi"].map(diskSourceType)).toEqual(["block", "block", "block"]);
    });
});

describe("targets", () => {
    test("the first free name on the bus's prefix, counting both definitions", () => {
        expect(nextDiskTarget("virtio", [])).toBe("vda");
        expect(nextDiskTarget("virtio", ["vda", "sda", "vdc"])).toBe("vdb");
        expect(nextDiskTarget("sata", ["vda", "sda"])).toBe("sdb");
        expect(nextDiskTarget("scsi", ["sda", "sdb"])).toBe("sdc");
        const all = Array.from({ length: 26 }, (_, i) => `vd${String.fromCharCode(97 + i)}`);
        expect(nextDiskTarget("virtio", all)).toBe("vdaa");
    });
});

describe("when a change takes effect", () => {
    test("attach: a running VM hot-plugs virtio, SCSI and USB; SATA waits for the next boot; a shut-off VM changes its definition", () => {
        expect(attachPlan("running", "virtio")).toEqual({ flags: AFFECT_LIVE | AFFECT_CONFIG, timing: "now" });
        expect(attachPlan("paused", "usb")).toEqual({ flags: AFFECT_LIVE | AFFECT_CONFIG, timing: "now" });
        expect(attachPlan("running", "sata")).toEqual({ flags: AFFECT_CONFIG, timing: "next-boot" });
        expect(attachPlan("shut-off", "virtio")).toEqual({ flags: AFFECT_CONFIG, timing: "now" });
    });

    test("detach: live where attached and hot-pluggable, config where defined", () => {
        expect(detachPlan({ state: "running", bus: "virtio", inLive: true, inConfig: true })).toEqual({ flags: 3, timing: "now" });
        expect(detachPlan({ state: "running", bus: "sata", inLive: true, inConfig: true })).toEqual({ flags: 2, timing: "next-boot" });
        // Attached for the next boot only: nothing to unplug from the guest.
        expect(detachPlan({ state: "running", bus: "sata", inLive: false, inConfig: true })).toEqual({ flags: 2, timing: "now" });
        // Removed from the definition already, still in the guest.
        expect(detachPlan({ state: "running", bus: "virtio", inLive: true, inConfig: false })).toEqual({ flags: 1, timing: "now" });
        expect(detachPlan({ state: "shut-off", bus: "virtio", inLive: true, inConfig: true })).toEqual({ flags: 2, timing: "now" });
    });

    test("medium change: live and config on a running VM", () => {
        expect(mediumChangeFlags("running")).toBe(3);
        expect(mediumChangeFlags("shut-off")).toBe(2);
    });
});

describe("existing disks' elements", () => {
    test("the element for detach keeps every field of the device", () => {
        const [disk] = readBack(diskElementXml(RUNNING_XML, "vda"));
        expect(disk).toEqual({
            device: "disk", target: "vda", bus: "virtio", sourceType: "file", source: "/var/lib/libvirt/images/a & b.qcow2",
            format: "qcow2", readOnly: false,
        });
        expect(diskElementXml(RUNNING_XML, "vda")).toContain("virtio-disk0");
        expect(() => diskElementXml(RUNNING_XML, "vdz")).toThrow(DiskNotFoundError);
    });

    test("a medium change replaces only the source; eject removes it", () => {
        const iso = `/iso/new "é" & <x>.iso`;
        const inserted = mediumChangeXml(RUNNING_XML, "sda", iso);
        expect(readBack(inserted)).toEqual([{ device: "cdrom", target: "sda", bus: "sata", sourceType: "file", source: iso, format: "raw", readOnly: true }]);
        expect(inserted).toContain("sata0-0-0");
        expect(inserted).not.toContain("index=");
        expect(readBack(mediumChangeXml(RUNNING_XML, "sda", null))[0]).toMatchObject({ source: null, readOnly: true, bus: "sata" });
        expect(() => mediumChangeXml(RUNNING_XML, "vda", iso)).toThrow("not a CD/DVD drive");
    });
});
