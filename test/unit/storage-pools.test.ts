import { parseDomainXml } from "../../src/core/domain-xml";
import { ALL_POOL_TOOLS, parsePoolCapabilities, poolTypeAvailability, volumeFormatsFor } from "../../src/core/storage/pool-types";
import { buildPoolXml, parsePoolXml, poolDefinitionProblems } from "../../src/core/storage/pool-xml";
import { StorageXmlError } from "../../src/core/storage/storage-xml";
import { buildVolumeXml, parseVolumeXml, sizeInBytes, volumeNameProblem } from "../../src/core/storage/volume-xml";
import { volumeUsers } from "../../src/core/storage/volume-users";

// `virsh pool-dumpxml` of a started directory pool (libvirt 9.0).
const DIR_POOL = `<pool type='dir'>
  <name>images &amp; "iso" ü</name>
  <uuid>47084258-bbc1-4918-9bfe-b683c4706eb0</uuid>
  <capacity unit='bytes'>270553174016</capacity>
  <allocation unit='bytes'>27072532480</allocation>
  <available unit='bytes'>243480641536</available>
  <source>
  </source>
  <target>
    <path>/srv/pool dir</path>
    <permissions><mode>0755</mode><owner>0</owner><group>0</group></permissions>
  </target>
</pool>`;

const VOLUME = `<volume type='file'>
  <name>a.qcow2</name>
  <key>/tmp/kvmm-s3-probe/a.qcow2</key>
  <capacity unit='bytes'>1048576</capacity>
  <allocation unit='bytes'>200704</allocation>
  <physical unit='bytes'>196616</physical>
  <target>
    <path>/tmp/kvmm-s3-probe/a.qcow2</path>
    <format type='qcow2'/>
    <permissions><mode>0600</mode><owner>0</owner><group>0</group></permissions>
  </target>
</volume>`;

describe("pool XML", () => {
    test("reads name, type, figures and target of libvirt's XML", () => {
        expect(parsePoolXml(DIR_POOL)).toEqual({
            name: 'images & "iso" ü', type: "dir", uuid: "47084258-bbc1-4918-9bfe-b683c4706eb0",
            capacity: 270553174016, allocation: 27072532480, available: 243480641536, targetPath: "/srv/pool dir",
            source: { host: null, dir: null, device: null, name: null, format: null },
        });
    });

    test("an inactive pool's missing figures stay null; a netfs pool's source is read", () => {
        const pool = parsePoolXml(`<pool type='netfs'><name>n</name><source><host name='nas.example'/><dir path='/export'/>
            <format type='nfs'/></source><target><path>/mnt/n</path></target></pool>`);
        expect(pool.capacity).toBeNull();
        expect(pool.source).toEqual({ host: "nas.example", dir: "/export", device: null, name: null, format: "nfs" });
    });

    test("XML that is not a pool is refused with an error, not read as an empty pool", () => {
        expect(() => parsePoolXml("<network><name>x</name></network>")).toThrow(StorageXmlError);
    });

    test("a built definition reads back with the same fields, whatever the name holds", () => {
        const name = `pool "a" & 'b' <c> $(id) #?% \u200F`;
        const dir = parsePoolXml(buildPoolXml({ name, type: "dir", targetPath: " /srv/my pool & co " }));
        expect(dir).toMatchObject({ name, type: "dir", targetPath: "/srv/my pool & co" });

        const netfs = parsePoolXml(buildPoolXml({
            name: "n", type: "netfs", sourceHost: "nas", sourceDir: "/export", sourceFormat: "nfs", targetPath: "/mnt/n",
            // A field another type uses is not written.
            sourceName: "vg0",
        }));
        expect(netfs.source).toEqual({ host: "nas", dir: "/export", device: null, name: null, format: "nfs" });

        const logical = parsePoolXml(buildPoolXml({ name: "l", type: "logical", sourceName: "vg0", targetPath: "/ignored" }));
        expect(logical).toMatchObject({ type: "logical", targetPath: null, source: { name: "vg0" } });
    });

    test("problems: empty, slash and taken names, missing fields, relative paths", () => {
        expect(poolDefinitionProblems({ name: "", type: "dir", targetPath: "" }, [])).toEqual([
            { field: "name", problem: "empty" }, { field: "targetPath", problem: "empty" },
        ]);
        expect(poolDefinitionProblems({ name: "a/b", type: "dir", targetPath: "srv" }, [])).toEqual([
            { field: "name", problem: "slash" }, { field: "targetPath", problem: "relative" },
        ]);
        expect(poolDefinitionProblems({ name: "default", type: "logical", sourceName: "vg" }, ["default"])).toEqual([
            { field: "name", problem: "taken" },
        ]);
        expect(poolDefinitionProblems({ name: "ok", type: "dir", targetPath: "/srv/ok" }, ["default"])).toEqual([]);
    });
});

const CAPABILITIES = `<storagepoolCapabilities>
  <pool type='dir' supported='yes'>
    <volOptions><defaultFormat type='raw'/>
      <enum name='targetFormatType'><value>none</value><value>raw</value><value>iso</value><value>qcow2</value><value>vmdk</value></enum>
    </volOptions>
  </pool>
  <pool type='netfs' supported='yes'><poolOptions><defaultFormat type='auto'/></poolOptions></pool>
  <pool type='logical' supported='yes'/>
  <pool type='disk' supported='yes'/>
  <pool type='iscsi' supported='yes'/>
  <pool type='fs' supported='no'/>
</storagepoolCapabilities>`;

describe("pool types", () => {
    test("libvirt's capabilities and the installed tools decide; the reason names what is missing", () => {
        const caps = parsePoolCapabilities(CAPABILITIES);
        expect(caps[0]).toEqual({ type: "dir", supported: true, volumeFormats: ["none", "raw", "iso", "qcow2", "vmdk"], defaultVolumeFormat: "raw" });
        const availability = poolTypeAvailability(caps, new Set(["mount", "umount", "parted"]));
        expect(availability).toEqual([
            { type: "dir", available: true },
            { type: "fs", available: false, reason: "unsupported" },
            { type: "netfs", available: false, reason: "missing-tools", missing: ["mount.nfs"], package: "nfs-common" },
            { type: "logical", available: false, reason: "missing-tools", missing: ["vgs", "vgchange", "lvcreate"], package: "lvm2" },
            { type: "disk", available: true },
            { type: "iscsi", available: false, reason: "missing-tools", missing: ["iscsiadm"], package: "open-iscsi" },
        ]);
        expect(poolTypeAvailability(null, new Set(ALL_POOL_TOOLS)).every(t => t.available)).toBe(true);
    });

    test("volume formats: the usual ones libvirt lists for a file pool, none for block pools", () => {
        const caps = parsePoolCapabilities(CAPABILITIES);
        expect(volumeFormatsFor(caps, "dir")).toEqual(["qcow2", "raw", "vmdk"]);
        expect(volumeFormatsFor(caps, "netfs")).toEqual(["qcow2", "raw"]);
        expect(volumeFormatsFor(caps, "logical")).toEqual([]);
    });
});

describe("volume XML", () => {
    test("reads name, path, format and sizes", () => {
        expect(parseVolumeXml(VOLUME)).toEqual({
            name: "a.qcow2", type: "file", key: "/tmp/kvmm-s3-probe/a.qcow2", path: "/tmp/kvmm-s3-probe/a.qcow2",
            format: "qcow2", capacity: 1048576, allocation: 200704,
        });
    });

    test("a built volume reads back; a block pool's volume has no format", () => {
        const name = `disk "1" & <2> ü.qcow2`;
        expect(parseVolumeXml(buildVolumeXml({ name, capacityBytes: 1.5 * 1024 ** 3, format: "qcow2" })))
            .toMatchObject({ name, capacity: 1610612736, allocation: 0, format: "qcow2" });
        expect(parseVolumeXml(buildVolumeXml({ name: "lv", capacityBytes: 1024, format: null })).format).toBeNull();
    });

    test("not a volume, or not XML: an error naming the document; a size in another unit is not taken for bytes", () => {
        expect(() => parseVolumeXml("<pool><name>p</name></pool>")).toThrow("Storage volume XML has no <volume> element");
        expect(() => parseVolumeXml("")).toThrow(StorageXmlError);
        expect(parseVolumeXml("<volume><name>v</name><capacity>2048</capacity><allocation unit='KiB'>2</allocation></volume>"))
            .toMatchObject({ capacity: 2048, allocation: null });
    });

    test("names and sizes as typed", () => {
        expect(volumeNameProblem(" ", [])).toBe("empty");
        expect(volumeNameProblem("../x", [])).toBe("slash");
        expect(volumeNameProblem("a", ["a"])).toBe("taken");
        expect(volumeNameProblem("a b $(id).qcow2", ["a"])).toBeNull();
        expect(sizeInBytes("1,5", "GiB")).toBe(1610612736);
        expect(sizeInBytes("10", "MiB")).toBe(10485760);
        for (const bad of ["", "0", "-1", "abc", "Infinity"]) expect(sizeInBytes(bad, "GiB")).toBeNull();
    });
});

describe("volume users", () => {
    const domain = (name: string, disks: string) => ({
        name, disks: parseDomainXml(`<domain type='kvm'><name>${name}</name><devices>${disks}</devices></domain>`).disks,
    });

    test("by path (file and block disks) and by pool and volume name (volume disks); an empty CD/DVD uses nothing", () => {
        const users = volumeUsers([
            domain("web", `<disk type='file' device='disk'><source file='/p/a.qcow2'/><target dev='vda'/></disk>
                <disk type='file' device='cdrom'><target dev='sda'/></disk>`),
            domain("db", `<disk type='volume' device='disk'><source pool='p' volume='a.qcow2'/><target dev='vda'/></disk>
                <disk type='block' device='disk'><source dev='/dev/vg/lv'/><target dev='vdb'/></disk>`),
            domain("other", `<disk type='volume' device='disk'><source pool='q' volume='a.qcow2'/><target dev='vda'/></disk>`),
        ]);
        expect(users.usersOf({ pool: "p", name: "a.qcow2", path: "/p/a.qcow2" })).toEqual(["db", "web"]);
        expect(users.usersOf({ pool: "vg", name: "lv", path: "/dev/vg/lv" })).toEqual(["db"]);
        expect(users.usersOf({ pool: "p", name: "b.qcow2", path: "/p/b.qcow2" })).toEqual([]);
        // A volume name with a slash-free pool prefix is not confused with another pool's volume.
        expect(users.usersOf({ pool: "q", name: "a.qcow2", path: null })).toEqual(["other"]);
    });
});
