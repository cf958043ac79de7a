// The backup runs, one line per VM and run in STATE_DIR/backup/runs.ndjson (appended in one write, a
// torn last line skipped), so the page shows each job's last run and result.
import { join } from "node:path";
import { appendDurable, readFileNoFollow } from "../durable-fs";
import { ensureStateDir } from "../paths";

export interface BackupRunRecord {
    job: string;
    vm: string;
    start: string;
    end: string;
    result: "ok" | "failed" | "skipped";
    message: string;
    backup: string | null;
}

function runsFile(stateDir: string): string {
    return join(stateDir, "backup", "runs.ndjson");
}

export function recordRun(stateDir: string, record: BackupRunRecord): void {
    ensureStateDir(stateDir);
    ensureStateDir(join(stateDir, "backup"));
    appendDurable(runsFile(stateDir), JSON.stringify(record) + "\n");
}

export function readRuns(stateDir: string): BackupRunRecord[] {
    let text: string;
    try {
        text = readFileNoFollow(runsFile(stateDir)).toString("utf8");
    } catch {
        return [];
    }
    const runs: BackupRunRecord[] = [];
    for (const line of text.split("\n")) {
        try {
            const r = JSON.parse(line) as BackupRunRecord;
            if (typeof r.job === "string" && typeof r.vm === "string") runs.push(r);
        } catch { /* a torn last line */ }
    }
    return runs;
}
