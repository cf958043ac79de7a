// The VM list's state, event-driven. A full load reads every domain's state first (a cheap call: rows show
// at once, even with 1000 VMs on a busy host), then the figures of running and shut-off domains in separate
// calls. After that only running domains are polled, every 5 s (paused while the page is hidden);
// DomainEvent signals patch single rows, and whatever the polls cannot explain (a running VM that is no
// longer listed, an unknown one) is settled by the next full load. Views read snapshots through
// useSyncExternalStore.
//
// libvirt, visibility and timers come in through VmStoreDeps, so the rules are unit-tested without a host;
// src/state/vm-store.ts wires the page's one store to libvirt-dbus and cockpit.
import { runBatch, type BatchResult } from "../core/batch";
import { isActionAllowed, isActive, type DomainState, type LifecycleAction } from "../core/domain-state";
import { withMissingFromPrevious, type DomainSample } from "../core/domain-stats";
import type { LibvirtErrorKind } from "../core/libvirt-errors";
import { computeUsage, cpuPercent, memoryPercent, type TimedSample, type Usage } from "../core/usage";
import { uuidFromDomainPath, virshMightMisread } from "../core/virsh-lifecycle";
import { LibvirtError, toLibvirtError, VirshMissingError } from "../libvirt/errors";
import type { DomainEvent } from "../libvirt/events";
import type { DomainSet } from "../libvirt/stats";

export const REFRESH_INTERVAL_MS = 5000;
// Parallel lifecycle calls in a batch. They run as virsh processes, each with its own libvirtd connection,
// so the limit is the host's CPU, not libvirt-dbus' threads. bench/batch-start.ts on a 2-core host starting
// 20 tiny VMs: the page 12 at a time 4.4-5.3 s, a shell's `virsh start` 8 at a time 4.8-5.3 s, 12 at a time
// 4.9-5.3 s, 4 at a time 6.3-7.2 s; the page at 8 took 5.2 s.
export const BATCH_CONCURRENCY = 12;
// CPU % needs two samples: the second comes soon after the first so usage shows within a second.
export const FIRST_RATE_DELAY_MS = 500;
// DomainEvent signals come in bursts (a start is "started" then "resumed"): one reload per burst.
export const EVENT_COALESCE_MS = 100;

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

/** What the store asks of libvirt. */
export interface VmStoreApi {
    /** Every domain with its state only (no figures): answers quickly even while domains boot. */
    listStates(): Promise<DomainSample[]>;
    /** State, CPU, memory and vCPU figures of the domains in `domains`. */
    listStats(domains: DomainSet): Promise<DomainSample[]>;
    /** Running domains with their state and CPU time only: no call to QEMU, so quick while guests boot. */
    listCpuTimes(): Promise<DomainSample[]>;
    getDomainStats(domain: { path: string; name: string }): Promise<DomainSample>;
    getDomainName(domain: { path: string }): Promise<string>;
    lookupDomainPath(domain: { name: string }): Promise<string>;
    /** A running domain's vCPU count from its live definition: quick while the figures call is slow. */
    getLiveVcpuCount(domain: { path: string }): Promise<number>;
    /** One action through libvirt-dbus (a row's menu, the details page). */
    runLifecycleAction(call: { path: string; action: LifecycleAction }): Promise<void>;
    /** One action as a virsh process (batches); throws VirshMissingError where the host has no virsh. */
    runVirshLifecycle(call: { domain: string; action: LifecycleAction }): Promise<void>;
    subscribeDomainEvents(onEvent: (event: DomainEvent) => void): () => void;
    /** Changes whenever a new D-Bus client replaces a closed one: its signal subscriptions are gone. */
    clientGeneration(): number;
}

export type TimerHandle = unknown;

/** The page around the store: visibility, time, timers, words and logging. */
export interface VmStoreEnv {
    isHidden(): boolean;
    onVisibilityChange(listener: () => void): void;
    now(): number;
    setTimeout(callback: () => void, ms: number): TimerHandle;
    clearTimeout(handle: TimerHandle): void;
    /** The failure shown when a VM disappeared before its action ran. */
    vanishedMessage(name: string): string;
    warn(message: string, error: unknown): void;
}

export interface VmStoreDeps {
    api: VmStoreApi;
    env: VmStoreEnv;
}

function sameUsage(a: Usage, b: Usage): boolean {
    return a.cpuPercent === b.cpuPercent && a.memoryUsedKiB === b.memoryUsedKiB && a.memoryPercent === b.memoryPercent &&
        a.diskReadBps === b.diskReadBps && a.diskWriteBps === b.diskWriteBps && a.netRxBps === b.netRxBps &&
        a.netTxBps === b.netTxBps;
}

const NO_FIGURES: Omit<DomainSample, "name" | "state"> = {
    vcpus: null, maxVcpus: null, memoryMaxKiB: null, memoryCurrentKiB: null, memoryUsedKiB: null, memoryUsedSource: null,
    cpuTimeNs: null, disks: [], nics: [],
};

export class VmStore {
    private readonly api: VmStoreApi;
    private readonly env: VmStoreEnv;
    private rows = new Map<string, VmRow>();
    private previous = new Map<string, TimedSample>();
    // Learned lazily (lookups for actions, names of event paths): stats are keyed by name, events by path.
    private pathByName = new Map<string, string>();
    private nameByPath = new Map<string, string>();
    private snapshot: VmStoreSnapshot = { status: "loading", statusMessage: null, vms: [] };
    private listeners = new Set<() => void>();
    private timer: TimerHandle | null = null;
    private unsubscribeEvents: (() => void) | null = null;
    private subscribedGeneration = 0;
    private eventReloads = new Map<string, TimerHandle>();
    private batchesRunning = 0;
    private inFlight: Promise<void> | null = null;
    private fullLoadDue = true;
    private started = false;
    // Usage samples of running domains taken so far: the second follows the first quickly.
    private quickSampleDue = false;
    private virshMissing = false;
    private figuresInFlight = false;
    private figuresSentAt = 0;
    // CPU time between two samples of a running domain whose vCPU count is not known yet: the share per vCPU
    // is worked out as soon as the count arrives.
    private cpuWithoutVcpus = new Map<string, { fromNs: number; toNs: number; elapsedMs: number }>();
    private vcpuLookups = new Set<string>();
    // Set when a row was added, replaced or removed since the last snapshot.
    private changed = false;

    constructor({ api, env }: VmStoreDeps) {
        this.api = api;
        this.env = env;
    }

    readonly subscribe = (listener: () => void): (() => void) => {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    };

    readonly getSnapshot = (): VmStoreSnapshot => this.snapshot;

    start(): void {
        if (this.started) return;
        this.started = true;
        this.env.onVisibilityChange(this.onVisibilityChange);
        this.ensureEventSubscription();
        void this.refresh();
    }

    // Single flight: an event burst or a click during a poll joins the call already running. A full load
    // asked for while a usage poll runs follows right after it.
    refresh({ full = false }: { full?: boolean } = {}): Promise<void> {
        if (full) this.fullLoadDue = true;
        if (!this.inFlight) {
            this.inFlight = this.load().finally(() => {
                this.inFlight = null;
            });
            return this.inFlight;
        }
        if (!full) return this.inFlight;
        return this.inFlight.then(() => this.inFlight ?? (this.fullLoadDue ? this.refresh() : undefined));
    }

    // `inBatch`: one VM of runBatch, run as a virsh process (each with its own libvirtd connection).
    async runAction(name: string, action: LifecycleAction, { inBatch = false }: { inBatch?: boolean } = {}): Promise<ActionResult> {
        const row = this.rows.get(name);
        if (!row) return { outcome: "failed", message: this.env.vanishedMessage(name) };
        if (!isActionAllowed(action, row.sample.state)) return { outcome: "skipped" };
        // A batch's rows get no "Starting…" spinner: its dialog covers the list and counts progress, and
        // bench/batch-start.ts saw the browser spend 1.8 CPU s of a 5.7 s batch on a 2-core host repainting
        // eight animated spinners nobody could see, CPU the starting VMs needed.
        if (inBatch) this.patchRow(name, { actionError: null });
        else this.patchRow(name, { pending: action, actionError: null });
        try {
            if (inBatch && !this.virshMissing) {
                await this.runWithVirsh(name, action);
            } else {
                await this.api.runLifecycleAction({ path: await this.resolvePath(name), action });
            }
            // The state change arrives as a DomainEvent (or with the refresh after a batch).
            if (!inBatch) this.patchRow(name, { pending: null });
            return { outcome: "done" };
        } catch (error) {
            const libvirtError = toLibvirtError(error);
            if (libvirtError.kind === "not-found") {
                this.forget(name);
                this.publish();
                if (this.batchesRunning === 0) void this.refresh({ full: true });
                return { outcome: "failed", message: this.env.vanishedMessage(name) };
            }
            this.patchRow(name, { pending: null, actionError: { action, message: libvirtError.message } });
            return { outcome: "failed", message: libvirtError.message };
        }
    }

    // While a batch runs the store polls nothing and reloads nothing on events: the host's CPU goes to the
    // batch. One full load afterwards brings the list up to date.
    async runBatch(action: LifecycleAction, names: readonly string[],
        onProgress: (settled: number, total: number) => void): Promise<BatchResult[]> {
        this.batchesRunning++;
        this.cancelTimer();
        try {
            return await runBatch(names, BATCH_CONCURRENCY, name => this.runAction(name, action, { inBatch: true }), onProgress);
        } finally {
            this.batchesRunning--;
            if (this.batchesRunning === 0) void this.refresh({ full: true });
        }
    }

    dismissError(name: string): void {
        this.patchRow(name, { actionError: null });
    }

    async resolvePath(name: string): Promise<string> {
        const known = this.pathByName.get(name);
        if (known) return known;
        const path = await this.api.lookupDomainPath({ name });
        this.remember(name, path);
        return path;
    }

    private async runWithVirsh(name: string, action: LifecycleAction): Promise<void> {
        try {
            await this.api.runVirshLifecycle({ domain: await this.virshDomainArgument(name), action });
        } catch (error) {
            if (!(error instanceof VirshMissingError)) throw error;
            if (!this.virshMissing) this.env.warn("virsh is missing; lifecycle actions go through libvirt-dbus:", error);
            this.virshMissing = true;
            await this.api.runLifecycleAction({ path: await this.resolvePath(name), action });
        }
    }

    // The VM's UUID where known or where virsh could misread the name; its name otherwise (no look-up).
    private async virshDomainArgument(name: string): Promise<string> {
        const known = this.pathByName.get(name);
        const uuid = known === undefined ? null : uuidFromDomainPath(known);
        if (uuid) return uuid;
        if (!virshMightMisread(name)) return name;
        const path = await this.resolvePath(name);
        const resolved = uuidFromDomainPath(path);
        if (!resolved) throw new LibvirtError("other", `libvirt-dbus gave an unexpected object path for ${name}: ${path}`);
        return resolved;
    }

    private readonly onVisibilityChange = (): void => {
        if (this.env.isHidden()) {
            this.cancelTimer();
        } else {
            void this.refresh();
        }
    };

    private cancelTimer(): void {
        if (this.timer !== null) this.env.clearTimeout(this.timer);
        this.timer = null;
    }

    private schedule(): void {
        this.cancelTimer();
        if (!this.started || this.env.isHidden() || this.batchesRunning > 0) return;
        const delay = this.quickSampleDue ? FIRST_RATE_DELAY_MS : REFRESH_INTERVAL_MS;
        this.timer = this.env.setTimeout(() => {
            this.timer = null;
            void this.refresh();
        }, delay);
    }

    private ensureEventSubscription(): void {
        // A closed D-Bus channel (bridge or libvirt-dbus restart) took its subscription with it.
        const generation = this.api.clientGeneration();
        if (this.unsubscribeEvents && this.subscribedGeneration === generation) return;
        this.unsubscribeEvents?.();
        this.unsubscribeEvents = null;
        try {
            this.unsubscribeEvents = this.api.subscribeDomainEvents(event => this.onDomainEvent(event));
            this.subscribedGeneration = this.api.clientGeneration();
        } catch (error) {
            // The subscription is retried on the next successful load.
            this.env.warn("DomainEvent subscription failed:", error);
        }
    }

    private async load(): Promise<void> {
        const full = this.fullLoadDue || this.snapshot.status !== "ready";
        this.fullLoadDue = false;
        try {
            if (full) await this.loadFull();
            else await this.loadUsage();
        } catch (error) {
            this.fullLoadDue = true;
            this.schedule();
            const libvirtError = toLibvirtError(error);
            // A lost connection invalidates every cached object path (a restarted libvirtd keeps UUIDs, but a
            // domain may have been undefined meanwhile).
            this.pathByName.clear();
            this.nameByPath.clear();
            const status = libvirtError.kind === "not-found" ? "other" : libvirtError.kind;
            this.setStatus(status, libvirtError.message);
        }
    }

    private async loadFull(): Promise<void> {
        const states = await this.api.listStates();
        // Figures and usage are asked for before the rows are drawn: drawing many rows holds the main thread,
        // and libvirt works on the calls meanwhile.
        const inactive = this.api.listStats("inactive");
        const usage = this.loadUsage();
        const seen = new Set<string>();
        for (const sample of states) {
            seen.add(sample.name);
            this.applyState(sample.name, sample.state);
        }
        for (const name of [...this.rows.keys()]) {
            if (!seen.has(name)) this.forget(name);
        }
        this.ensureEventSubscription();
        this.setStatus("ready", null);
        // Shut-off domains' figures (vCPUs, memory) are not awaited: the running domains' usage, and its
        // quick second sample, do not wait for hundreds of records.
        void inactive.then(samples => {
            const at = this.env.now();
            for (const sample of samples) {
                const row = this.rows.get(sample.name);
                // A domain started since then has newer figures from its event or the usage poll.
                if (row && !isActive(row.sample.state) && !isActive(sample.state)) this.applySample(sample, at);
            }
            if (this.changed) this.publish();
        }, (error: unknown) => this.env.warn("Reading the shut-off VMs' figures failed:", error));
        await usage;
    }

    // Usage of running domains from their CPU time alone: libvirt reads it without talking to QEMU, so it
    // answers at once even while dozens of guests boot (memory and vCPU figures need QEMU's monitor, and one
    // call for 50 booting guests took 17 s). Those figures come from a call of their own, not awaited.
    private async loadUsage(): Promise<void> {
        this.refreshFigures();
        const startedAt = this.env.now();
        const samples = await this.api.listCpuTimes();
        // A running VM seen for the first time (the page just opened, or it started since the last poll)
        // shows "Measuring…" until a second sample: that one comes soon, the polls after it at the usual pace.
        this.quickSampleDue = samples.some(sample => sample.cpuTimeNs !== null && this.rows.has(sample.name) && !this.previous.has(sample.name));
        // Scheduled from the answer, not from after rendering: the next sample's timing does not depend on
        // how long the rows take to draw.
        this.schedule();
        // The midpoint of the call is the best guess at when libvirt read the counters.
        const at = (startedAt + this.env.now()) / 2;
        const seen = new Set<string>();
        for (const sample of samples) {
            seen.add(sample.name);
            if (!this.rows.has(sample.name)) this.fullLoadDue = true;
            else this.applyCpuSample(sample, at);
        }
        // A running VM missing from the answer stopped (or vanished) without an event seen yet.
        for (const row of this.rows.values()) {
            if (isActive(row.sample.state) && !seen.has(row.name)) this.fullLoadDue = true;
        }
        this.ensureEventSubscription();
        if (this.changed) this.publish();
    }

    private refreshFigures(): void {
        if (this.figuresInFlight) return;
        this.figuresInFlight = true;
        this.figuresSentAt = this.env.now();
        void this.api.listStats("active").then(samples => {
            for (const sample of samples) this.applyFigures(sample);
            if (this.changed) this.publish();
        }, (error: unknown) => this.env.warn("Reading the running VMs' memory and vCPUs failed:", error)).finally(() => {
            this.figuresInFlight = false;
        });
    }

    private onDomainEvent(event: DomainEvent): void {
        if (event.kind === "undefined") {
            // An undefined domain may live on as a transient one, or be gone: the full list decides.
            if (this.batchesRunning === 0) void this.refresh({ full: true });
            return;
        }
        if (this.eventReloads.has(event.path) || this.batchesRunning > 0) return;
        this.eventReloads.set(event.path, this.env.setTimeout(() => void this.reloadAfterEvent(event.path), EVENT_COALESCE_MS));
    }

    private async reloadAfterEvent(path: string): Promise<void> {
        this.eventReloads.delete(path);
        try {
            const name = this.nameByPath.get(path) ?? await this.api.getDomainName({ path });
            this.remember(name, path);
            const sample = await this.api.getDomainStats({ path, name });
            this.applySample(sample, this.env.now());
            this.publish();
        } catch (error) {
            // The domain vanished between the event and our look-up: the full list decides.
            this.env.warn(`Reloading the domain at ${path} after an event failed:`, error);
            if (error instanceof LibvirtError) void this.refresh({ full: true });
        }
    }

    private remember(name: string, path: string): void {
        this.pathByName.set(name, path);
        this.nameByPath.set(path, name);
    }

    private forget(name: string): void {
        if (this.rows.delete(name)) this.changed = true;
        this.previous.delete(name);
        this.cpuWithoutVcpus.delete(name);
        const path = this.pathByName.get(name);
        if (path) this.nameByPath.delete(path);
        this.pathByName.delete(name);
    }

    private withoutFigures(sample: DomainSample, state: DomainState): DomainSample {
        return {
            ...sample, ...NO_FIGURES, state, vcpus: sample.vcpus, maxVcpus: sample.maxVcpus,
            memoryMaxKiB: sample.memoryMaxKiB, memoryCurrentKiB: sample.memoryCurrentKiB,
        };
    }

    // A state without figures: a new row shows its name and state; a known row in the same state keeps
    // its figures; a row whose state changed keeps its definition (vCPUs, memory) but no usage.
    private applyState(name: string, state: DomainState): void {
        const old = this.rows.get(name);
        if (old?.sample.state === state) return;
        const sample = old ? this.withoutFigures(old.sample, state) : { name, state, ...NO_FIGURES };
        this.previous.delete(name);
        this.changed = true;
        this.rows.set(name, {
            name, sample, usage: computeUsage(undefined, { sample, atMs: 0 }),
            pending: old?.pending ?? null, actionError: old?.actionError ?? null,
        });
    }

    private applySample(answered: DomainSample, atMs: number): void {
        const before = this.previous.get(answered.name);
        const sample = withMissingFromPrevious(before?.sample, answered);
        const old = this.rows.get(sample.name);
        // A busy VM that answered without counters keeps its last figures until it answers in full.
        if (old && sample !== answered) return;
        this.setRow(old, sample, computeUsage(before, { sample, atMs }));
        this.previous.set(sample.name, { sample, atMs });
    }

    // A running domain's CPU time: the row keeps its other figures while its state stays the same.
    private applyCpuSample(answered: DomainSample, atMs: number): void {
        const old = this.rows.get(answered.name);
        if (!old || answered.cpuTimeNs === null) return;
        const base = old.sample.state === answered.state ? old.sample : this.withoutFigures(old.sample, answered.state);
        const sample: DomainSample = { ...base, cpuTimeNs: answered.cpuTimeNs };
        const current: TimedSample = { sample, atMs };
        const before = this.previous.get(answered.name);
        const usage = computeUsage(before, current);
        this.previous.set(answered.name, current);
        if (sample.vcpus !== null) {
            this.setRow(old, sample, usage);
            return;
        }
        // A share per vCPU needs the count: until it is known the row says "Measuring…". The figures call
        // brings it; when that call is slow (guests booting), the count is read per domain instead.
        this.setRow(old, sample, { ...usage, cpuPercent: null });
        if (before && before.sample.cpuTimeNs !== null) {
            this.cpuWithoutVcpus.set(answered.name, { fromNs: before.sample.cpuTimeNs, toNs: answered.cpuTimeNs, elapsedMs: atMs - before.atMs });
        }
        if (this.figuresInFlight && this.env.now() - this.figuresSentAt >= FIRST_RATE_DELAY_MS) this.lookUpVcpus(answered.name);
    }

    private lookUpVcpus(name: string): void {
        if (this.vcpuLookups.has(name)) return;
        this.vcpuLookups.add(name);
        void (async () => {
            try {
                const vcpus = await this.api.getLiveVcpuCount({ path: await this.resolvePath(name) });
                const row = this.rows.get(name);
                if (row && isActive(row.sample.state) && row.sample.vcpus === null) {
                    this.setVcpus(row, vcpus);
                    this.publish();
                }
            } catch (error) {
                this.env.warn(`Reading the vCPU count of ${name} failed:`, error);
            } finally {
                this.vcpuLookups.delete(name);
            }
        })();
    }

    private setVcpus(row: VmRow, vcpus: number): void {
        const pending = this.cpuWithoutVcpus.get(row.name);
        this.cpuWithoutVcpus.delete(row.name);
        const usage = pending ? { ...row.usage, cpuPercent: cpuPercent(pending.fromNs, pending.toNs, pending.elapsedMs, vcpus) } : row.usage;
        this.setRow(row, { ...row.sample, vcpus }, usage);
    }

    // A running domain's memory and vCPUs, without its counters: CPU usage comes from applyCpuSample's
    // quicker calls, timed on their own.
    private applyFigures(answered: DomainSample): void {
        const old = this.rows.get(answered.name);
        if (!old || old.sample.state !== answered.state || (answered.vcpus === null && answered.memoryCurrentKiB === null)) return;
        if (answered.vcpus !== null && old.sample.vcpus === null) this.setVcpus(old, answered.vcpus);
        const known = this.rows.get(answered.name) ?? old;
        const sample: DomainSample = {
            ...known.sample,
            vcpus: answered.vcpus ?? known.sample.vcpus,
            maxVcpus: answered.maxVcpus ?? old.sample.maxVcpus,
            memoryMaxKiB: answered.memoryMaxKiB ?? known.sample.memoryMaxKiB,
            memoryCurrentKiB: answered.memoryCurrentKiB ?? known.sample.memoryCurrentKiB,
            memoryUsedKiB: answered.memoryUsedKiB ?? known.sample.memoryUsedKiB,
            memoryUsedSource: answered.memoryUsedSource ?? known.sample.memoryUsedSource,
        };
        this.setRow(known, sample, { ...known.usage, memoryUsedKiB: sample.memoryUsedKiB, memoryPercent: memoryPercent(sample) });
    }

    // A row whose figures did not change keeps its object, so the list does not redraw it.
    private setRow(old: VmRow | undefined, sample: DomainSample, usage: Usage): void {
        if (old && sameUsage(old.usage, usage) && JSON.stringify(old.sample) === JSON.stringify(sample)) return;
        this.changed = true;
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
        // Rows keep their identity when nothing changes, so the list does not re-render them.
        if (Object.entries(patch).every(([key, value]) => row[key as keyof typeof patch] === value)) return;
        this.rows.set(name, { ...row, ...patch });
        this.changed = true;
        this.publish();
    }

    private setStatus(status: ConnectionStatus, message: string | null): void {
        this.snapshot = { status, statusMessage: message, vms: this.snapshot.vms };
        this.publish();
    }

    private publish(): void {
        if (this.changed) this.snapshot = { ...this.snapshot, vms: [...this.rows.values()] };
        this.changed = false;
        for (const listener of this.listeners) listener();
    }
}
