// Timing probes inside a page under benchmark. The milestones are taken IN the page by a MutationObserver
// that an init script installs before any of the page's own scripts run, so how often Node polls does not
// change a figure: Node only waits until the page says it is done. Times are wall-clock (timeOrigin +
// performance.now()), the same clock as Date.now() in Node on this host, so they are measured from the
// instant just before page.goto().
import type { Page, WebSocket } from "playwright-core";

/** Which page is probed, and what "a row of ours" and "a running row that shows what it should" mean there. */
export interface ProbeConfig {
    kind: "kvm-manager" | "cockpit-machines";
    /** Only rows for VM names with this prefix count (other sessions' VMs may come and go on the host). */
    prefix: string;
    /** How many of our rows make the list complete. */
    expectedRows: number;
    /** Our VMs that are running: each must show usage (KVM Manager) or its running state (cockpit-machines). */
    running: string[];
}

export interface ProbeState {
    /** Wall-clock ms of each milestone, or null while not reached. */
    appMounted: number | null;
    listShown: number | null;
    firstRow: number | null;
    allRows: number | null;
    allRunningShown: number | null;
    done: boolean;
    /** Our rows and running rows that show what they should, at the last check; and every row of the list. */
    rows: number;
    runningShown: number;
    totalRows: number;
    maxRows: number;
    /** [wall-clock ms, our rows] each time the count of our rows changed (capped, for the slow peer). */
    progress: [number, number][];
    /** Main-thread tasks over 50 ms until done: JavaScript and layout that block the page. */
    longTasks: { start: number; duration: number }[];
}

declare global {
    interface Window {
        __benchProbe?: ProbeState;
    }
}

/** Runs in the page before its own scripts; must be self-contained (Playwright serialises it). */
function installProbe(config: ProbeConfig): void {
    const wall = (): number => performance.timeOrigin + performance.now();
    const state: ProbeState = {
        appMounted: null, listShown: null, firstRow: null, allRows: null, allRunningShown: null, done: false,
        rows: 0, runningShown: 0, totalRows: 0, maxRows: 0, progress: [], longTasks: [],
    };
    window.__benchProbe = state;
    const running = new Set(config.running);
    const kvm = config.kind === "kvm-manager";
    const mountSelector = kvm ? ".kvm-manager" : "#virtual-machines-listing";
    const listSelector = kvm ? "#kvm-vm-table" : "#virtual-machines-listing table";
    const rowSelector = kvm ? "#kvm-vm-table tbody tr[data-vm-name]" : "#virtual-machines-listing tr[data-row-id]";
    // cockpit-machines names its rows "vm-NAME-CONNECTION"; as root it shows the system connection only.
    const nameOf = (row: Element): string | null => {
        if (kvm) return row.getAttribute("data-vm-name");
        const id = row.getAttribute("data-row-id");
        return id !== null && id.startsWith("vm-") && id.endsWith("-system") ? id.slice(3, -"-system".length) : null;
    };
    // KVM Manager: the CPU cell holds a progress bar once two samples gave a rate ("Measuring…" before).
    // cockpit-machines has no usage in its list (columns Name, Connection, State): its running rows count
    // once their state label says running, its class being language-independent.
    // A long KVM Manager list draws only the rows near the viewport; the others are placeholder rows that
    // carry the row's name, state and CPU figure as attributes (src/components/WindowedTbody.tsx).
    const shows = (row: Element): boolean => kvm
        ? row.getAttribute("data-state") === "running" &&
            (row.querySelector(".kvm-cpu-cell .kvm-usage") !== null || row.hasAttribute("data-cpu-percent"))
        : row.querySelector(".resource-state--running") !== null;

    const check = (): void => {
        if (state.done) return;
        const now = wall();
        if (state.appMounted === null && document.querySelector(mountSelector)) state.appMounted = now;
        if (state.listShown === null && document.querySelector(listSelector)) state.listShown = now;
        const all = document.querySelectorAll(rowSelector);
        let ours = 0;
        let shown = 0;
        for (const row of all) {
            const name = nameOf(row);
            if (name === null || !name.startsWith(config.prefix)) continue;
            ours++;
            if (running.has(name) && shows(row)) shown++;
        }
        if (ours !== state.rows && state.progress.length < 2000) state.progress.push([now, ours]);
        state.rows = ours;
        state.runningShown = shown;
        state.totalRows = all.length;
        state.maxRows = Math.max(state.maxRows, ours);
        if (state.firstRow === null && ours > 0) state.firstRow = now;
        if (state.allRows === null && ours >= config.expectedRows) state.allRows = now;
        if (state.allRunningShown === null && shown >= running.size) state.allRunningShown = now;
        if (state.allRows !== null && state.allRunningShown !== null) {
            state.done = true;
            observer.disconnect();
        }
    };
    // The callback runs as a microtask right after React commits a change to the DOM, so a milestone is the
    // moment the rows are in the document; the paint follows within the same frame.
    const observer = new MutationObserver(check);
    // The document node itself: the init script may run before <html> exists.
    observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ["data-state", "class"] });
    try {
        new PerformanceObserver(list => {
            if (state.done) return;
            for (const entry of list.getEntries()) {
                state.longTasks.push({ start: performance.timeOrigin + entry.startTime, duration: entry.duration });
            }
        }).observe({ type: "longtask", buffered: true });
    } catch {
        // No long-task timing in this browser: the breakdown lacks that line, the figures do not change.
    }
}

/**
 * tsx compiles with esbuild's keepNames, which wraps named inner functions as `__name(fn, "name")`; a
 * function serialised into the page then throws "__name is not defined". A string script defines it first.
 */
export async function addNameShim(page: Page): Promise<void> {
    await page.addInitScript({ content: "globalThis.__name = globalThis.__name || (fn => fn);" });
}

export async function addProbe(page: Page, config: ProbeConfig): Promise<void> {
    await addNameShim(page);
    await page.addInitScript(installProbe, config);
}

export async function readProbe(page: Page): Promise<ProbeState | null> {
    return page.evaluate(() => window.__benchProbe ?? null).catch(() => null);
}

/** Waits until the probe reports done; resolves false at the timeout instead of throwing. */
export async function waitProbeDone(page: Page, timeoutMs: number): Promise<boolean> {
    try {
        // The milestones are stamped in the page; this poll only decides when Node stops waiting.
        await page.waitForFunction(() => window.__benchProbe?.done === true, undefined, { polling: 100, timeout: timeoutMs });
        return true;
    } catch {
        return false;
    }
}

/** What the page's own timing entries say about its load: navigation and the main resources. */
export interface LoadTiming {
    /** Wall-clock ms. */
    navigationStart: number;
    htmlDone: number;
    domContentLoaded: number;
    loadEvent: number;
    resources: { name: string; start: number; end: number; bytes: number }[];
}

export async function readLoadTiming(page: Page): Promise<LoadTiming | null> {
    return page.evaluate(() => {
        const origin = performance.timeOrigin;
        const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
        if (!nav) return null;
        const resources = (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
            .filter(entry => /\.(js|css)(\?|$)/.test(entry.name))
            .map(entry => ({
                name: entry.name.replace(/^.*\/cockpit\/(@localhost\/)?/, ""),
                start: origin + entry.startTime,
                end: origin + entry.responseEnd,
                bytes: entry.transferSize,
            }));
        return {
            navigationStart: origin + nav.startTime,
            htmlDone: origin + nav.responseEnd,
            domContentLoaded: origin + nav.domContentLoadedEventEnd,
            loadEvent: origin + nav.loadEventEnd,
            resources,
        };
    }).catch(() => null);
}

/** One D-Bus method call over cockpit's WebSocket: when it was sent and answered (Node wall clock). */
export interface DbusCall {
    method: string;
    sent: number;
    answered: number | null;
    replyBytes: number;
}

/**
 * Records the D-Bus calls the page makes through cockpit's WebSocket. Cockpit frames are
 * "CHANNEL\n{json}"; a call is {"call": [path, iface, method, args], "id": ID} and its answer carries the
 * same id in a "reply" or "error". Times are taken in Node when Playwright reports the frame, a few ms
 * after the page sent or got it: good enough to see where seconds go.
 */
export function recordDbusCalls(page: Page): DbusCall[] {
    const calls: DbusCall[] = [];
    const byKey = new Map<string, DbusCall>();
    const parse = (payload: string | Buffer): { channel: string; message: Record<string, unknown> } | null => {
        const text = typeof payload === "string" ? payload : payload.toString("utf8");
        const newline = text.indexOf("\n");
        if (newline <= 0) return null;
        try {
            const message: unknown = JSON.parse(text.slice(newline + 1));
            return typeof message === "object" && message !== null
                ? { channel: text.slice(0, newline), message: message as Record<string, unknown> }
                : null;
        } catch {
            return null;
        }
    };
    page.on("websocket", (socket: WebSocket) => {
        socket.on("framesent", ({ payload }) => {
            const frame = parse(payload);
            const call = frame?.message.call;
            if (!frame || !Array.isArray(call) || typeof frame.message.id !== "string") return;
            const record: DbusCall = { method: String(call[2]), sent: Date.now(), answered: null, replyBytes: 0 };
            calls.push(record);
            byKey.set(`${frame.channel}/${frame.message.id}`, record);
        });
        socket.on("framereceived", ({ payload }) => {
            const frame = parse(payload);
            if (!frame || typeof frame.message.id !== "string") return;
            const record = byKey.get(`${frame.channel}/${frame.message.id}`);
            if (!record || record.answered !== null) return;
            record.answered = Date.now();
            record.replyBytes = typeof payload === "string" ? payload.length : payload.byteLength;
        });
    });
    return calls;
}

/** Chromium's own main-thread accounting of the page (CDP Performance domain), in ms. */
export interface MainThreadMetrics {
    script: number;
    layout: number;
    recalcStyle: number;
    task: number;
}

/**
 * Starts Chromium's main-thread counters for the page; call before page.goto(). The returned function reads
 * them: JavaScript (ScriptDuration), layout, style recalculation, and all main-thread tasks together. They
 * answer "JavaScript or rendering?" where the long-task list only says "the main thread was busy".
 */
export async function startMainThreadMetrics(page: Page): Promise<() => Promise<MainThreadMetrics | null>> {
    const session = await page.context().newCDPSession(page);
    await session.send("Performance.enable", { timeDomain: "threadTicks" });
    return async () => {
        try {
            const { metrics } = await session.send("Performance.getMetrics");
            const value = (name: string): number => (metrics.find(m => m.name === name)?.value ?? 0) * 1000;
            return { script: value("ScriptDuration"), layout: value("LayoutDuration"),
                recalcStyle: value("RecalcStyleDuration"), task: value("TaskDuration") };
        } catch {
            return null;
        }
    };
}

/** One process the page spawned through cockpit (a "stream" channel): its argv, when opened and closed. */
export interface SpawnedProcess {
    argv: string[];
    opened: number;
    closed: number | null;
    /** The close message's problem, if any ("not-found", "access-denied", ...). */
    problem: string | null;
}

/**
 * Records the processes the page spawns: cockpit opens a channel with {"command": "open", "payload":
 * "stream", "spawn": argv, "channel": ID} on the control channel (an empty channel name) and the bridge
 * answers {"command": "close", "channel": ID} once the process has exited and its output was sent.
 */
export function recordSpawns(page: Page): SpawnedProcess[] {
    const spawned: SpawnedProcess[] = [];
    const byChannel = new Map<string, SpawnedProcess>();
    const control = (payload: string | Buffer): Record<string, unknown> | null => {
        const text = typeof payload === "string" ? payload : payload.toString("utf8");
        if (!text.startsWith("\n")) return null;
        try {
            const message: unknown = JSON.parse(text.slice(1));
            return typeof message === "object" && message !== null ? message as Record<string, unknown> : null;
        } catch {
            return null;
        }
    };
    page.on("websocket", (socket: WebSocket) => {
        socket.on("framesent", ({ payload }) => {
            const message = control(payload);
            if (message?.command !== "open" || message.payload !== "stream" || !Array.isArray(message.spawn)) return;
            const record: SpawnedProcess = { argv: message.spawn.map(String), opened: Date.now(), closed: null, problem: null };
            spawned.push(record);
            byChannel.set(String(message.channel), record);
        });
        socket.on("framereceived", ({ payload }) => {
            const message = control(payload);
            if (message?.command !== "close") return;
            const record = byChannel.get(String(message.channel));
            if (!record || record.closed !== null) return;
            record.closed = Date.now();
            record.problem = typeof message.problem === "string" ? message.problem : null;
        });
    });
    return spawned;
}
