import { filterVms, sortVms, stateGroup, type VmListItem } from "../../src/core/vm-list";

const vm = (name: string, state: VmListItem["state"], cpuPercent: number | null = null, vcpus = 1): VmListItem =>
    ({ name, state, vcpus, memoryKiB: 1024 * vcpus, cpuPercent, memoryUsedKiB: null, snapshots: null });

const items = [
    vm("web10", "running", 30, 2),
    vm("web2", "running", 70, 4),
    vm("db 'prod'", "paused"),
    vm("Ünïcode-vm", "shut-off"),
    vm("$(touch /tmp/x)", "crashed"),
];

describe("filterVms", () => {
    test("by name, case-insensitive and literal (no pattern syntax)", () => {
        expect(filterVms(items, { text: "WEB", state: "all" }).map(i => i.name)).toEqual(["web10", "web2"]);
        expect(filterVms(items, { text: "$(", state: "all" }).map(i => i.name)).toEqual(["$(touch /tmp/x)"]);
        expect(filterVms(items, { text: "ünï", state: "all" }).map(i => i.name)).toEqual(["Ünïcode-vm"]);
        expect(filterVms(items, { text: "  ", state: "all" })).toHaveLength(5);
    });

    test("by state group", () => {
        expect(filterVms(items, { text: "", state: "running" })).toHaveLength(2);
        expect(filterVms(items, { text: "", state: "paused" }).map(i => i.name)).toEqual(["db 'prod'"]);
        expect(filterVms(items, { text: "", state: "other" }).map(i => i.name)).toEqual(["$(touch /tmp/x)"]);
        expect(filterVms(items, { text: "web", state: "shut-off" })).toEqual([]);
    });

    test("state groups", () => {
        expect(stateGroup("blocked")).toBe("running");
        expect(stateGroup("pm-suspended")).toBe("paused");
        expect(stateGroup("shutting-down")).toBe("other");
    });
});

describe("sortVms", () => {
    test("names sort naturally (web2 before web10)", () => {
        expect(sortVms(items, "name", "asc").map(i => i.name).slice(-2)).toEqual(["web2", "web10"]);
    });

    test("VMs without usage sort last in both directions", () => {
        const asc = sortVms(items, "cpu", "asc").map(i => i.name);
        const desc = sortVms(items, "cpu", "desc").map(i => i.name);
        expect(asc.slice(0, 2)).toEqual(["web10", "web2"]);
        expect(desc.slice(0, 2)).toEqual(["web2", "web10"]);
        expect(desc.slice(2)).toEqual(asc.slice(2));
    });

    test("state ascending puts running first; ties by name", () => {
        expect(sortVms(items, "state", "asc").map(i => i.name)).toEqual(
            ["web2", "web10", "db 'prod'", "$(touch /tmp/x)", "Ünïcode-vm"]);
    });

    test("numeric columns and stability", () => {
        expect(sortVms(items, "vcpus", "desc")[0].name).toBe("web2");
        expect(sortVms(items, "memory", "asc")[0].vcpus).toBe(1);
    });

    test("snapshot counts sort most first when descending; VMs not counted yet sort last", () => {
        const counted = items.map((item, index) => ({ ...item, snapshots: index === 0 ? null : index % 3 }));
        const desc = sortVms(counted, "snapshots", "desc");
        expect(desc.map(i => i.snapshots)).toEqual([2, 1, 1, 0, null]);
        expect(sortVms(counted, "snapshots", "asc").map(i => i.snapshots)).toEqual([0, 1, 1, 2, null]);
    });

    test("does not change its input", () => {
        const copy = [...items];
        sortVms(items, "name", "desc");
        expect(items).toEqual(copy);
    });
});
