// Which backups of one VM retention keeps: Proxmox VE's prune options (keep-last, keep-hourly,
// keep-daily, keep-weekly, keep-monthly, keep-yearly, keep-all) with Proxmox's own algorithm
// (PVE::Storage prune_mark_backup_group), plus two guards of ours. Pure; the jobs and
// `kvm-manager-backup prune --simulate` both call selectBackupsToPrune.
//
// - Backups are taken newest first; the options are applied in the order last, hourly, daily,
//   weekly, monthly, yearly. Each walks the backups no earlier option marked: one in a period that
//   already holds a kept backup is passed over (a later option may still keep it); the first of a
//   new period is kept, until N new periods are kept; a second one in a period this option just
//   kept is removed. Periods without backups do not count, so keep-daily=7 keeps the last 7 days
//   that have a backup, however far back they go.
// - Periods are read in the given (the host's) time zone: hour, calendar day, ISO week Monday to
//   Sunday (named by its ISO week-year: 2024-12-30 is in 2025-W01), month, year. keep-last's period is
//   the backup itself. The hour repeated when the clocks go back is one hour, as Proxmox's strftime
//   has it.
// - No option above zero, or keep-all, keeps everything.
// - Protected backups are never removed and do not count for any option (as in Proxmox).
// - Ours: the newest verified backup is never removed, so there is always one known to restore. It is
//   kept after the options ran and does not change what they kept.
import { DAY_MS, HOUR_MS, dayNumber, isoWeekThursday, offsetLookup, wallFields } from "../schedule/zoned-time";

export const KEEP_OPTIONS = ["keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly"] as const;
export type KeepOption = typeof KEEP_OPTIONS[number];

export type PruneOptions = Partial<Record<KeepOption, number>> & { "keep-all"?: boolean };

export type KeptBy = "last" | "hourly" | "daily" | "weekly" | "monthly" | "yearly" | "protected" | "newest-verified" | "keep-all";

export interface BackupRef {
    id: string;
    // epoch ms
    time: number;
    protected?: boolean;
    verified?: boolean;
}

export type PruneMark = { keep: true; keptBy: KeptBy } | { keep: false };

export type PruneDecision<B extends BackupRef = BackupRef> = B & PruneMark;

export class PruneOptionsError extends Error {}

// Checks options read from a file or a command line: every count a non-negative integer.
export function checkPruneOptions(value: unknown): PruneOptions {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new PruneOptionsError("prune options must be an object");
    const options: PruneOptions = {};
    for (const [key, v] of Object.entries(value)) {
        if (key === "keep-all") {
            if (typeof v !== "boolean") throw new PruneOptionsError("keep-all must be true or false");
            options["keep-all"] = v;
        } else if ((KEEP_OPTIONS as readonly string[]).includes(key)) {
            if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
                throw new PruneOptionsError(`${key} must be a whole number, 0 or more, not ${JSON.stringify(v)}`);
            }
            options[key as KeepOption] = v;
        } else {
            throw new PruneOptionsError(`unknown prune option ${JSON.stringify(key)}`);
        }
    }
    return options;
}

// Returns every backup with its mark, newest first (equal times in the order given).
export function selectBackupsToPrune<B extends BackupRef>(backups: readonly B[], options: PruneOptions, timeZone: string): PruneDecision<B>[] {
    for (const b of backups) {
        if (!Number.isFinite(b.time)) throw new RangeError(`backup ${b.id} has no valid time`);
    }
    const sorted = backups.map((b, index) => ({ b, index })).sort((x, y) => y.b.time - x.b.time || x.index - y.index).map(x => x.b);
    const marks: (PruneMark | undefined)[] = sorted.map(b => b.protected ? { keep: true, keptBy: "protected" } : undefined);

    const counts = KEEP_OPTIONS.map(o => options[o] ?? 0);
    if (options["keep-all"] || counts.every(n => n <= 0)) {
        return sorted.map((b, i) => ({ ...b, ...(marks[i] ?? { keep: true, keptBy: "keep-all" }) }));
    }

    const offset = offsetLookup(timeZone);
    const periods = sorted.map(b => periodKeys(b.time, offset(b.time)));
    KEEP_OPTIONS.forEach((option, o) => {
        const count = counts[o];
        if (count <= 0) return;
        const keptBy = option.slice("keep-".length) as KeptBy;
        const alreadyKept = new Set<number>();
        sorted.forEach((_, i) => {
            const m = marks[i];
            if (m?.keep && m.keptBy !== "protected") alreadyKept.add(periods[i][o]);
        });
        const newlyKept = new Set<number>();
        for (let i = 0; i < sorted.length; i++) {
            const period = periods[i][o];
            if (marks[i] !== undefined || alreadyKept.has(period)) continue;
            if (newlyKept.has(period)) {
                marks[i] = { keep: false };
            } else {
                if (newlyKept.size >= count) break;
                newlyKept.add(period);
                marks[i] = { keep: true, keptBy };
            }
        }
    });

    const newestVerified = sorted.findIndex(b => b.verified);
    if (newestVerified >= 0 && !marks[newestVerified]?.keep) marks[newestVerified] = { keep: true, keptBy: "newest-verified" };
    return sorted.map((b, i) => ({ ...b, ...(marks[i] ?? { keep: false }) }));
}

// The backup's period for each option, in KEEP_OPTIONS order, as numbers: the time itself, the local
// hour and day (counted from 1970-01-01), the ISO week (its Thursday's day number), month and year.
function periodKeys(time: number, offset: number): number[] {
    const local = wallFields(time + offset);
    const day = dayNumber(local);
    return [time, day * (DAY_MS / HOUR_MS) + local.hour, day, isoWeekThursday(day), local.year * 12 + local.month - 1, local.year];
}
