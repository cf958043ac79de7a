// The list's snapshot counts against a scripted libvirt: which calls a sync makes, and what events change.
import type { DomainEvent } from "../../src/libvirt/events";
import { LibvirtError } from "../../src/libvirt/errors";
import { SnapshotCounts, snapshotCountOf, type SnapshotCountApi } from "../../src/state/snapshot-counts";

const flush = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
};

class FakeHost implements SnapshotCountApi {
    calls: string[] = [];
    onEvent: ((event: DomainEvent) => void) | null = null;
    constructor(public snapshots: Map<string, number>, public gone = new Set<string>()) {}

    listDomainPathsWithSnapshots = async (): Promise<string[]> => {
        this.calls.push("list");
        return [...this.snapshots].filter(([, n]) => n > 0).map(([name]) => `/domain/${name}`);
    };
    countSnapshots = async ({ path }: { path: string }): Promise<number> => {
        this.calls.push(`count:${path}`);
        const name = path.replace("/domain/", "");
        if (this.gone.has(name)) throw new LibvirtError("not-found", "Domain not found");
        return this.snapshots.get(name) ?? 0;
    };
    getDomainName = async ({ path }: { path: string }): Promise<string> => {
        this.calls.push(`name:${path}`);
        return path.replace("/domain/", "");
    };
    subscribeDomainEvents = (onEvent: (event: DomainEvent) => void): (() => void) => {
        this.onEvent = onEvent;
        return () => undefined;
    };
}

function setUp(snapshots: [string, number][]) {
    const host = new FakeHost(new Map(snapshots));
    const timers: (() => void)[] = [];
    const warnings: string[] = [];
    const counts = new SnapshotCounts({
        api: host,
        setTimeout: callback => timers.push(callback),
        warn: message => warnings.push(message),
    });
    return { host, counts, timers, warnings };
}

test("a sync counts only the domains libvirt lists as having snapshots; the others have none", async () => {
    const { host, counts } = setUp([["web", 3], ["db", 0], ["cache", 1]]);
    expect(snapshotCountOf(counts.getSnapshot(), "db")).toBeNull();
    await counts.sync();
    expect(host.calls.filter(c => c.startsWith("count:")).sort()).toEqual(["count:/domain/cache", "count:/domain/web"]);
    const snapshot = counts.getSnapshot();
    expect(["web", "db", "cache", "never-seen"].map(name => snapshotCountOf(snapshot, name))).toEqual([3, 0, 1, 0]);
});

test("names are looked up once; a second sync recounts but does not ask for names again", async () => {
    const { host, counts } = setUp([["web", 3]]);
    await counts.sync();
    host.snapshots.set("web", 4);
    await counts.sync();
    expect(host.calls).toEqual(["list", "name:/domain/web", "count:/domain/web", "list", "count:/domain/web"]);
    expect(snapshotCountOf(counts.getSnapshot(), "web")).toBe(4);
});

test("a domain undefined between the list and its count is left out, with a warning", async () => {
    const { host, counts, warnings } = setUp([["web", 3], ["gone", 2]]);
    host.gone.add("gone");
    await counts.sync();
    expect(snapshotCountOf(counts.getSnapshot(), "web")).toBe(3);
    expect(snapshotCountOf(counts.getSnapshot(), "gone")).toBe(0);
    expect(warnings).toEqual(["Counting the snapshots of /domain/gone failed:"]);
});

test("a burst of 'defined' events recounts that domain once; other events cost nothing", async () => {
    const { host, counts, timers } = setUp([["web", 1]]);
    await counts.sync();
    host.calls = [];
    host.snapshots.set("web", 2);
    host.onEvent?.({ path: "/domain/web", kind: "started", detail: 0 });
    host.onEvent?.({ path: "/domain/web", kind: "defined", detail: 3 });
    host.onEvent?.({ path: "/domain/web", kind: "defined", detail: 3 });
    expect(timers).toHaveLength(1);
    timers[0]();
    await flush();
    // The name is read again: a rename is a "defined" event too.
    expect(host.calls).toEqual(["name:/domain/web", "count:/domain/web"]);
    expect(snapshotCountOf(counts.getSnapshot(), "web")).toBe(2);
});

test("the card's count replaces the known one; an unchanged count publishes nothing", async () => {
    const { counts } = setUp([["web", 1]]);
    await counts.sync();
    let published = 0;
    counts.subscribe(() => published++);
    counts.set("web", 1);
    expect(published).toBe(0);
    counts.set("web", 0);
    expect(published).toBe(1);
    expect(snapshotCountOf(counts.getSnapshot(), "web")).toBe(0);
});

test("libvirt failing the list leaves the counts unknown, with a warning", async () => {
    const { host, counts, warnings } = setUp([["web", 1]]);
    host.listDomainPathsWithSnapshots = async () => {
        throw new LibvirtError("libvirt-down", "Failed to connect");
    };
    await counts.sync();
    expect(snapshotCountOf(counts.getSnapshot(), "web")).toBeNull();
    expect(warnings).toEqual(["Snapshot counts could not be listed:"]);
});
