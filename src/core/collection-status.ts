// Whether the metrics history is being recorded, from `kvm-manager-timers --status --json`, and what a
// person should do about it. The VM details page shows this instead of charts that stay empty.
import { MINUTE_MS } from "./metrics/tiers";

export const TIMERS_STATUS_VERSION = 1;

export interface TimersStatus {
    version: typeof TIMERS_STATUS_VERSION;
    // The host's clock when it answered: the browser's clock may differ.
    nowMs: number;
    // systemd runs as init: its timers run the jobs, and no runner is needed.
    systemd: boolean;
    // The background runner of hosts without systemd, if one runs.
    runner: { pid: number; pidFile: string } | null;
    // The collector's last sample of any VM (one is written even when no VM runs); null: never.
    lastCollectMs: number | null;
    timers: { timer: string; service: string; nextMs: number | null; lastTriggerMs: number | null; lastOutcome: string | null }[];
    errors: string[];
}

// The collector samples every 30 s. A few minutes without a sample is no late tick: collection stopped.
export const COLLECTION_STALE_MS = 3 * MINUTE_MS;

export type CollectionHealth =
    | { state: "running" }
    // sinceMs: the last sample, or null if there never was one. remedy says what to do:
    //   enable-timer: systemd runs, so its timer is off:    systemctl enable --now kvm-manager-collect.timer
    //   start-runner: no systemd and no runner:             kvm-manager-timers --start (make run does it)
    //   runner-log:   the runner runs, the collector fails: read the runner's log
    | { state: "stopped"; sinceMs: number | null; remedy: "enable-timer" | "start-runner" | "runner-log" };

export function collectionHealth(status: TimersStatus): CollectionHealth {
    const last = status.lastCollectMs;
    if (last !== null && status.nowMs - last <= COLLECTION_STALE_MS) return { state: "running" };
    const remedy = status.systemd ? "enable-timer" : status.runner ? "runner-log" : "start-runner";
    return { state: "stopped", sinceMs: last, remedy };
}
