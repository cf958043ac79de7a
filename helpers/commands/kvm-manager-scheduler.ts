// kvm-manager-scheduler: runs the schedules in CONFIG_DIR/schedules/*.json (start, shut down, reboot,
// snapshot VMs, run backup jobs at set times). The timer runs --once every minute; the other modes answer the page and people.
import { describeDocumentError } from "../../src/core/config/documents";
import { isValidTimeZone } from "../../src/core/schedule/zoned-time";
import { EXIT_FAILURE, EXIT_OK, EXIT_TEMPFAIL, parseCommandLine, printJson, runCommand, UsageError } from "../lib/cli";
import { DocumentRefusedError, type DamagedDocument } from "../lib/config-documents";
import { createJournalLogger } from "../lib/journal-log";
import { LockBusyError } from "../lib/lock";
import { resolveConfigDir, resolveLibvirtUri, resolveStateDir } from "../lib/paths";
import {
    listSchedules, readRuns, RUN_HISTORY_MAX_ENTRIES, RUN_RESULTS, runScheduleNow, ScheduleNotFoundError, schedulerTick,
    type RunRecord, type RunResult,
} from "../lib/scheduler";

const PROGRAM = "kvm-manager-scheduler";
const USAGE = `Usage: ${PROGRAM} --once | --list | --history | --run-now NAME  [options]

Runs the schedules in CONFIG_DIR/schedules/NAME.json: start, shut down, reboot or snapshot their VMs,
or run a backup job (kvm-manager-backup run --job JOB).
  --once              what the timer runs every minute: run every schedule that is due
  --list              the schedules with their next run and last result, and the files that are not
                      valid schedules, with what is wrong (those are left as they are)
  --history           the run history, one entry per VM and run, oldest first (kept as long as the
                      metrics, see retention.json, and at most ${RUN_HISTORY_MAX_ENTRIES} entries)
    --vm NAME           only runs on this VM
    --result ok|failed|skipped   only runs with this result
    --schedule NAME     only runs of this schedule
    --limit N           only the newest N of those
  --run-now NAME      run one schedule now, enabled or not (unless it is running already)
  --json              print the answer as JSON on stdout
  --now TIME          the scheduler's clock, an ISO 8601 time with a zone (default: now); for tests
  --time-zone ZONE    the zone schedules' times are in (default: the host's)
  --state-dir DIR     (default: $KVM_MANAGER_STATE_DIR or /var/lib/kvm-manager)
  --config-dir DIR    (default: $KVM_MANAGER_CONFIG_DIR or /etc/kvm-manager)
  --connect URI       (default: $KVM_MANAGER_LIBVIRT_URI or qemu:///system)
Exit status: 0 done; 1 a run failed or an error; 75 the schedule is running already; 2 usage.
`;


function parseNow(text: string | undefined): number {
    if (text === undefined) return Date.now();
    // A zone is required: a bare local time would be read in whatever zone the process happens to have.
    const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : NaN;
    if (Number.isNaN(time)) throw new UsageError(`--now needs an ISO 8601 time with a zone, like 2026-11-26T15:00:00Z, not ${JSON.stringify(text)}`);
    return time;
}

function damagedJson(entries: DamagedDocument[]) {
    return entries.map(d => ({ name: d.name, path: d.path, error: d.error, message: describeDocumentError(d.error) }));
}

function printRecords(records: RunRecord[]): void {
    for (const r of records) {
        process.stdout.write(`${r.start}  ${r.schedule}  ${r.operation}${r.vm === "" ? "" : ` ${r.vm}`}: ${r.result}: ${r.message}\n`);
    }
}

runCommand(PROGRAM, USAGE, async () => {
    const { values } = parseCommandLine(process.argv.slice(2), {
        once: { type: "boolean" },
        list: { type: "boolean" },
        history: { type: "boolean" },
        "run-now": { type: "string" },
        vm: { type: "string" },
        result: { type: "string" },
        schedule: { type: "string" },
        limit: { type: "string" },
        json: { type: "boolean" },
        now: { type: "string" },
        "time-zone": { type: "string" },
        "state-dir": { type: "string" },
        "config-dir": { type: "string" },
        connect: { type: "string" },
    }, USAGE);
    const modes = [values.once, values.list, values.history, values["run-now"] !== undefined].filter(Boolean).length;
    if (modes !== 1) throw new UsageError("give exactly one of --once, --list, --history, --run-now NAME");
    if (!values.history && [values.vm, values.result, values.schedule, values.limit].some(v => v !== undefined)) {
        throw new UsageError("--vm, --result, --schedule and --limit go with --history");
    }
    if (values.result !== undefined && !RUN_RESULTS.includes(values.result as RunResult)) {
        throw new UsageError(`--result is one of ${RUN_RESULTS.join(", ")}`);
    }
    if (values.limit !== undefined && !/^[1-9]\d{0,8}$/.test(values.limit)) throw new UsageError(`--limit needs a whole number from 1, not ${JSON.stringify(values.limit)}`);
    const timeZone = values["time-zone"] ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!isValidTimeZone(timeZone)) throw new UsageError(`${JSON.stringify(timeZone)} is not a time zone`);
    const log = createJournalLogger(PROGRAM);
    const ctx = {
        configDir: resolveConfigDir(values["config-dir"]),
        stateDir: resolveStateDir(values["state-dir"]),
        uri: resolveLibvirtUri(values.connect),
        timeZone,
        now: parseNow(values.now),
        log,
    };

    if (values.history) {
        const runs = readRuns(ctx.stateDir, {
            vm: values.vm, result: values.result as RunResult | undefined, schedule: values.schedule,
            limit: values.limit === undefined ? undefined : Number(values.limit),
        });
        if (values.json) printJson({ runs });
        else printRecords(runs);
        return EXIT_OK;
    }
    if (values.list) {
        const { schedules, damaged } = listSchedules(ctx);
        if (values.json) {
            printJson({ timeZone, now: new Date(ctx.now).toISOString(), documents: schedules, damaged: damagedJson(damaged) });
        } else {
            for (const s of schedules) {
                const last = s.lastRun ? `last ${s.lastRun.start} ${s.lastRun.result ?? "running"}` : "never ran";
                process.stdout.write(`${s.name}: ${s.value.enabled ? `next ${s.next ?? "none"}` : "disabled"}, ${last}\n`);
            }
            for (const d of damaged) process.stdout.write(`${d.name}: not used: ${describeDocumentError(d.error)}\n`);
        }
        return EXIT_OK;
    }
    if (values["run-now"] !== undefined) {
        try {
            const records = await runScheduleNow(ctx, values["run-now"]);
            if (values.json) printJson({ ok: true, runs: records });
            return records.some(r => r.result === "failed") ? EXIT_FAILURE : EXIT_OK;
        } catch (err) {
            if (!(err instanceof ScheduleNotFoundError || err instanceof LockBusyError || err instanceof DocumentRefusedError)) throw err;
            log.error(err.message);
            if (values.json) printJson({ ok: false, error: err.message });
            return err instanceof LockBusyError ? EXIT_TEMPFAIL : EXIT_FAILURE;
        }
    }
    const outcome = await schedulerTick(ctx);
    if (values.json) {
        printJson({ now: new Date(ctx.now).toISOString(), ran: outcome.ran, damaged: damagedJson(outcome.damaged) });
    }
    return outcome.ran.some(r => r.records.some(rec => rec.result === "failed")) ? EXIT_FAILURE : EXIT_OK;
});
