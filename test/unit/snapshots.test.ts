import { parseDomainXml } from "../../src/core/domain-xml";
import {
    defaultSnapshotName, parseSnapshotXml, SnapshotXmlError, snapshotCreateXml, snapshotKindOptions, snapshotNameProblem,
    snapshotTree, type SnapshotRecord,
} from "../../src/core/snapshots";

// The shape `virsh snapshot-dumpxml` prints (libvirt 9.0), with the embedded <domain> shortened.
const SNAPSHOT_XML = `<domainsnapshot>
  <name>before upgrade &amp; "reboot" ü</name>
  <description>kernel 6.1 &lt;stable&gt;
second line</description>
  <state>running</state>
  <parent>
    <name>base</name>
  </parent>
  <creationTime>1764165909</creationTime>
  <memory snapshot='internal'/>
  <disks>
    <disk name='vda' snapshot='internal'/>
    <disk name='hdc' snapshot='no'/>
  </disks>
  <domain type='qemu'>
    <name>vm</name>
    <description>the domain's own description</description>
    <devices><disk type='file' device='disk'><target dev='vda'/></disk></devices>
  </domain>
</domainsnapshot>`;

describe("parseSnapshotXml", () => {
    test("reads name, description, parent, time, state, memory and disks, not the embedded domain's", () => {
        expect(parseSnapshotXml(SNAPSHOT_XML)).toEqual({
            name: "before upgrade & \"reboot\" ü",
            description: "kernel 6.1 <stable>\nsecond line",
            parent: "base",
            creationTime: 1764165909,
            state: "running",
            memory: "internal",
            disks: [{ name: "vda", snapshot: "internal" }, { name: "hdc", snapshot: "no" }],
        });
    });

    test("a root snapshot of a shut-off VM without description", () => {
        const record = parseSnapshotXml(`<domainsnapshot><name>base</name><state>shutoff</state>
            <creationTime>1700000000</creationTime><memory snapshot='no'/><disks><disk name='vda' snapshot='internal'/></disks>
            </domainsnapshot>`);
        expect(record).toEqual({
            name: "base", description: null, parent: null, creationTime: 1700000000, state: "shutoff", memory: "no",
            disks: [{ name: "vda", snapshot: "internal" }],
        });
    });

    test("names that look like numbers or have spaces stay strings, exactly", () => {
        expect(parseSnapshotXml("<domainsnapshot><name>007</name></domainsnapshot>").name).toBe("007");
        expect(parseSnapshotXml("<domainsnapshot><name> a  b </name></domainsnapshot>").name).toBe(" a  b ");
    });

    test("a missing or garbled creation time is null, a missing state unknown", () => {
        const record = parseSnapshotXml("<domainsnapshot><name>x</name><creationTime>soon</creationTime></domainsnapshot>");
        expect(record.creationTime).toBeNull();
        expect(record.state).toBe("unknown");
        expect(record.disks).toEqual([]);
    });

    test("XML without a snapshot name is refused", () => {
        expect(() => parseSnapshotXml("<domain><name>vm</name></domain>")).toThrow(SnapshotXmlError);
        expect(() => parseSnapshotXml("<domainsnapshot><description>x</description></domainsnapshot>")).toThrow(SnapshotXmlError);
        expect(() => parseSnapshotXml("")).toThrow(SnapshotXmlError);
    });
});

function snap(name: string, parent: string | null, creationTime: number | null): SnapshotRecord {
    return { name, parent, creationTime, description: null, state: "shutoff", memory: "no", disks: [] };
}

describe("snapshotTree", () => {
    test("parents before children, siblings oldest first, depth per level", () => {
        const rows = snapshotTree([
            snap("c2", "b", 40), snap("b", "a", 20), snap("a", null, 10), snap("c1", "b", 30), snap("d", "a", 25), snap("z", null, 5),
        ]);
        expect(rows.map(r => [r.snapshot.name, r.depth])).toEqual([
            ["z", 0], ["a", 0], ["b", 1], ["c1", 2], ["c2", 2], ["d", 1],
        ]);
    });

    test("equal times sort by name; a parent that is gone makes a root", () => {
        const rows = snapshotTree([snap("y", null, 1), snap("x", null, 1), snap("orphan", "deleted", 0)]);
        expect(rows.map(r => [r.snapshot.name, r.depth])).toEqual([["orphan", 0], ["x", 0], ["y", 0]]);
    });

    test("a parent cycle in corrupt metadata loses no snapshot", () => {
        const rows = snapshotTree([snap("p", "q", 1), snap("q", "p", 2), snap("r", null, 3)]);
        expect(rows.map(r => r.snapshot.name).sort()).toEqual(["p", "q", "r"]);
    });

    test("a chain of 5000 snapshots does not overflow the stack", () => {
        const chain = Array.from({ length: 5000 }, (_, i) => snap(`s${i}`, i === 0 ? null : `s${i - 1}`, i));
        const rows = snapshotTree(chain);
        expect(rows).toHaveLength(5000);
        expect(rows[4999]).toEqual({ snapshot: chain[4999], depth: 4999 });
    });

    test("no snapshots, no rows", () => {
        expect(snapshotTree([])).toEqual([]);
    });
});

describe("defaultSnapshotName", () => {
    const when = new Date(2026, 0, 2, 3, 4, 5);
    test("local date and time, zero-padded", () => {
        expect(defaultSnapshotName(when, [])).toBe("snapshot-2026-01-02-03-04-05");
    });
    test("a suffix when the name is taken", () => {
        expect(defaultSnapshotName(when, ["snapshot-2026-01-02-03-04-05"])).toBe("snapshot-2026-01-02-03-04-05-2");
        expect(defaultSnapshotName(when, ["snapshot-2026-01-02-03-04-05", "snapshot-2026-01-02-03-04-05-2"]))
            .toBe("snapshot-2026-01-02-03-04-05-3");
    });
    test("the default is always a valid name", () => {
        expect(snapshotNameProblem(defaultSnapshotName(when, []), [])).toBeNull();
    });
});

describe("snapshotNameProblem", () => {
    test.each([
        ["", "empty"], ["   ", "empty"], ["a/b", "slash"], ["/", "slash"], ["line\nbreak", "control"], ["tab\there", "control"],
        ["esc\u001b", "control"], [" lead", "edge-space"], ["trail ", "edge-space"], ["taken", "taken"],
    ])("%j is refused as %s", (name, problem) => {
        expect(snapshotNameProblem(name, ["taken", "other"])).toBe(problem);
    });

    test.each([
        "with spaces", "quotes \"and\" 'these'", "ünïcødé", "$(rm -rf ~)", "#1?x=%20&y", "\u202Eevil\u202C", "Taken", "007",
    ])("%j is accepted", name => {
        expect(snapshotNameProblem(name, ["taken"])).toBeNull();
    });
});

const diskXml = (target: string, format: string, extra = "", type = "file", source = `<source file='/img/${target}.img'/>`) =>
    `<disk type='${type}' device='disk'><driver name='qemu' type='${format}'/>${source}<target dev='${target}' bus='virtio'/>${extra}</disk>`;
const domain = (devices: string, os = "<os><type arch='x86_64'>hvm</type></os>") =>
    parseDomainXml(`<domain type='qemu'><name>vm</name>${os}<devices>${devices}</devices></domain>`);
const CDROM = "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/><readonly/></disk>";

describe("snapshotKindOptions", () => {
    test("all qcow2: internal possible, with memory when running; external too", () => {
        const options = snapshotKindOptions(domain(diskXml("vda", "qcow2") + CDROM), true);
        expect(options).toEqual([
            { kind: "internal", possible: true, blockers: [], uefi: false, memory: true },
            { kind: "external-disk-only", possible: true, blockers: [], uefi: false, memory: false },
        ]);
        expect(snapshotKindOptions(domain(diskXml("vda", "qcow2")), false)[0].memory).toBe(false);
    });

    test("a raw disk rules internal out and is named; disk-only external stays possible", () => {
        const [internal, external] = snapshotKindOptions(domain(diskXml("vda", "qcow2") + diskXml("vdb", "raw")), false);
        expect(internal).toEqual({ kind: "internal", possible: false, blockers: [{ disk: "vdb", reason: "not-qcow2", format: "raw" }], uefi: false, memory: false });
        expect(external.possible).toBe(true);
    });

    test("a disk without a format is named too", () => {
        const [internal] = snapshotKindOptions(parseDomainXml(`<domain type='qemu'><name>vm</name><devices>
            <disk type='file' device='disk'><source file='/img/x'/><target dev='sda'/></disk></devices></domain>`), false);
        expect(internal.blockers).toEqual([{ disk: "sda", reason: "not-qcow2", format: null }]);
    });

    test("UEFI firmware rules internal out without blaming a disk", () => {
        const [internal] = snapshotKindOptions(domain(diskXml("vda", "qcow2"),
            "<os firmware='efi'><type arch='x86_64'>hvm</type></os>"), true);
        expect(internal).toMatchObject({ possible: false, blockers: [], uefi: true });
    });

    test("a network disk rules external out; no disks at all rules it out too", () => {
        const network = diskXml("vdc", "raw", "", "network", "<source protocol='rbd' name='pool/img'/>");
        const [internal, external] = snapshotKindOptions(domain(network), false);
        expect(internal.blockers).toEqual([{ disk: "vdc", reason: "not-qcow2", format: "raw" }]);
        expect(external).toMatchObject({ possible: false, blockers: [{ disk: "vdc", reason: "not-local", sourceType: "network" }] });
        expect(snapshotKindOptions(domain(CDROM), false)[1]).toMatchObject({ possible: false, blockers: [] });
    });
});

describe("snapshotCreateXml", () => {
    const vm = domain(diskXml("vda", "qcow2") + diskXml("vdb", "raw") + CDROM);
    test("internal: disks named, CD/DVD left out, name and description escaped", () => {
        expect(snapshotCreateXml({ name: "a<b>&'\"", description: "x & y", kind: "internal", domain: vm })).toBe(
            "<domainsnapshot><name>a&lt;b&gt;&amp;&apos;&quot;</name><description>x &amp; y</description><disks>" +
            "<disk name=\"vda\" snapshot=\"internal\"/><disk name=\"vdb\" snapshot=\"internal\"/><disk name=\"hdc\" snapshot=\"no\"/>" +
            "</disks></domainsnapshot>");
    });
    test("external disk-only, blank description left out", () => {
        expect(snapshotCreateXml({ name: "s", description: "  ", kind: "external-disk-only", domain: vm })).toBe(
            "<domainsnapshot><name>s</name><disks><disk name=\"vda\" snapshot=\"external\"/><disk name=\"vdb\" snapshot=\"external\"/>" +
            "<disk name=\"hdc\" snapshot=\"no\"/></disks></domainsnapshot>");
    });
    test("what is built reads back", () => {
        const xml = snapshotCreateXml({ name: "ü \u202Ex", description: "d", kind: "internal", domain: vm });
        expect(parseSnapshotXml(xml)).toMatchObject({ name: "ü \u202Ex", description: "d" });
    });
});
