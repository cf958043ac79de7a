// The VM list's state, event-driven: one initial GetAllDomainStats, then DomainEvent signals patch single
// rows, and one GetAllDomainStats every 5 s refreshes usage for all VMs at once (paused while the page
// is hidden). Views read snapshots through useSyncExternalStore.
import cockpit from "../lib/cockpit";
import { runBatch, type BatchResult } from "../core/batch";
import { isActionAllowed, isActive, type LifecycleAction } from "../core/domain-state";
import { withMissingFromPrevious, type DomainSample } from "../core/domain-stats";
import type { LibvirtErrorKind } from "../core/libvirt-errors";
import { computeUsage, type TimedSample, type Usage } from "../core/usage";
import { LibvirtError, libvirtClientGeneration, toLibvirtError } from "../libvirt/connection";
import { getDomainName, lookupDomainPath, runLifecycleAction } from "../libvirt/domains";
import { subscribeDomainEvents, type DomainEvent } from "../libvirt/events";
import { getAllDomainStats, getDomainStats } from "../libvirt/stats";

export const REFRESH_INTERVAL_MS = 5000;
// Parallel lifecycle calls in a batch: libvirt starts domains concurrently, but each start costs host CPU,
// so a few at a time beats both one-by-one and all-at-once on a small host. libvirt-dbus serves calls
// with 4 worker threads by default, and the list makes no reads of its own while a batch runs.
export const BATCH_CONCURRENCY = 4;
// CPU % needs two samples: the second comes soon after the first so usage shows within a second.
export const FIRST_RATE_DELAY_MS = 500;
// DomainEvent signals come in bursts (a start is "started" then "resumed"): one reload per burst.
const EVENT_COALESCE_MS = 100;

export type ConnectionStatus = "loading" | "ready" | Exclude<LibvirtErrorKind, "not-found">;

export interface VmRow {
    name: string;
    sample: DomainSample;
    usage: Usage;
    pending: LifecycleAction | null;
    actionError: { action: LifecycleAction; message: string } | null;
}

export interface VmStoreSnapshot {
    status: ConnectionStatus;
    statusMessage: string | null;
    vms: readonly VmRow[];
}

export type ActionResult = Omit<BatchResult, "name">;

export class VmStore {
    private rows = new Map<string, VmRow>();
    private previous = new Map<string, TimedSample>();
    // Learned lazily (lookups for actions, names of event paths): stats are keyed by name, events by path.
    private pathByName = new Map<string, string>();
    private nameByPath = new Map<string, string>();
    private snapshot: VmStoreSnapshot = { status: "loading", statusMessage: null, vms: [] };
    private listeners = new Set<() => void>();
    private timer: ReturnType<typeof setTimeout> | null = null;
    private unsubscribeEvents: (() => void) | null = null;
    private subscribedGeneration = 0;
    private eventReloads = new Map<string, ReturnType<typeof setTimeout>>();
    private batchesRunning = 0;
    private inFlight: Promise<void> | null = null;
    private started = false;
    private loads = 0;

    readonly subscribe = (listener: () => void): (() => void) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    };

    readonly getSnapshot = (): VmStoreSnapshot => this.snapshot;

    start(): void {
        if (this.started) return;
        this.started = true;
        cockpit.addEventListener("visibilitychange", this.onVisibilityChange);
        this.ensureEventSubscription();
        void this.refresh();
    }

    // Single flight: an event burst or a click during a poll joins the call already running.
    refresh(): Promise<void> {
        if (!this.inFlight) {
            this.inFlight = this.loadAll().finally(() => {
                this.inFlight = null;
            });
        }
        return this.inFlight;
    }

    async runAction(name: string, action: LifecycleAction): Promise<ActionResult> {
        const row = this.rows.get(name);
        if (!row) return { outcome: "failed", message: cockpit.format(cockpit.gettext("$0 no longer exists"), name) };
        if (!isActionAllowed(action, row.sample.state)) return { outcome: "skipped" };
        this.patchRow(name, { pending: action, actionError: null });
        try {
            const path = await this.resolvePath(name);
            await runLifecycleAction({ path, action });
            // The state change arrives as a DomainEvent; reading stats here too only queued more calls
            // behind libvirt-dbus' few threads during a batch.
            this.patchRow(name, { pending: null });
            return { outcome: "done" };
        } catch (error) {
            const libvirtError = toLibvirtError(error);
            if (libvirtError.kind === "not-found") {
                this.forget(name);
                this.publish();
                void this.refresh();
            } else {
                this.patchRow(name, { pending: null, actionError: { action, message: libvirtError.message } });
            }
            return { outcome: "failed", message: libvirtError.message };
        }
    }

    // While a batch runs the store polls nothing and reloads nothing on events: every libvirt-dbus
    // thread goes to the batch's calls. One full refresh afterwards brings the list up to date.
    async runBatch(action: LifecycleAction, names: readonly string[],
        onProgress: (settled: number, total: number) => void): Promise<BatchResult[]> {
        this.batchesRunning++;
        this.cancelTimer();
        try {
            return await runBatch(names, BATCH_CONCURRENCY, name => this.runAction(name, action), onProgress);
        } finally {
            this.batchesRunning--;
            void this.refresh();
        }
    }

    dismissError(name: string): void {
        this.patchRow(name, { actionError: null });
    }

    private readonly onVisibilityChange = (): void => {
        if (cockpit.hidden) {
            this.cancelTimer();
        } else {
            void this.refresh();
        }
    };

    private cancelTimer(): void {
        if (this.timer) clearTimeout(this.timer);
        this.timer = null;
    }

    private schedule(): void {
        this.cancelTimer();
        if (!this.started || cockpit.hidden || this.batchesRunning > 0) return;
        this.timer = setTimeout(() => void this.refresh(), this.loads === 1 ? FIRST_RATE_DELAY_MS : REFRESH_INTERVAL_MS);
    }

    private ensureEventSubscription(): void {
        // A closed D-Bus channel (bridge or libvirt-dbus restart) took its subscription with it.
        if (this.unsubscribeEvents && this.subscribedGeneration === libvirtClientGeneration()) return;
        this.unsubscribeEvents?.();
        this.unsubscribeEvents = null;
        try {
            this.unsubscribeEvents = subscribeDomainEvents(event => void this.onDomainEvent(event));
            this.subscribedGeneration = libvirtClientGeneration();
        } catch (error) {
            // The subscription is retried on the next successful refresh.
            console.warn("DomainEvent subscription failed:", error);
        }
    }

    private async loadAll(): Promise<void> {
        const startedAt = performance.now();
        let samples: DomainSample[];
        try {
            samples = await getAllDomainStats();
        } catch (error) {
            this.schedule();
            const libvirtError = toLibvirtError(error);
            // A lost connection invalidates every cached object path (a restarted libvirtd keeps UUIDs, but a
            // domain may have been undefined meanwhile).
            this.pathByName.clear();
            this.nameByPath.clear();
            const status = libvirtError.kind === "not-found" ? "other" : libvirtError.kind;
            this.setStatus(status, libvirtError.message);
            return;
        }
        // Counted from the answer, not from after rendering: the next sample's timing does not depend on
        // how long 200 rows take to draw.
        this.loads++;
        this.schedule();
        // The midpoint of the call is the best guess at when libvirt read the counters.
        const at = (startedAt + performance.now()) / 2;
        const seen = new Set<string>();
        for (const sample of samples) {
            seen.add(sample.name);
            this.applySample(sample, at);
        }
        for (const name of [...this.rows.keys()]) {
            if (!seen.has(name)) this.forget(name);
        }
        this.ensureEventSubscription();
        this.setStatus("ready", null);
    }

    private async onDomainEvent(event: DomainEvent): Promise<void> {
        if (event.kind === "undefined") {
            // An undefined domain may live on as a transient one, or be gone: the full list decides.
            void this.refresh();
            return;
        }
        if (this.eventReloads.has(event.path) || this.batchesRunning > 0) return;
        this.eventReloads.set(event.path, setTimeout(() => void this.reloadAfterEvent(event.path), EVENT_COALESCE_MS));
    }

    private async reloadAfterEvent(path: string): Promise<void> {
        this.eventReloads.delete(path);
        try {
            const name = this.nameByPath.get(path) ?? await getDomainName({ path });
            this.remember(name, path);
            await this.reloadDomain(path, name);
        } catch (error) {
            // The domain vanished between the event and our look-up: the full list decides.
            if (error instanceof LibvirtError) void this.refresh();
        }
    }

    private async reloadDomain(path: string, name: string): Promise<void> {
        const sample = await getDomainStats({ path, name });
        this.applySample(sample, performance.now());
        this.publish();
    }

    async resolvePath(name: string): Promise<string> {
        const known = this.pathByName.get(name);
        if (known) return known;
        const path = await lookupDomainPath({ name });
        this.remember(name, path);
        return path;
    }

    private remember(name: string, path: string): void {
        this.pathByName.set(name, path);
        this.nameByPath.set(path, name);
    }

    private forget(name: string): void {
        this.rows.delete(name);
        this.previous.delete(name);
        const path = this.pathByName.get(name);
        if (path) this.nameByPath.delete(path);
        this.pathByName.delete(name);
    }

    private applySample(answered: DomainSample, atMs: number): void {
        const before = this.previous.get(answered.name);
        const sample = withMissingFromPrevious(before?.sample, answered);
        const old = this.rows.get(sample.name);
        // An idle (inactive, unchanged) VM keeps its row object, so the list does not redraw its row; a
        // busy VM that answered without counters keeps its last figures until it answers in full.
        if (old && (sample !== answered || (!isActive(sample.state) && JSON.stringify(old.sample) === JSON.stringify(sample)))) return;
        const current: TimedSample = { sample, atMs };
        const usage = computeUsage(before, current);
        this.previous.set(sample.name, current);
        this.rows.set(sample.name, {
            name: sample.name,
            sample,
            usage,
            pending: old?.pending ?? null,
            actionError: old?.actionError ?? null,
        });
    }

    private patchRow(name: string, patch: Partial<Pick<VmRow, "pending" | "actionError">>): void {
        const row = this.rows.get(name);
        if (!row) return;
        this.rows.set(name, { ...row, ...patch });
        this.publish();
    }

    private setStatus(status: ConnectionStatus, message: string | null): void {
        this.snapshot = { status, statusMessage: message, vms: this.snapshot.vms };
        this.publish();
    }

    private publish(): void {
        this.snapshot = { ...this.snapshot, vms: [...this.rows.values()] };
        for (const listener of this.listeners) listener();
    }
}

export const vmStore = new VmStore();
