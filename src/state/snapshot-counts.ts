// How many snapshots each VM has, for the list's Snapshots column, without a call per VM on every refresh.
// A sync asks libvirt once for the domains that have any snapshot (every other VM has none), then counts
// only those, a few at a time, behind the list's own calls. libvirt-dbus 1.4.1 has no snapshot events
// (libvirt has none either): counts are synced when the list opens, a domain's "defined" event (a revert
// redefines it) recounts it, and the Snapshots card reports the count it has just read after each action.
//
// libvirt and timers come in through SnapshotCountDeps, so the rules are unit-tested without a host.
import { runBatch } from "../core/batch";
import type { DomainEvent } from "../libvirt/events";

// Counting holds a libvirt-dbus worker thread per call: leave the others to the list's stats calls.
export const COUNT_CONCURRENCY = 2;
export const EVENT_COALESCE_MS = 100;

export interface SnapshotCountApi {
    listDomainPathsWithSnapshots(): Promise<string[]>;
    countSnapshots(domain: { path: string }): Promise<number>;
    getDomainName(domain: { path: string }): Promise<string>;
    subscribeDomainEvents(onEvent: (event: DomainEvent) => void): () => void;
}

export interface SnapshotCountDeps {
    api: SnapshotCountApi;
    setTimeout(callback: () => void, ms: number): unknown;
    warn(message: string, error: unknown): void;
}

export interface SnapshotCountSnapshot {
    counts: ReadonlyMap<string, number>;
    /** After a sync, a VM absent from `counts` has no snapshot; before, it is not counted yet. */
    synced: boolean;
}

export function snapshotCountOf({ counts, synced }: SnapshotCountSnapshot, name: string): number | null {
    return counts.get(name) ?? (synced ? 0 : null);
}

export class SnapshotCounts {
    private counts = new Map<string, number>();
    private snapshot: SnapshotCountSnapshot = { counts: new Map(), synced: false };
    private synced = false;
    private nameByPath = new Map<string, string>();
    private listeners = new Set<() => void>();
    private unsubscribe: (() => void) | null = null;
    private syncing: Promise<void> | null = null;
    private eventRecounts = new Set<string>();

    constructor(private readonly deps: SnapshotCountDeps) {}

    readonly subscribe = (listener: () => void): (() => void) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    };

    readonly getSnapshot = (): SnapshotCountSnapshot => this.snapshot;

    /** Counts every VM afresh: the list calls it when it opens. Joins a sync already running. */
    sync(): Promise<void> {
        if (!this.unsubscribe) {
            try {
                this.unsubscribe = this.deps.api.subscribeDomainEvents(event => this.onDomainEvent(event));
            } catch (error) {
                this.deps.warn("Snapshot counts: the event subscription failed:", error);
            }
        }
        this.syncing ??= this.runSync().finally(() => {
            this.syncing = null;
        });
        return this.syncing;
    }

    /** Every VM the list shows: those not among the domains with snapshots have none. */
    private async runSync(): Promise<void> {
        let paths: string[];
        try {
            paths = await this.deps.api.listDomainPathsWithSnapshots();
        } catch (error) {
            this.deps.warn("Snapshot counts could not be listed:", error);
            return;
        }
        const counted = new Map<string, number>();
        await runBatch(paths, COUNT_CONCURRENCY, async path => {
            try {
                const name = await this.nameOf(path);
                counted.set(name, await this.deps.api.countSnapshots({ path }));
            } catch (error) {
                // A domain undefined meanwhile is simply not counted.
                this.deps.warn(`Counting the snapshots of ${path} failed:`, error);
            }
            return { outcome: "done" };
        });
        this.counts = counted;
        this.synced = true;
        this.publish();
    }

    /** The count of one VM, as the Snapshots card has just read it. */
    set(name: string, count: number): void {
        if (this.counts.get(name) === count) return;
        this.counts.set(name, count);
        this.publish();
    }

    private async nameOf(path: string): Promise<string> {
        const known = this.nameByPath.get(path);
        if (known !== undefined) return known;
        const name = await this.deps.api.getDomainName({ path });
        this.nameByPath.set(path, name);
        return name;
    }

    private onDomainEvent(event: DomainEvent): void {
        if (event.kind === "undefined") {
            const name = this.nameByPath.get(event.path);
            this.nameByPath.delete(event.path);
            if (name !== undefined && this.counts.delete(name)) this.publish();
            return;
        }
        if (event.kind !== "defined" || this.eventRecounts.has(event.path)) return;
        // A rename is a "defined" event too: the name is read again.
        this.nameByPath.delete(event.path);
        this.eventRecounts.add(event.path);
        this.deps.setTimeout(() => void this.recount(event.path), EVENT_COALESCE_MS);
    }

    private async recount(path: string): Promise<void> {
        this.eventRecounts.delete(path);
        try {
            const name = await this.nameOf(path);
            this.set(name, await this.deps.api.countSnapshots({ path }));
        } catch (error) {
            this.deps.warn(`Recounting the snapshots of ${path} failed:`, error);
        }
    }

    private publish(): void {
        this.snapshot = { counts: new Map(this.counts), synced: this.synced };
        for (const listener of this.listeners) listener();
    }
}
