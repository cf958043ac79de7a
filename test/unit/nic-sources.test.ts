// The network interface pickers' choices: this host's networks or bridges, and a name the template holds
// that this host lacks (shown first, marked missing), or nothing said when the list could not be read.
import { bridgeNamesOfSysPaths, defaultNicSource, nicSourceChoices } from "../../src/core/template/nic-sources";

const NETWORKS = [{ name: "lab", active: false }, { name: "default", active: true }, { name: "Zone", active: true }];

describe("nicSourceChoices", () => {
    test("the host's networks sorted, with their state; the held one among them is not repeated", () => {
        expect(nicSourceChoices("lab", NETWORKS)).toEqual([
            { name: "default", state: "active" }, { name: "lab", state: "inactive" }, { name: "Zone", state: "active" },
        ]);
    });

    test("a name this host lacks comes first, marked missing", () => {
        expect(nicSourceChoices("prod-net", NETWORKS).map(c => [c.name, c.state])).toEqual([
            ["prod-net", "missing"], ["default", "active"], ["lab", "inactive"], ["Zone", "active"],
        ]);
    });

    test("names differing only in case are different (libvirt's names are case-sensitive)", () => {
        expect(nicSourceChoices("zone", NETWORKS)[0]).toEqual({ name: "zone", state: "missing" });
    });

    test("bridges only exist; none on the host leaves the held name, missing", () => {
        expect(nicSourceChoices("br0", [{ name: "br1" }, { name: "br0" }])).toEqual([{ name: "br0", state: "present" }, { name: "br1", state: "present" }]);
        expect(nicSourceChoices("br0", [])).toEqual([{ name: "br0", state: "missing" }]);
    });

    test("a list not read says nothing about the held name", () => {
        expect(nicSourceChoices("default", null)).toEqual([{ name: "default", state: "unknown" }]);
    });

    test("a name listed twice is offered once", () => {
        expect(nicSourceChoices("a", [{ name: "a", active: true }, { name: "a", active: true }])).toEqual([{ name: "a", state: "active" }]);
    });
});

describe("defaultNicSource", () => {
    test("an active network before an inactive one, else the first, else the fallback", () => {
        expect(defaultNicSource(NETWORKS, "default")).toBe("default");
        expect(defaultNicSource([{ name: "b", active: false }, { name: "a", active: false }], "default")).toBe("a");
        expect(defaultNicSource([], "default")).toBe("default");
        expect(defaultNicSource(null, "br0")).toBe("br0");
        expect(defaultNicSource([{ name: "virbr0" }, { name: "br-lan" }], "br0")).toBe("br-lan");
    });
});

describe("bridgeNamesOfSysPaths", () => {
    test("the interface names of sysfs bridge directories; anything else is dropped", () => {
        expect(bridgeNamesOfSysPaths("/sys/class/net/br0/bridge\n/sys/class/net/virbr0/bridge\n\n")).toEqual(["br0", "virbr0"]);
        expect(bridgeNamesOfSysPaths("/sys/class/net/eth0\n/sys/class/net/br0/bridge/x\nnonsense\n")).toEqual([]);
        expect(bridgeNamesOfSysPaths("")).toEqual([]);
    });
});
