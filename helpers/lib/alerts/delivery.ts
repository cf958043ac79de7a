// Notifications besides the journal: a webhook (POST of the JSON body) and a command (the same JSON on
// stdin). The collector only writes each one into the outbox and starts `kvm-manager-alerts --deliver`
// detached, so a slow or dead receiver never holds the collector's tick. The deliverer (one at a time,
// a lock) tries each due notification with the rule's timeout, retries with growing pauses
// (retryDelayMs), gives up after the rule's retries, and ends when the outbox is empty or after
// MAX_DELIVERER_RUN_MS; a later tick starts it again for what is still waiting.
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, renameSync, statSync } from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, extname, join } from "node:path";
import { z } from "zod";
import type { AlertRule } from "../../../src/core/alerts/alert-rule";
import { notificationOf, retryDelayMs, type AlertNotification } from "../../../src/core/alerts/alert-text";
import type { AlertEvent } from "../../../src/core/alerts/evaluate";
import { STATE_FILE_MODE } from "../durable-fs";
import { acquireLock, isLockHeld, LockBusyError } from "../lock";
import type { Logger } from "../log";
import type { AlertStore } from "./store";

export const MAX_DELIVERER_RUN_MS = 15 * 60_000;
// A command gets this long, and as many retries as a webhook would by default.
export const COMMAND_TIMEOUT_MS = 30_000;
export const COMMAND_RETRIES = 2;
const DELIVERY_LOG_MAX_BYTES = 1024 * 1024;

const itemSchema = z.object({
    notification: z.custom<AlertNotification>(v => typeof v === "object" && v !== null),
    webhook: z.object({ url: z.string(), timeoutSeconds: z.number(), retries: z.number() }).nullable(),
    command: z.string().nullable(),
    // Targets not yet reached; tries so far; when the next try is due (epoch ms).
    pending: z.array(z.enum(["webhook", "command"])),
    tries: z.number().int().min(0),
    dueMs: z.number(),
});
type OutboxItem = z.infer<typeof itemSchema>;
// One file per tick that had something to send (one fsynced write however many alerts fired), named
// by its first event's seq so the files sort in order.
const outboxFileSchema = z.object({ items: z.array(itemSchema) });

// Called by the tick with its new events: those whose rule notifies anyone go into the outbox.
export function enqueueNotifications(store: AlertStore, events: readonly AlertEvent[], rules: ReadonlyMap<string, AlertRule>, nowMs: number): number {
    const items: OutboxItem[] = [];
    const host = hostname();
    for (const event of events) {
        const notify = rules.get(event.rule)?.notify;
        if (!notify || (!notify.webhook && !notify.command)) continue;
        const item: OutboxItem = {
            notification: notificationOf(event, host),
            webhook: notify.webhook ?? null,
            command: notify.command ?? null,
            pending: [...(notify.webhook ? ["webhook" as const] : []), ...(notify.command ? ["command" as const] : [])],
            tries: 0,
            dueMs: nowMs,
        };
        items.push(item);
    }
    if (items.length > 0) store.enqueue(`${String(items[0].notification.seq).padStart(12, "0")}.json`, JSON.stringify({ items }));
    return items.length;
}

// The deliverer beside this program: the bundles live side by side ($PREFIX/lib/kvm-manager, or
// dist/helpers with a .js suffix), so it is found without PATH.
export function delivererPath(self = process.argv[1]): string {
    return join(dirname(self), `kvm-manager-alerts${extname(self)}`);
}

export function deliverLockPath(store: AlertStore): string {
    return join(store.dir, "deliver.lock");
}

export const DELIVER_UNIT = "kvm-manager-alerts-deliver.service";

// Starts the deliverer and returns at once. One that runs already picks up what was queued, so none is
// started then: starting a process costs the collector milliseconds. Under systemd (INVOCATION_ID is
// set for a unit's processes) it is its own unit, since systemd stops every process of the collector's
// unit when its tick ends; elsewhere a detached process whose stderr goes to STATE_DIR/alerts/delivery.log.
export function startDeliverer(store: AlertStore, stateDir: string, log: Logger, program = delivererPath()): void {
    if (isLockHeld(deliverLockPath(store))) return;
    if (process.env.INVOCATION_ID) {
        const child = spawn("systemctl", ["start", "--no-block", DELIVER_UNIT], { detached: true, stdio: "ignore" });
        child.on("error", err => log.warn(`cannot start ${DELIVER_UNIT}: ${err.message}`));
        child.unref();
        return;
    }
    if (!existsSync(program)) {
        log.warn(`${program} is missing; alert notifications wait in ${store.outboxDir}`);
        return;
    }
    const logPath = join(store.dir, "delivery.log");
    try {
        if (statSync(logPath).size > DELIVERY_LOG_MAX_BYTES) renameSync(logPath, `${logPath}.1`);
    } catch { /* no log yet */ }
    const fd = openSync(logPath, "a", STATE_FILE_MODE);
    try {
        const child = spawn(process.execPath, [program, "--deliver", "--state-dir", stateDir],
            { detached: true, stdio: ["ignore", "ignore", fd] });
        child.on("error", err => log.warn(`cannot start ${basename(program)}: ${err.message}`));
        child.unref();
    } finally {
        closeSync(fd);
    }
}

async function postWebhook(item: OutboxItem): Promise<void> {
    const webhook = item.webhook as NonNullable<OutboxItem["webhook"]>;
    const response = await fetch(webhook.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "kvm-manager-alerts" },
        body: JSON.stringify(item.notification),
        signal: AbortSignal.timeout(webhook.timeoutSeconds * 1000),
        redirect: "error",
    });
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok) throw new Error(`the receiver answered HTTP ${response.status}`);
}

function runCommand(item: OutboxItem): Promise<void> {
    const n = item.notification;
    return new Promise((resolve, reject) => {
        const child = spawn(item.command as string, [], {
            stdio: ["pipe", "ignore", "ignore"],
            timeout: COMMAND_TIMEOUT_MS,
            env: {
                PATH: process.env.PATH ?? "/usr/bin:/bin",
                KVM_MANAGER_ALERT_EVENT: n.event, KVM_MANAGER_ALERT_RULE: n.rule, KVM_MANAGER_ALERT_VM: n.vm,
                KVM_MANAGER_ALERT_SEVERITY: n.severity, KVM_MANAGER_ALERT_SUMMARY: n.summary,
            },
        });
        child.on("error", reject);
        child.stdin.on("error", () => { /* the command need not read its input */ });
        child.on("exit", (code, signal) => {
            if (code === 0) resolve();
            else reject(new Error(signal ? `it was stopped by ${signal}` : `it exited with status ${code}`));
        });
        child.stdin.end(JSON.stringify(n) + "\n");
    });
}

interface DeliverOptions {
    now?: () => number;
    maxRunMs?: number;
    // Tests shorten the pauses between tries.
    retryDelay?: (attempt: number) => number;
}

// The item as it stays in the outbox, or null when it is done with (delivered or given up).
async function tryItem(item: OutboxItem, log: Logger, options: Required<Pick<DeliverOptions, "now" | "retryDelay">>): Promise<OutboxItem | null> {
    const failures: string[] = [];
    const stillPending: OutboxItem["pending"] = [];
    for (const target of item.pending) {
        try {
            if (target === "webhook") await postWebhook(item);
            else await runCommand(item);
        } catch (err) {
            const detail = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
            failures.push(`${target === "webhook" ? `webhook ${item.webhook?.url}` : `command ${item.command}`}: ${detail}`);
            stillPending.push(target);
        }
    }
    const what = `notification ${item.notification.seq} (${item.notification.event} "${item.notification.rule}" for VM "${item.notification.vm}")`;
    if (stillPending.length === 0) {
        log.info(`${what} delivered`);
        return null;
    }
    const tries = item.tries + 1;
    const retries = item.webhook?.retries ?? COMMAND_RETRIES;
    if (tries > retries) {
        log.error(`${what} given up after ${tries} tries: ${failures.join("; ")}`);
        return null;
    }
    const delay = options.retryDelay(tries);
    log.warn(`${what} not delivered (${failures.join("; ")}); trying again in ${delay / 1000} s`);
    return { ...item, pending: stillPending, tries, dueMs: options.now() + delay };
}

// Delivers until the outbox is empty or maxRunMs has passed; returns false when another deliverer runs.
export async function deliverOutbox(store: AlertStore, log: Logger, options: DeliverOptions = {}): Promise<boolean> {
    const now = options.now ?? Date.now;
    const retryDelay = options.retryDelay ?? retryDelayMs;
    const deadline = now() + (options.maxRunMs ?? MAX_DELIVERER_RUN_MS);
    store.ensureDir();
    let lock;
    try {
        lock = acquireLock(deliverLockPath(store), { timeoutMs: 0 });
    } catch (err) {
        if (err instanceof LockBusyError) return false;
        throw err;
    }
    try {
        for (;;) {
            const files = store.outbox();
            if (files.length === 0) return true;
            let nextDue = Infinity;
            for (const fileName of files) {
                const text = store.readOutboxFile(fileName);
                if (text === null) continue;
                let items: OutboxItem[];
                try {
                    items = outboxFileSchema.parse(JSON.parse(text)).items;
                } catch {
                    log.error(`${join(store.outboxDir, fileName)} is damaged; it is removed undelivered`);
                    store.removeOutboxFile(fileName);
                    continue;
                }
                const kept: OutboxItem[] = [];
                for (const item of items) {
                    const after = item.dueMs <= now() ? await tryItem(item, log, { now, retryDelay }) : item;
                    if (!after) continue;
                    kept.push(after);
                    nextDue = Math.min(nextDue, after.dueMs);
                }
                if (kept.length === 0) store.removeOutboxFile(fileName);
                else if (kept.length !== items.length || kept.some((item, i) => item !== items[i])) store.enqueue(fileName, JSON.stringify({ items: kept }));
            }
            if (nextDue === Infinity) continue;
            if (nextDue > deadline) return true;
            await new Promise(resolve => setTimeout(resolve, Math.max(0, nextDue - now())));
        }
    } finally {
        lock.release();
    }
}

// Whether any notification is due now (the tick starts a deliverer only then; a damaged file is
// due, so that the deliverer reports it).
export function outboxHasDue(store: AlertStore, nowMs: number): boolean {
    for (const fileName of store.outbox()) {
        const text = store.readOutboxFile(fileName);
        if (text === null) continue;
        // A plain look, no schema: this runs on every tick that finds the outbox not empty.
        try {
            const items = (JSON.parse(text) as { items?: { dueMs?: unknown }[] }).items;
            if (!Array.isArray(items) || items.some(item => typeof item?.dueMs !== "number" || item.dueMs <= nowMs)) return true;
        } catch {
            return true;
        }
    }
    return false;
}
