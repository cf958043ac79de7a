import { allowedActions, domainEventFromCode, domainStateFromCode, isActionAllowed, isActive } from "../../src/core/domain-state";

describe("domain states", () => {
    test("libvirt codes map to states, out-of-range codes to unknown", () => {
        expect(domainStateFromCode(1)).toBe("running");
        expect(domainStateFromCode(3)).toBe("paused");
        expect(domainStateFromCode(5)).toBe("shut-off");
        expect(domainStateFromCode(7)).toBe("pm-suspended");
        expect(domainStateFromCode(42)).toBe("unknown");
        expect(domainStateFromCode(-1)).toBe("unknown");
    });

    test("only what the state allows is offered", () => {
        expect(allowedActions("running")).toEqual(["shutdown", "forceOff", "reboot", "pause"]);
        expect(allowedActions("paused")).toEqual(["forceOff", "resume"]);
        expect(allowedActions("shut-off")).toEqual(["start"]);
        expect(allowedActions("crashed")).toEqual(["start", "forceOff"]);
        expect(allowedActions("shutting-down")).toEqual(["forceOff"]);
        expect(allowedActions("unknown")).toEqual([]);
    });

    test("a paused VM cannot be shut down gracefully or paused again", () => {
        expect(isActionAllowed("shutdown", "paused")).toBe(false);
        expect(isActionAllowed("pause", "paused")).toBe(false);
        expect(isActionAllowed("resume", "running")).toBe(false);
    });

    test("active means a QEMU process exists", () => {
        expect(isActive("running")).toBe(true);
        expect(isActive("paused")).toBe(true);
        expect(isActive("shut-off")).toBe(false);
        expect(isActive("unknown")).toBe(false);
    });

    test("event codes", () => {
        expect(domainEventFromCode(0)).toBe("defined");
        expect(domainEventFromCode(1)).toBe("undefined");
        expect(domainEventFromCode(5)).toBe("stopped");
        expect(domainEventFromCode(99)).toBe("unknown");
    });
});
