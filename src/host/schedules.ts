// The page's side of the schedules: the list comes from `kvm-manager-scheduler --list --json` (the
// documents with their next run and last result, and the host's time zone), "Run now" and the run
// history from the same command; the files are written and removed as configuration documents.
import { SCHEDULE_KIND, withActiveSince, type ScheduleDocument } from "../core/schedule/schedule-document";
import { deleteDocument, listDocuments, writeDocument, type DocumentListing } from "./config-documents";
import { runHelperJson } from "./helper-commands";

const SCHEDULER = "kvm-manager-scheduler";

export type RunResult = "ok" | "failed" | "skipped";

export interface LastRun {
    start: string;
    end: string | null;
    // null while it is going.
    result: RunResult | null;
}

export interface ScheduleStatus {
    next: string | null;
    due: boolean;
    running: boolean;
    lastRun: LastRun | null;
}

export interface ScheduleListing extends DocumentListing<ScheduleDocument, ScheduleStatus> {
    // The zone the schedules' times are in: the host's.
    timeZone: string;
    now: string;
}

export interface RunRecord {
    schedule: string;
    // "" for a backup job's run that failed before it reached a VM.
    vm: string;
    operation: ScheduleDocument["operation"]["type"];
    occurrence: string | null;
    start: string;
    end: string;
    result: RunResult;
    message: string;
}

export async function listSchedules(): Promise<ScheduleListing> {
    return listDocuments<ScheduleDocument, ScheduleStatus, { timeZone: string; now: string }>(SCHEDULE_KIND, [SCHEDULER, "--list", "--json"]);
}

// `previous`: the document as read (null for a new one), so activeSince moves only when it should.
export async function saveSchedule(name: string, value: ScheduleDocument, previous: ScheduleDocument | null, tag: string): Promise<string> {
    return writeDocument(SCHEDULE_KIND, name, withActiveSince(previous, value, Date.now()), tag);
}

export async function deleteSchedule(path: string, tag: string): Promise<void> {
    return deleteDocument(path, tag);
}

// Exit status 1 is a run with a failed VM: the answer lists it.
export async function runScheduleNow(name: string): Promise<RunRecord[]> {
    const answer = await runHelperJson<{ ok: boolean; runs: RunRecord[] }>([SCHEDULER, "--run-now", name, "--json"], { answerOnExit: [1] });
    return answer.runs;
}

export const HISTORY_LIMIT = 500;

// The newest runs (at most HISTORY_LIMIT) that the filter lets through, newest first.
export async function readRunHistory(filter: { vm?: string; result?: RunResult }): Promise<RunRecord[]> {
    const argv = [SCHEDULER, "--history", "--json", "--limit", String(HISTORY_LIMIT)];
    if (filter.vm !== undefined) argv.push("--vm", filter.vm);
    if (filter.result !== undefined) argv.push("--result", filter.result);
    const answer = await runHelperJson<{ runs: RunRecord[] }>(argv);
    return answer.runs.reverse();
}
