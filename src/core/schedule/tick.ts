// What the scheduler's periodic tick does with one schedule: start a run or not. Pure.
//
// The occurrences owed are those after the later of the last run's start and the moment the schedule
// became active (created, enabled or changed: nothing before that is owed), up to now. Any number of
// them - one on time, or a week's worth missed while the host or the timer was down - gives one run
// (catch-up, as systemd's Persistent= and Proxmox's repeat-missed do), never several. While the
// previous run of the schedule is still going nothing starts; an occurrence that passes meanwhile is
// owed and runs once at the first tick after it ends.
// If the clock was set back before the last run's start, nothing is owed until it passes that start
// again: a run too few rather than one twice.
import { nextRun, previousRun, type Schedule } from "./schedule";

export interface ScheduleRunState {
    // Start of the schedule's last run (epoch ms), null if it never ran.
    lastRunStart: number | null;
    activeSince: number;
    running: boolean;
}

export type TickDecision =
    | {
        run: true;
        // The latest occurrence owed: the one this run stands for.
        occurrence: number;
        // The earliest occurrence owed; before `occurrence` when missed runs were folded into this one.
        firstOwed: number;
        // The occurrence after now.
        next: number | null;
    }
    | {
        run: false;
        // finished: a once schedule that ran, or whose time passed before it became active.
        reason: "disabled" | "not-due" | "running" | "finished";
        // The first occurrence owed or to come (in the past while a previous run is still going).
        next: number | null;
    };

export function decideTick(s: Schedule, state: ScheduleRunState, now: number, timeZone: string): TickDecision {
    if (!s.enabled) return { run: false, reason: "disabled", next: null };
    const owedAfter = Math.max(state.lastRunStart ?? -Infinity, state.activeSince);
    const firstOwed = nextRun(s, owedAfter, timeZone);
    if (firstOwed === null) return { run: false, reason: "finished", next: null };
    if (firstOwed > now) return { run: false, reason: "not-due", next: firstOwed };
    if (state.running) return { run: false, reason: "running", next: firstOwed };
    // firstOwed <= now, so there is an occurrence at or before now.
    const occurrence = previousRun(s, now, timeZone) ?? firstOwed;
    return { run: true, occurrence, firstOwed, next: nextRun(s, now, timeZone) };
}
