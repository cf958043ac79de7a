// Templates, the pure part: the document schema (what a hand-edited file may hold), the domain XML of a
// new VM read back through the same parser the details page uses, templates made from a VM's XML, and
// the name patterns of "Create several".
import { describeDocumentError, parseDocument, serialiseDocument, validateDocument } from "../../src/core/config/documents";
import { documentKindNamed } from "../../src/core/config/kinds";
import { parseDomainXml } from "../../src/core/domain-xml";
import { createPlanSchema, newDiskFile, uniqueFileStem } from "../../src/core/template/create-plan";
import { buildDomainXml } from "../../src/core/template/domain-builder";
import { templateFromDomain } from "../../src/core/template/from-domain";
import { defaultSpec, specOfTemplate, TEMPLATE_KIND, type TemplateDocument } from "../../src/core/template/template-document";
import { formOfSpec, specOfForm, type FormDisk } from "../../src/core/template/spec-form";
import { expandNamePattern } from "../../src/core/template/name-pattern";
import { XMLParser } from "fast-xml-parser";

const TEMPLATE: TemplateDocument = {
    version: 1,
    description: "Web server, Debian 12",
    vcpus: 2,
    memoryMiB: 2048,
    firmware: "uefi",
    machine: "q35",
    osVariant: "http://debian.org/debian/12",
    disks: [
        { source: "base-image", image: "/var/lib/libvirt/images/debian 12 base.qcow2", clone: "linked", format: "qcow2", location: "/var/lib/libvirt/images", bus: "virtio" },
        { source: "new", sizeMiB: 4096, format: "raw", location: "/srv/pool & more", bus: "sata" },
        { source: "cdrom", image: "/isos/debian.iso" },
    ],
    interfaces: [
        { type: "network", network: "default", model: "virtio" },
        { type: "bridge", bridge: "br0", model: "e1000e" },
    ],
    graphics: { vnc: true, serial: false },
    autostart: true,
};

function issuePaths(doc: unknown): string[] {
    const r = validateDocument(TEMPLATE_KIND, doc);
    if (r.ok) throw new Error("valid");
    if (r.error.problem !== "schema") throw new Error(describeDocumentError(r.error));
    return r.error.issues.map(i => i.path);
}

describe("template documents", () => {
    test("a full template reads back as written, and the kind is registered", () => {
        const text = serialiseDocument(TEMPLATE_KIND, TEMPLATE);
        const back = parseDocument(TEMPLATE_KIND, text);
        expect(back).toEqual({ ok: true, value: TEMPLATE, migratedFrom: null });
        expect(documentKindNamed("templates")).toBe(TEMPLATE_KIND);
    });

    test("each bad value is named by its field", () => {
        expect(issuePaths({ ...TEMPLATE, vcpus: 0 })).toEqual(["vcpus"]);
        expect(issuePaths({ ...TEMPLATE, memoryMiB: 1.5 })).toEqual(["memoryMiB"]);
        expect(issuePaths({ ...TEMPLATE, firmware: "coreboot" })).toEqual(["firmware"]);
        expect(issuePaths({ ...TEMPLATE, machine: "q35; rm -rf /" })).toEqual(["machine"]);
        expect(issuePaths({ ...TEMPLATE, osVariant: "debian 12" })).toEqual(["osVariant"]);
        expect(issuePaths({ ...TEMPLATE, unknown: 1 })).toEqual([""]);
        expect(issuePaths({ ...TEMPLATE, graphics: { vnc: true } })).toEqual(["graphics.serial"]);
    });

    test("disk paths cannot climb out or hide; a linked clone is qcow2", () => {
        const withDisk = (disk: unknown) => ({ ...TEMPLATE, disks: [disk] });
        const newDisk = { source: "new", sizeMiB: 10, format: "qcow2", location: "/var/lib/libvirt/images", bus: "virtio" };
        expect(issuePaths(withDisk({ ...newDisk, location: "/var/lib/../../etc" }))).toEqual(["disks.0.location"]);
        expect(issuePaths(withDisk({ ...newDisk, location: "relative/dir" }))).toEqual(["disks.0.location"]);
        expect(issuePaths(withDisk({ ...newDisk, location: "/var//lib" }))).toEqual(["disks.0.location"]);
        expect(issuePaths(withDisk({ ...newDisk, location: "/var/lib/\u202eevil" }))).toEqual(["disks.0.location"]);
        expect(issuePaths(withDisk({ ...newDisk, sizeMiB: 0 }))).toEqual(["disks.0.sizeMiB"]);
        expect(issuePaths(withDisk({ source: "base-image", image: "/b.qcow2", clone: "linked", format: "raw", location: "/x", bus: "virtio" })))
            .toEqual(["disks.0.format"]);
        expect(issuePaths(withDisk({ source: "floppy", image: "/a" }))).toEqual(["disks.0.source"]);
    });

    test("hand-edited text: broken JSON and a missing version are errors, never defaults", () => {
        const broken = parseDocument(TEMPLATE_KIND, "{\n  \"version\": 1,\n  \"vcpus\": 2,,\n}");
        expect(broken.ok).toBe(false);
        if (!broken.ok) expect(describeDocumentError(broken.error)).toMatch(/line 3/);
        const noVersion = parseDocument(TEMPLATE_KIND, JSON.stringify({ ...TEMPLATE, version: undefined }));
        expect(noVersion.ok ? null : noVersion.error).toEqual({ problem: "version", found: null, supported: 1 });
        const future = parseDocument(TEMPLATE_KIND, JSON.stringify({ ...TEMPLATE, version: 2 }));
        expect(future.ok ? null : future.error).toEqual({ problem: "version", found: 2, supported: 1 });
    });

    test("a VM description is the template without its version and description", () => {
        const spec = specOfTemplate(TEMPLATE);
        expect(Object.keys(spec).sort()).toEqual(["autostart", "disks", "firmware", "graphics", "interfaces", "machine", "memoryMiB", "osVariant", "vcpus"]);
        expect(createPlanSchema.safeParse({ version: 1, name: "web 1", spec, start: false }).success).toBe(true);
        expect(createPlanSchema.safeParse({ version: 1, name: "a/b", spec, start: false }).success).toBe(false);
        expect(createPlanSchema.safeParse({ version: 1, name: "web", spec: defaultSpec(), start: false }).success).toBe(true);
    });
});

describe("domain XML of a new VM", () => {
    const name = "web \"01\" <&> $(reboot) \u200f";
    const uuid = "6a1f0a52-3c39-4e8e-8d4b-0b1c2d3e4f50";
    const files = TEMPLATE.disks.map((disk, i) => newDiskFile(disk, name, uuid, i) ?? { path: (disk as { image: string }).image, format: "raw" });
    const xml = buildDomainXml({ name, uuid, virtType: "kvm", spec: specOfTemplate(TEMPLATE), diskFiles: files });
    const domain = parseDomainXml(xml);

    test("holds the template's values, read back by the details page's parser", () => {
        expect(domain.name).toBe(name);
        expect(domain.uuid).toBe(uuid);
        expect(domain.hypervisor).toBe("kvm");
        expect(domain.vcpus).toBe(2);
        expect(domain.memoryKiB).toBe(2048 * 1024);
        expect(domain.firmware).toBe("uefi");
        expect(domain.machine).toBe("q35");
        expect(domain.bootOrder).toEqual(["cdrom", "hd"]);
        expect(domain.disks).toEqual([
            { device: "disk", target: "vda", bus: "virtio", sourceType: "file", source: `/var/lib/libvirt/images/${uniqueFileStem(name, uuid)}-disk0.qcow2`, format: "qcow2", readOnly: false },
            { device: "disk", target: "sda", bus: "sata", sourceType: "file", source: `/srv/pool & more/${uniqueFileStem(name, uuid)}-disk1.raw`, format: "raw", readOnly: false },
            { device: "cdrom", target: "sdb", bus: "sata", sourceType: "file", source: "/isos/debian.iso", format: "raw", readOnly: true },
        ]);
        expect(domain.interfaces.map(i => [i.type, i.source, i.model])).toEqual([["network", "default", "virtio"], ["bridge", "br0", "e1000e"]]);
    });

    test("graphics, console, OS variant", () => {
        const tree = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(xml) as {
            domain: { metadata: Record<string, Record<string, { "@id": string }>>; devices: Record<string, unknown> };
        };
        expect(tree.domain.metadata["libosinfo:libosinfo"]["libosinfo:os"]["@id"]).toBe("http://debian.org/debian/12");
        expect(tree.domain.devices.graphics).toMatchObject({ "@type": "vnc", "@autoport": "yes" });
        expect(tree.domain.devices.serial).toBeUndefined();
    });

    test("UEFI: libvirt picks the firmware, a build without secure boot (which needs SMM); BIOS names none", () => {
        type Os = { "@firmware"?: string; firmware?: { feature: { "@enabled": string; "@name": string } } };
        const osOf = (x: string) => (new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(x) as { domain: { os: Os } }).domain.os;
        const uefi = osOf(xml);
        expect(uefi["@firmware"]).toBe("efi");
        expect(uefi.firmware).toEqual({ feature: { "@enabled": "no", "@name": "secure-boot" } });
        const bios = osOf(buildDomainXml({ name, uuid, virtType: "kvm", spec: { ...specOfTemplate(TEMPLATE), firmware: "bios" }, diskFiles: files }));
        expect(bios["@firmware"]).toBeUndefined();
        expect(bios.firmware).toBeUndefined();
        expect(parseDomainXml(buildDomainXml({ name, uuid, virtType: "kvm", spec: { ...specOfTemplate(TEMPLATE), firmware: "bios" }, diskFiles: files })).firmware).toBe("bios");
    });

    test("disk file names are sanitised and unique per VM", () => {
        expect(uniqueFileStem("../../etc/passwd", uuid)).toBe("etc_passwd-6a1f0a52");
        expect(uniqueFileStem("$(rm -rf /) \u202Eevil", uuid)).toBe("rm_-rf_evil-6a1f0a52");
        expect(uniqueFileStem("a b", uuid)).toBe("a_b-6a1f0a52");
        expect(uniqueFileStem("a_b", uuid)).toBe("a_b-6a1f0a52");
        expect(uniqueFileStem("a b", "7b2f0a52-0000-0000-0000-000000000000")).toBe("a_b-7b2f0a52");
    });

    test("a template made from this XML has the same values again", () => {
        const { template, leftOut } = templateFromDomain(xml, { vda: { baseImage: "/var/lib/libvirt/images/copy.qcow2" }, sda: { sizeMiB: 4096 } }, "again");
        expect(leftOut).toEqual([]);
        expect(template).toEqual({
            ...TEMPLATE,
            description: "again",
            autostart: false,
            disks: [
                { source: "base-image", image: "/var/lib/libvirt/images/copy.qcow2", clone: "linked", format: "qcow2", location: "/var/lib/libvirt/images", bus: "virtio" },
                TEMPLATE.disks[1],
                TEMPLATE.disks[2],
            ],
        });
        expect(validateDocument(TEMPLATE_KIND, template).ok).toBe(true);
    });
});

describe("name patterns", () => {
    test("ranges expand like a shell's", () => {
        expect(expandNamePattern("web-{01..10}")).toEqual({ ok: true, names: ["web-01", "web-02", "web-03", "web-04", "web-05", "web-06", "web-07", "web-08", "web-09", "web-10"] });
        expect(expandNamePattern("db{8..10}.lan")).toEqual({ ok: true, names: ["db8.lan", "db9.lan", "db10.lan"] });
        expect(expandNamePattern("x{3..1}")).toEqual({ ok: true, names: ["x3", "x2", "x1"] });
        expect(expandNamePattern("n{007..9}")).toEqual({ ok: true, names: ["n007", "n008", "n009"] });
        expect(expandNamePattern("only{5..5}")).toEqual({ ok: true, names: ["only5"] });
    });

    test("names with spaces, quotes, '#', '?', '%', $(...), unicode and RTL marks", () => {
        expect(expandNamePattern("web \"1\" #?% $(x) ü\u200f{1..2}")).toEqual({ ok: true, names: ["web \"1\" #?% $(x) ü\u200f1", "web \"1\" #?% $(x) ü\u200f2"] });
    });

    test("patterns that make no names, too many, or names a new VM cannot have", () => {
        expect(expandNamePattern("web")).toEqual({ ok: false, problem: { kind: "no-range" } });
        expect(expandNamePattern("{a..c}")).toEqual({ ok: false, problem: { kind: "no-range" } });
        expect(expandNamePattern("{1..2}-{1..2}")).toEqual({ ok: false, problem: { kind: "several-ranges" } });
        expect(expandNamePattern("w{1..101}")).toEqual({ ok: false, problem: { kind: "too-many", count: 101 } });
        expect(expandNamePattern("a/{1..2}")).toEqual({ ok: false, problem: { kind: "name", name: "a/1", problem: "slash" } });
        expect(expandNamePattern(" web{1..2}")).toEqual({ ok: false, problem: { kind: "name", name: " web1", problem: "edge-space" } });
        expect(expandNamePattern("web{1..3}", ["db", "web2"])).toEqual({ ok: false, problem: { kind: "name", name: "web2", problem: "taken" } });
    });
});

describe("the forms' view of a VM description", () => {
    test("reads back what it shows, sizes in GiB", () => {
        const spec = specOfTemplate(TEMPLATE);
        const form = formOfSpec(spec);
        expect(form.disks[1]).toMatchObject({ source: "new", sizeGiB: "4" });
        expect(specOfForm(form)).toEqual({ ok: true, spec });
        const half = specOfForm({ ...form, disks: [{ ...form.disks[1], sizeGiB: "0.5" } as FormDisk] });
        expect(half.ok && half.spec.disks[0]).toMatchObject({ source: "new", sizeMiB: 512 });
    });

    test("numbers stay as typed and wrong ones are named by the field the form shows", () => {
        const form = formOfSpec(specOfTemplate(TEMPLATE));
        expect(specOfForm({ ...form, vcpus: "two", memoryMiB: "" })).toEqual({ ok: false, fields: ["vcpus", "memoryMiB"] });
        expect(specOfForm({ ...form, vcpus: "1e2" })).toEqual({ ok: false, fields: ["vcpus"] });
        expect(specOfForm({ ...form, disks: [{ ...form.disks[1], sizeGiB: "-1" } as FormDisk] })).toEqual({ ok: false, fields: ["disks.0.sizeGiB"] });
        expect(specOfForm({ ...form, osVariant: "  " })).toMatchObject({ ok: true, spec: { osVariant: null } });
    });
});
