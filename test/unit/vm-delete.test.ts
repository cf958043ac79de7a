// Which disks a deletion offers to remove, on plain data.
import type { DiskDescription, DomainDescription } from "../../src/core/domain-xml";
import { defaultRemovals, diskPathsFromStats, diskRemovals } from "../../src/core/vm-delete";

const disk = (target: string, source: string | null, extra: Partial<DiskDescription> = {}): DiskDescription =>
    ({ device: "disk", target, bus: "virtio", sourceType: "file", source, format: "qcow2", readOnly: false, ...extra });

const domain = (name: string, disks: DiskDescription[]): DomainDescription => ({
    name, uuid: null, title: null, description: null, hypervisor: "kvm", osType: "hvm", arch: "x86_64", machine: null,
    firmware: "bios", bootOrder: [], vcpus: 1, currentVcpus: 1, cpuMode: null, cpuModel: null, memoryKiB: 1, currentMemoryKiB: 1,
    disks, interfaces: [],
});

test("own disks are checked; a disk another VM uses (also as a backing file) is not offered and names the VMs", () => {
    const vm = domain("web", [disk("vda", "/img/web.qcow2"), disk("vdb", "/img/shared.qcow2"), disk("vdc", "/img/base.qcow2")]);
    const paths = new Map([
        ["web", ["/img/web.qcow2", "/img/shared.qcow2", "/img/base.qcow2"]],
        ["db", ["/img/shared.qcow2"]],
        ["clone", ["/img/clone.qcow2", "/img/base.qcow2"]],
        ["app", ["/img/shared.qcow2"]],
    ]);
    const removals = diskRemovals(vm, paths);
    expect(removals.map(r => [r.target, r.choice, r.usedBy])).toEqual([
        ["vda", "remove", []], ["vdb", "in-use", ["app", "db"]], ["vdc", "in-use", ["clone"]],
    ]);
    expect(defaultRemovals(removals)).toEqual(["/img/web.qcow2"]);
});

test("a CD-ROM ISO or read-only image is offered unchecked; devices and empty drives are not files", () => {
    const vm = domain("web", [
        disk("sda", "/isos/debian.iso", { device: "cdrom", format: "raw", readOnly: true }),
        disk("vdb", "/img/ro.qcow2", { readOnly: true }),
        disk("vdc", "/dev/vg/web", { sourceType: "block" }),
        disk("sdb", null, { device: "cdrom" }),
        disk("vdd", "pool/vol", { sourceType: "volume" }),
    ]);
    const removals = diskRemovals(vm, new Map());
    expect(removals.map(r => [r.target, r.choice])).toEqual([
        ["sda", "offer"], ["vdb", "offer"], ["vdc", "not-file"], ["sdb", "not-file"], ["vdd", "not-file"],
    ]);
    expect(defaultRemovals(removals)).toEqual([]);
});

test("one file attached twice is offered once; the VM itself in the paths does not make it 'in use'", () => {
    const vm = domain("web", [disk("vda", "/img/a.qcow2"), disk("vdb", "/img/a.qcow2")]);
    expect(diskRemovals(vm, new Map([["web", ["/img/a.qcow2"]]])).map(r => [r.target, r.choice])).toEqual([["vda", "remove"]]);
});

test("disk paths of a stats record: every block.N.path, backing files too, once each", () => {
    expect(diskPathsFromStats({
        "block.count": 3, "block.0.name": "vda", "block.0.path": "/img/o.qcow2", "block.1.name": "vda",
        "block.1.path": "/img/base.qcow2", "block.2.name": "sda", "block.2.path": "/img/o.qcow2", "block.3.path": "",
        "state.state": 5,
    })).toEqual(["/img/o.qcow2", "/img/base.qcow2"]);
});
