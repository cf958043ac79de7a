// The clone's plan and domain XML: checked by parsing the answer back, never by comparing strings.
import { parseDomainXml } from "../../src/core/domain-xml";
import { cloneDomainXml, CloneXmlError, defaultCloneName, LIBVIRT_NVRAM_DIR, planClone, planNvramCopy } from "../../src/core/vm-clone";

const ORIGINAL_NAME = `web "prod" $(id) #1 ü`;
const XML = `<domain type='kvm'>
  <name>web &quot;prod&quot; $(id) #1 ü</name>
  <uuid>4b1c5a0e-93c1-4d6e-8a4f-2f7b0f7d3a11</uuid>
  <metadata><app:x xmlns:app="urn:example">kept as it is</app:x></metadata>
  <memory unit='KiB'>65536</memory>
  <vcpu placement='static'>1</vcpu>
  <os firmware='efi'>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
    <nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>/var/lib/libvirt/qemu/nvram/web_VARS.fd</nvram>
    <boot dev='hd'/>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/libvirt/images/web &amp; "root".qcow2'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/srv/data/web-data.qcow2'/>
      <backingStore type='file'><format type='qcow2'/><source file='/srv/data/base.qcow2'/><backingStore/></backingStore>
      <target dev='vdb' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/isos/debian.iso'/>
      <target dev='sda' bus='sata'/>
      <readonly/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:aa:bb:cc'/>
      <source network='default'/>
      <target dev='vnet3'/>
      <model type='virtio'/>
    </interface>
    <interface type='bridge'>
      <mac address='52:54:00:aa:bb:cd'/>
      <source bridge='br0'/>
      <model type='e1000'/>
    </interface>
  </devices>
</domain>`;

const original = parseDomainXml(XML);

describe("planClone", () => {
    test("writable file disks are copied beside the original, named after the new VM; CD-ROMs are shared", () => {
        const plan = planClone(original, "web clone", "full");
        expect(plan.copies).toEqual([
            { target: "vda", from: `/var/lib/libvirt/images/web & "root".qcow2`, to: "/var/lib/libvirt/images/web_clone-vda.qcow2", format: "qcow2" },
            { target: "vdb", from: "/srv/data/web-data.qcow2", to: "/srv/data/web_clone-vdb.qcow2", format: "qcow2" },
        ]);
        expect(plan.blockers).toEqual([]);
        expect(plan.linkedPossible).toBe(true);
    });

    test("a raw disk keeps its format and .img in a full copy, and rules out a linked clone", () => {
        const raw = { ...original, disks: [{ ...original.disks[0], format: "raw", source: "/img/a.img" }] };
        const plan = planClone(raw, "b", "full");
        expect(plan.copies.map(c => [c.to, c.format])).toEqual([["/img/b-vda.img", "raw"]]);
        expect(plan.linkedPossible).toBe(false);
        expect(planClone(raw, "b", "linked").copies[0].to).toBe("/img/b-vda.qcow2");
    });

    test("a block device, network or pool volume disk blocks the clone; a VM without disks can be cloned fully only", () => {
        const blocked = { ...original, disks: [{ ...original.disks[0], sourceType: "block", source: "/dev/vg/web" }] };
        expect(planClone(blocked, "b").blockers).toEqual([{ target: "vda", sourceType: "block" }]);
        const empty = planClone({ ...original, disks: [] }, "b");
        expect([empty.copies, empty.blockers, empty.linkedPossible]).toEqual([[], [], false]);
    });

    test("the copies are named after the new VM, as plain ASCII beside the original", () => {
        expect(planClone(original, `$(rm -rf /) "x" \u202Eevil`).copies.map(copy => copy.to))
            .toEqual(["/var/lib/libvirt/images/rm_-rf_x_evil-vda.qcow2", "/srv/data/rm_-rf_x_evil-vdb.qcow2"]);
    });

    test("the clone suggestion is free", () => {
        expect(defaultCloneName("web", ["web", "web-clone", "web-clone-2"])).toBe("web-clone-3");
    });
});

describe("cloneDomainXml", () => {
    test("full copy: new name, no UUID, no MACs, no nvram file, the copies' paths, nothing else changed", () => {
        const plan = planClone(original, `clone "ü" $(id) & <b>`, "full");
        const xml = cloneDomainXml(XML, { name: `clone "ü" $(id) & <b>`, copies: plan.copies, mode: "full" });
        const clone = parseDomainXml(xml);
        expect(clone.name).toBe(`clone "ü" $(id) & <b>`);
        expect(clone.uuid).toBeNull();
        expect(clone.interfaces.map(nic => [nic.type, nic.source, nic.mac, nic.model, nic.target])).toEqual([
            ["network", "default", null, "virtio", null], ["bridge", "br0", null, "e1000", null],
        ]);
        expect(clone.disks.map(d => [d.target, d.source, d.format])).toEqual([
            ["vda", plan.copies[0].to, "qcow2"], ["vdb", plan.copies[1].to, "qcow2"], ["sda", "/isos/debian.iso", "raw"],
        ]);
        expect(xml).not.toContain("backingStore");
        expect(xml).not.toContain("web_VARS.fd");
        expect(clone.firmware).toBe("uefi");
        expect(clone.memoryKiB).toBe(original.memoryKiB);
        expect(clone.bootOrder).toEqual(original.bootOrder);
        expect(xml).toContain("kept as it is");
        // The original's XML is left alone.
        expect(parseDomainXml(XML).name).toBe(ORIGINAL_NAME);
    });

    test("linked clone: qcow2 overlays whose backing file is the original disk, keeping an existing chain", () => {
        const plan = planClone(original, "lc", "linked");
        const xml = cloneDomainXml(XML, { name: "lc", copies: plan.copies, mode: "linked" });
        expect(parseDomainXml(xml).disks.map(d => [d.source, d.format])).toEqual([
            ["/var/lib/libvirt/images/lc-vda.qcow2", "qcow2"], ["/srv/data/lc-vdb.qcow2", "qcow2"], ["/isos/debian.iso", "raw"],
        ]);
        // Read back as a document: each overlay's backingStore names the original, then the original's own chain.
        const { XMLParser } = jest.requireActual<typeof import("fast-xml-parser")>("fast-xml-parser");
        const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: n => n === "disk" }).parse(xml) as {
            domain: { devices: { disk: { backingStore?: { "@type": string; format: { "@type": string }; source: { "@file": string };
                backingStore: unknown } }[] } };
        };
        const [vda, vdb, cdrom] = doc.domain.devices.disk;
        expect(vda.backingStore?.source["@file"]).toBe(`/var/lib/libvirt/images/web & "root".qcow2`);
        expect(vda.backingStore?.format["@type"]).toBe("qcow2");
        expect(vda.backingStore?.backingStore).toBe("");
        expect(vdb.backingStore?.source["@file"]).toBe("/srv/data/web-data.qcow2");
        expect(vdb.backingStore?.backingStore).toMatchObject({ source: { "@file": "/srv/data/base.qcow2" } });
        expect(cdrom.backingStore).toBeUndefined();
    });

    test("UEFI: the clone's own variables file, a copy of the original's named in its definition", () => {
        const nvram = planNvramCopy(XML, ORIGINAL_NAME, `clone "ü" & <b>`);
        expect(nvram).toEqual({ from: "/var/lib/libvirt/qemu/nvram/web_VARS.fd", to: `/var/lib/libvirt/qemu/nvram/clone "ü" & <b>_VARS.fd`, format: "raw" });
        const xml = cloneDomainXml(XML, { name: `clone "ü" & <b>`, copies: [], mode: "full", nvram });
        const { XMLParser } = jest.requireActual<typeof import("fast-xml-parser")>("fast-xml-parser");
        const os = (new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(xml) as { domain: { os: { nvram: unknown } } }).domain.os;
        expect(os.nvram).toBe(`/var/lib/libvirt/qemu/nvram/clone "ü" & <b>_VARS.fd`);
    });

    test("UEFI chosen by libvirt (no file named yet): libvirt's default file of the original; qcow2 variables stay qcow2; BIOS has none", () => {
        const auto = `<domain><name>a</name><os firmware='efi'><type>hvm</type></os></domain>`;
        expect(planNvramCopy(auto, "a #1", "b")).toEqual({ from: `${LIBVIRT_NVRAM_DIR}/a #1_VARS.fd`, to: `${LIBVIRT_NVRAM_DIR}/b_VARS.fd`, format: "raw" });
        const qcow2 = `<domain><name>a</name><os><loader type='pflash'>/c.fd</loader><nvram format='qcow2'>/srv/vars/a.qcow2</nvram></os></domain>`;
        const copy = planNvramCopy(qcow2, "a", "b");
        expect(copy).toEqual({ from: "/srv/vars/a.qcow2", to: "/srv/vars/b_VARS.fd", format: "qcow2" });
        expect(cloneDomainXml(qcow2, { name: "b", copies: [], mode: "full", nvram: copy })).toContain(`<nvram format="qcow2">/srv/vars/b_VARS.fd</nvram>`);
        expect(planNvramCopy(`<domain><name>a</name><os><type>hvm</type></os></domain>`, "a", "b")).toBeNull();
        expect(planNvramCopy(`<domain><name>a</name></domain>`, "a", "b")).toBeNull();
    });

    test("XML that is not a domain is refused with a clear error", () => {
        expect(() => cloneDomainXml("<network/>", { name: "x", copies: [], mode: "full" })).toThrow(CloneXmlError);
        expect(() => cloneDomainXml("<domain><name>x</name", { name: "x", copies: [], mode: "full" })).toThrow(CloneXmlError);
    });
});
