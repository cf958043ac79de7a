// The VM list's store against a scripted libvirt: every call is recorded and answered (or failed) by the
// test, and time moves only when the test says so.
import { parseDomainStats, type DomainSample } from "../../src/core/domain-stats";
import type { LifecycleAction } from "../../src/core/domain-state";
import { LibvirtError, VirshMissingError } from "../../src/libvirt/errors";
import type { DomainEvent } from "../../src/libvirt/events";
import type { DomainSet } from "../../src/libvirt/stats";
import {
    EVENT_COALESCE_MS, FIRST_RATE_DELAY_MS, REFRESH_INTERVAL_MS, VmStore, type VmStoreApi, type VmStoreEnv,
} from "../../src/state/vm-list-state";

interface Deferred<T> {
    promise: Promise<T>;
    resolve(value: T): void;
    reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
    });
    return { promise, resolve, reject };
}

// Lets every settled promise's callbacks run.
const flush = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
};

const RUNNING = 1;
const PAUSED = 3;
const SHUT_OFF = 5;

function stateOnly(name: string, state: number): DomainSample {
    return parseDomainStats(name, { "state.state": state });
}

function figures(name: string, state: number, cpuTimeNs = 0): DomainSample {
    return parseDomainStats(name, {
        "state.state": state, "vcpu.current": 1, "vcpu.maximum": 1, "balloon.current": 65536, "balloon.maximum": 65536,
        "balloon.rss": 30000, "cpu.time": cpuTimeNs,
    });
}

/** A host of domains: name -> [state code, cpu time]. The fake answers calls from it. */
type Host = Map<string, { state: number; cpu: number }>;

class FakeClock implements VmStoreEnv {
    time = 0;
    hidden = false;
    timers = new Map<number, { at: number; callback: () => void }>();
    visibilityListeners: (() => void)[] = [];
    warnings: string[] = [];
    private nextId = 1;

    isHidden = (): boolean => this.hidden;
    onVisibilityChange = (listener: () => void): void => {
        this.visibilityListeners.push(listener);
    };
    now = (): number => this.time;
    setTimeout = (callback: () => void, ms: number): number => {
        const id = this.nextId++;
        this.timers.set(id, { at: this.time + ms, callback });
        return id;
    };
    clearTimeout = (handle: unknown): void => {
        this.timers.delete(handle as number);
    };
    vanishedMessage = (name: string): string => `${name} no longer exists`;
    warn = (message: string): void => {
        this.warnings.push(message);
    };

    /** Moves time on, firing due timers in order, and lets the promises they start settle. */
    async advance(ms: number): Promise<void> {
        const end = this.time + ms;
        for (;;) {
            const due = [...this.timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
            if (!due) break;
            this.timers.delete(due[0]);
            this.time = due[1].at;
            due[1].callback();
            await flush();
        }
        this.time = end;
        await flush();
    }

    pendingDelays(): number[] {
        return [...this.timers.values()].map(t => t.at - this.time);
    }
}

class FakeLibvirt implements VmStoreApi {
    calls: string[] = [];
    generation = 1;
    subscriptions = 0;
    unsubscriptions = 0;
    eventHandler: ((event: DomainEvent) => void) | null = null;
    /** When set, the next calls of that kind wait for the test to answer them. */
    held = new Map<string, Deferred<void>[]>();
    failNext: Error | null = null;
    virshFailures = new Map<string, Error>();
    virshCalls: { domain: string; action: LifecycleAction }[] = [];

    constructor(public host: Host) {}

    hold(kind: string): Deferred<void> {
        const gate = deferred<void>();
        this.held.set(kind, [...this.held.get(kind) ?? [], gate]);
        return gate;
    }

    private async gate(kind: string): Promise<void> {
        this.calls.push(kind);
        const gates = this.held.get(kind);
        const gate = gates?.shift();
        if (gate) await gate.promise;
        if (this.failNext) {
            const error = this.failNext;
            this.failNext = null;
            throw error;
        }
    }

    listStates = async (): Promise<DomainSample[]> => {
        await this.gate("states");
        return [...this.host].map(([name, d]) => stateOnly(name, d.state));
    };

    listStats = async (domains: DomainSet): Promise<DomainSample[]> => {
        await this.gate(`stats:${domains}`);
        return [...this.host]
            .filter(([, d]) => domains === "all" || (domains === "active") === (d.state !== SHUT_OFF))
            .map(([name, d]) => figures(name, d.state, d.cpu));
    };

    listCpuTimes = async (): Promise<DomainSample[]> => {
        await this.gate("cpu");
        return [...this.host].filter(([, d]) => d.state !== SHUT_OFF)
            .map(([name, d]) => parseDomainStats(name, { "state.state": d.state, "cpu.time": d.cpu }));
    };

    getDomainStats = async ({ name }: { path: string; name: string }): Promise<DomainSample> => {
        await this.gate(`domain:${name}`);
        const d = this.host.get(name);
        if (!d) throw new LibvirtError("not-found", "Domain not found");
        return figures(name, d.state, d.cpu);
    };

    getDomainName = async ({ path }: { path: string }): Promise<string> => {
        await this.gate(`name:${path}`);
        return path.replace("/domain/", "");
    };

    lookupDomainPath = async ({ name }: { name: string }): Promise<string> => {
        await this.gate(`lookup:${name}`);
        if (!this.host.has(name)) throw new LibvirtError("not-found", "Domain not found");
        return `/domain/${name}`;
    };

    getLiveVcpuCount = async ({ path }: { path: string }): Promise<number> => {
        await this.gate(`vcpus:${path}`);
        return 1;
    };

    runLifecycleAction = async ({ path, action }: { path: string; action: LifecycleAction }): Promise<void> => {
        await this.gate(`dbus:${action}:${path}`);
    };

    runVirshLifecycle = async (call: { domain: string; action: LifecycleAction }): Promise<void> => {
        this.virshCalls.push(call);
        await this.gate(`virsh:${call.action}:${call.domain}`);
        const failure = this.virshFailures.get(call.domain);
        if (failure) throw failure;
        const d = this.host.get(call.domain);
        if (d && call.action === "start") d.state = RUNNING;
    };

    subscribeDomainEvents = (onEvent: (event: DomainEvent) => void): (() => void) => {
        this.subscriptions++;
        this.eventHandler = onEvent;
        return () => {
            this.unsubscriptions++;
        };
    };

    clientGeneration = (): number => this.generation;

    count(kind: string): number {
        return this.calls.filter(call => call === kind).length;
    }
}

function setUp(domains: [string, number][]): { store: VmStore; api: FakeLibvirt; clock: FakeClock } {
    const api = new FakeLibvirt(new Map(domains.map(([name, state]) => [name, { state, cpu: 1e9 }])));
    const clock = new FakeClock();
    return { store: new VmStore({ api, env: clock }), api, clock };
}

const rowOf = (store: VmStore, name: string) => store.getSnapshot().vms.find(row => row.name === name);

describe("VmStore loading", () => {
    test("rows appear from the state-only call before any figures answer", async () => {
        const { store, api } = setUp([["web", RUNNING], ["db", SHUT_OFF]]);
        const active = api.hold("stats:active");
        const inactive = api.hold("stats:inactive");
        store.start();
        await flush();
        const snapshot = store.getSnapshot();
        expect(snapshot.status).toBe("ready");
        expect(snapshot.vms.map(row => [row.name, row.sample.state, row.sample.vcpus])).toEqual([
            ["web", "running", null], ["db", "shut-off", null],
        ]);
        inactive.resolve();
        active.resolve();
        await flush();
        expect(rowOf(store, "db")?.sample.memoryMaxKiB).toBe(65536);
        expect(rowOf(store, "web")?.sample.cpuTimeNs).toBe(1e9);
    });

    test("after the first load only running domains are polled; the second sample comes quickly and gives CPU %", async () => {
        const { store, api, clock } = setUp([["web", RUNNING], ["db", SHUT_OFF]]);
        store.start();
        await flush();
        expect(api.calls).toEqual(["states", "stats:inactive", "stats:active", "cpu"]);
        expect(clock.pendingDelays()).toEqual([FIRST_RATE_DELAY_MS]);
        api.host.get("web")!.cpu += 0.25e9;
        await clock.advance(FIRST_RATE_DELAY_MS);
        expect(api.calls.slice(4)).toEqual(["stats:active", "cpu"]);
        // 0.25 s of CPU in 0.5 s on 1 vCPU.
        expect(rowOf(store, "web")?.usage.cpuPercent).toBeCloseTo(50);
        expect(clock.pendingDelays()).toEqual([REFRESH_INTERVAL_MS]);
    });

    test("CPU usage does not wait for a slow memory/vCPU call (guests booting); that call is not repeated while out", async () => {
        const { store, api, clock } = setUp([["web", RUNNING]]);
        const figures = api.hold("stats:active");
        store.start();
        await flush();
        // The first sample: no rate yet, and the figures call has only just gone out.
        expect(api.count("vcpus:/domain/web")).toBe(0);
        api.host.get("web")!.cpu += 0.25e9;
        await clock.advance(FIRST_RATE_DELAY_MS);
        // The second sample finds the figures call still out: the vCPU count is read for the domain alone,
        // and the share per vCPU comes from the two samples already taken (0.25 s in 0.5 s on 1 vCPU).
        expect(api.count("cpu")).toBe(2);
        expect(api.count("vcpus:/domain/web")).toBe(1);
        expect(rowOf(store, "web")?.sample.vcpus).toBe(1);
        expect(rowOf(store, "web")?.usage.cpuPercent).toBeCloseTo(50);
        expect(rowOf(store, "web")?.usage.memoryUsedKiB).toBeNull();
        figures.resolve();
        await flush();
        expect(rowOf(store, "web")?.usage.memoryUsedKiB).toBe(30000);
        expect(rowOf(store, "web")?.usage.cpuPercent).toBeCloseTo(50);
        api.host.get("web")!.cpu += 0.5e9;
        await clock.advance(REFRESH_INTERVAL_MS);
        expect(rowOf(store, "web")?.usage.cpuPercent).toBeCloseTo(10);
        expect(api.count("stats:active")).toBe(2);
        const slow = api.hold("stats:active");
        await clock.advance(REFRESH_INTERVAL_MS * 3);
        expect(api.count("cpu")).toBe(6);
        expect(api.count("stats:active")).toBe(3);
        // The count is known now: no more per-domain look-ups.
        expect(api.count("vcpus:/domain/web")).toBe(1);
        slow.resolve();
    });

    test("with a quick figures call no vCPU count is read per domain", async () => {
        const { store, api, clock } = setUp([["web", RUNNING]]);
        store.start();
        await flush();
        await clock.advance(FIRST_RATE_DELAY_MS);
        expect(rowOf(store, "web")?.usage.cpuPercent).not.toBeNull();
        expect(api.calls.filter(call => call.startsWith("vcpus:"))).toEqual([]);
    });

    test("single flight: refreshes asked for while a poll runs join it", async () => {
        const { store, api } = setUp([["web", RUNNING]]);
        store.start();
        await flush();
        const gate = api.hold("cpu");
        const first = store.refresh();
        const second = store.refresh();
        expect(second).toBe(first);
        gate.resolve();
        await first;
        expect(api.count("cpu")).toBe(2);
    });

    test("a full load asked for during a poll follows it, once", async () => {
        const { store, api } = setUp([["web", RUNNING]]);
        store.start();
        await flush();
        const gate = api.hold("cpu");
        const poll = store.refresh();
        const full1 = store.refresh({ full: true });
        const full2 = store.refresh({ full: true });
        gate.resolve();
        await Promise.all([poll, full1, full2]);
        expect(api.count("states")).toBe(2);
    });

    test("rows whose figures did not change keep their identity across polls; changed ones are new", async () => {
        const { store, api, clock } = setUp([["web", RUNNING], ["idle", PAUSED], ["db", SHUT_OFF]]);
        store.start();
        await flush();
        await clock.advance(FIRST_RATE_DELAY_MS);
        const before = store.getSnapshot();
        api.host.get("web")!.cpu += 1e9;
        await clock.advance(REFRESH_INTERVAL_MS);
        const after = store.getSnapshot();
        expect(after).not.toBe(before);
        expect(rowOf(store, "db")).toBe(before.vms.find(row => row.name === "db"));
        expect(rowOf(store, "idle")).toBe(before.vms.find(row => row.name === "idle"));
        expect(rowOf(store, "web")).not.toBe(before.vms.find(row => row.name === "web"));
    });

    test("a poll that changes nothing publishes no new snapshot", async () => {
        const { store, clock } = setUp([["idle", PAUSED], ["db", SHUT_OFF]]);
        store.start();
        await flush();
        await clock.advance(FIRST_RATE_DELAY_MS);
        const before = store.getSnapshot();
        await clock.advance(REFRESH_INTERVAL_MS);
        expect(store.getSnapshot()).toBe(before);
    });

    test("a full load keeps the figures of rows whose state did not change", async () => {
        const { store, api } = setUp([["db", SHUT_OFF]]);
        store.start();
        await flush();
        const row = rowOf(store, "db");
        api.hold("stats:inactive");
        await store.refresh({ full: true });
        expect(rowOf(store, "db")).toBe(row);
    });

    test("a running VM missing from a poll (its event lost) brings a full load that shows it shut off", async () => {
        const { store, api, clock } = setUp([["web", RUNNING]]);
        store.start();
        await flush();
        await clock.advance(FIRST_RATE_DELAY_MS);
        api.host.get("web")!.state = SHUT_OFF;
        await clock.advance(REFRESH_INTERVAL_MS);
        expect(api.count("states")).toBe(1);
        await clock.advance(REFRESH_INTERVAL_MS);
        expect(api.count("states")).toBe(2);
        expect(rowOf(store, "web")?.sample.state).toBe("shut-off");
    });

    test("a VM gone from the host leaves the list on the next full load", async () => {
        const { store, api } = setUp([["web", RUNNING], ["db", SHUT_OFF]]);
        store.start();
        await flush();
        api.host.delete("db");
        await store.refresh({ full: true });
        expect(store.getSnapshot().vms.map(row => row.name)).toEqual(["web"]);
    });

    test("libvirt failing shows its status and message; the next load is full and recovers", async () => {
        const { store, api, clock } = setUp([["web", RUNNING]]);
        api.failNext = new LibvirtError("libvirt-down", "Failed to connect socket to '/run/libvirt/libvirt-sock'");
        store.start();
        await flush();
        expect(store.getSnapshot()).toMatchObject({ status: "libvirt-down", statusMessage: expect.stringContaining("libvirt-sock") });
        expect(store.getSnapshot().vms).toEqual([]);
        await clock.advance(REFRESH_INTERVAL_MS);
        expect(store.getSnapshot().status).toBe("ready");
        expect(api.count("states")).toBe(2);
    });

    test("no polling while the page is hidden; showing it refreshes at once", async () => {
        const { store, api, clock } = setUp([["web", RUNNING]]);
        store.start();
        await flush();
        clock.hidden = true;
        clock.visibilityListeners.forEach(listener => listener());
        expect(clock.pendingDelays()).toEqual([]);
        await clock.advance(60_000);
        expect(api.count("cpu")).toBe(1);
        clock.hidden = false;
        clock.visibilityListeners.forEach(listener => listener());
        await flush();
        expect(api.count("cpu")).toBe(2);
    });
});

describe("VmStore events", () => {
    test("a burst of events for one domain is one reload", async () => {
        const { store, api, clock } = setUp([["web", SHUT_OFF]]);
        store.start();
        await flush();
        api.host.get("web")!.state = RUNNING;
        api.eventHandler!({ path: "/domain/web", kind: "started", detail: 0 });
        api.eventHandler!({ path: "/domain/web", kind: "resumed", detail: 0 });
        await clock.advance(EVENT_COALESCE_MS);
        api.eventHandler!({ path: "/domain/web", kind: "resumed", detail: 0 });
        await clock.advance(EVENT_COALESCE_MS);
        expect(api.count("domain:web")).toBe(2);
        expect(api.count("name:/domain/web")).toBe(1);
        expect(rowOf(store, "web")?.sample.state).toBe("running");
    });

    test("an undefined domain brings a full load", async () => {
        const { store, api } = setUp([["web", SHUT_OFF]]);
        store.start();
        await flush();
        api.host.delete("web");
        api.eventHandler!({ path: "/domain/web", kind: "undefined", detail: 0 });
        await flush();
        expect(api.count("states")).toBe(2);
        expect(store.getSnapshot().vms).toEqual([]);
    });

    test("a new D-Bus client after a reconnect gets a new subscription, and the old one is removed", async () => {
        const { store, api, clock } = setUp([["web", RUNNING]]);
        store.start();
        await flush();
        expect(api.subscriptions).toBe(1);
        await clock.advance(FIRST_RATE_DELAY_MS);
        expect(api.subscriptions).toBe(1);
        api.generation = 2;
        await clock.advance(REFRESH_INTERVAL_MS);
        expect(api.subscriptions).toBe(2);
        expect(api.unsubscriptions).toBe(1);
    });
});

describe("VmStore batches", () => {
    const names = ["a", "b", "c", "d", "e", "f"];

    test("quiet batch: no polls and no event reloads while it runs; one full load after", async () => {
        const { store, api, clock } = setUp(names.map(name => [name, SHUT_OFF]));
        store.start();
        await flush();
        const gates = names.map(name => api.hold(`virsh:start:${name}`));
        const callsBefore = api.calls.length;
        const batch = store.runBatch("start", names, () => {});
        await flush();
        expect(clock.pendingDelays()).toEqual([]);
        api.eventHandler!({ path: "/domain/a", kind: "started", detail: 0 });
        await clock.advance(REFRESH_INTERVAL_MS * 3);
        expect(api.calls.slice(callsBefore).every(call => call.startsWith("virsh:"))).toBe(true);
        gates.forEach(gate => gate.resolve());
        const results = await batch;
        await flush();
        expect(results.map(r => r.outcome)).toEqual(names.map(() => "done"));
        expect(api.calls.slice(callsBefore).filter(call => !call.startsWith("virsh:"))).toEqual(["states", "stats:inactive", "stats:active", "cpu"]);
        expect(store.getSnapshot().vms.every(row => row.sample.state === "running" && row.pending === null)).toBe(true);
    });

    test("VMs a batch started get their second CPU sample quickly after it, then polls go back to the usual pace", async () => {
        const { store, api, clock } = setUp(names.map(name => [name, SHUT_OFF]));
        store.start();
        await flush();
        expect(clock.pendingDelays()).toEqual([REFRESH_INTERVAL_MS]);
        await store.runBatch("start", names, () => {});
        await flush();
        expect(clock.pendingDelays()).toEqual([FIRST_RATE_DELAY_MS]);
        for (const name of names) api.host.get(name)!.cpu += 0.1e9;
        await clock.advance(FIRST_RATE_DELAY_MS);
        expect(store.getSnapshot().vms.map(row => row.usage.cpuPercent)).toEqual(names.map(() => expect.closeTo(20, 5)));
        expect(clock.pendingDelays()).toEqual([REFRESH_INTERVAL_MS]);
    });

    test("a running batch marks no row and publishes nothing: its dialog shows progress, the list stays still", async () => {
        const { store, api } = setUp(names.map(name => [name, SHUT_OFF]));
        store.start();
        await flush();
        const gates = names.map(name => api.hold(`virsh:start:${name}`));
        const before = store.getSnapshot();
        let published = 0;
        const unsubscribe = store.subscribe(() => published++);
        const batch = store.runBatch("start", names, () => {});
        await flush();
        gates.slice(0, 3).forEach(gate => gate.resolve());
        await flush();
        expect(published).toBe(0);
        expect(store.getSnapshot()).toBe(before);
        expect(store.getSnapshot().vms.every(row => row.pending === null)).toBe(true);
        gates.slice(3).forEach(gate => gate.resolve());
        await batch;
        unsubscribe();
    });

    test("a single action marks its row pending until libvirt answers", async () => {
        const { store, api } = setUp([["a", SHUT_OFF]]);
        store.start();
        await flush();
        const gate = api.hold("dbus:start:/domain/a");
        const action = store.runAction("a", "start");
        await flush();
        expect(rowOf(store, "a")?.pending).toBe("start");
        gate.resolve();
        await action;
        expect(rowOf(store, "a")?.pending).toBe(null);
    });

    test("per-VM results: skipped for the wrong state, libvirt's message for a failure, gone for a vanished VM", async () => {
        const { store, api } = setUp([["ok", SHUT_OFF], ["broken", SHUT_OFF], ["up", RUNNING], ["gone", SHUT_OFF]]);
        store.start();
        await flush();
        api.virshFailures.set("broken", new LibvirtError("other",
            "Failed to start domain 'broken': Cannot access storage file '/x.qcow2': No such file or directory"));
        api.virshFailures.set("gone", new LibvirtError("not-found", "failed to get domain 'gone'"));
        const results = await store.runBatch("start", ["ok", "broken", "up", "gone"], () => {});
        expect(results).toEqual([
            { name: "ok", outcome: "done" },
            { name: "broken", outcome: "failed", message: expect.stringContaining("Cannot access storage file") },
            { name: "up", outcome: "skipped" },
            { name: "gone", outcome: "failed", message: "gone no longer exists" },
        ]);
        expect(rowOf(store, "broken")?.actionError?.message).toContain("No such file or directory");
    });

    test("names virsh could misread as an ID or UUID travel as the domain's UUID", async () => {
        const uuid = "0b5c61f2-8a0e-4c3e-9d0a-1f2e3d4c5b6a";
        const { store, api } = setUp([["42", SHUT_OFF], ["-x y", SHUT_OFF]]);
        api.lookupDomainPath = async () => `/org/libvirt/QEMU/domain/_${uuid.replace(/-/g, "_")}`;
        store.start();
        await flush();
        await store.runBatch("start", ["42", "-x y"], () => {});
        expect(api.virshCalls.map(call => call.domain).sort()).toEqual(["-x y", uuid]);
    });

    test("without virsh the batch goes on through libvirt-dbus", async () => {
        const { store, api, clock } = setUp([["a", SHUT_OFF], ["b", SHUT_OFF]]);
        store.start();
        await flush();
        api.virshFailures.set("a", new VirshMissingError("not found"));
        api.virshFailures.set("b", new VirshMissingError("not found"));
        const results = await store.runBatch("start", ["a", "b"], () => {});
        expect(results.map(r => r.outcome)).toEqual(["done", "done"]);
        expect(api.calls.filter(call => call.startsWith("dbus:")).sort()).toEqual(["dbus:start:/domain/a", "dbus:start:/domain/b"]);
        expect(clock.warnings).toHaveLength(1);
    });

    test("progress counts every VM", async () => {
        const { store } = setUp(names.map(name => [name, SHUT_OFF]));
        store.start();
        await flush();
        const progress: number[] = [];
        await store.runBatch("start", names, settled => progress.push(settled));
        expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    });
});
