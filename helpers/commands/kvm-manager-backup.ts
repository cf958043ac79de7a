// kvm-manager-backup: backups of VMs. `run` is what a backup schedule runs; `list`, `verify`,
// `protect`, `delete`, `restore` and `running` serve the Backups page and people; `prune --simulate`
// shows what a retention setting would keep, with the selection code the jobs use
// (src/core/backup/prune.ts). The engine is in helpers/lib/backup/.
import { EXIT_FAILURE, EXIT_OK, EXIT_TEMPFAIL, EXIT_USAGE, UsageError, parseCommandLine, printJson, runCommand } from "../lib/cli";
import { parseBackupTime } from "../../src/core/backup/backup-time";
import { BACKUP_JOB_KIND } from "../../src/core/backup/backup-job";
import { KEEP_OPTIONS, selectBackupsToPrune, type PruneOptions } from "../../src/core/backup/prune";
import { describeDocumentError } from "../../src/core/config/documents";
import { isValidTimeZone } from "../../src/core/schedule/zoned-time";
import { listDocuments } from "../lib/config-documents";
import { createLogger } from "../lib/log";
import { resolveConfigDir, resolveLibvirtUri, resolveStateDir } from "../lib/paths";
import { listTarget, readBackup, removeBackup, writeStatus, type BackupEntry } from "../lib/backup/catalog";
import { readRuns } from "../lib/backup/history";
import { restoreBackup, RestoreRefusedError } from "../lib/backup/restore";
import { JobNotFoundError, runJob } from "../lib/backup/run-backup";
import { targetSpace } from "../lib/backup/space";
import { verifyBackup } from "../lib/backup/verify";
import { isBackupRunning, runningBackups } from "../lib/backup/vm-lock";

const PROGRAM = "kvm-manager-backup";
const MAX_ERRORS = 20;
const USAGE = `Usage: ${PROGRAM} prune --simulate [--keep-last=N] [--keep-hourly=N] [--keep-daily=N]
           [--keep-weekly=N] [--keep-monthly=N] [--keep-yearly=N] [--keep-all] [--time-zone=ZONE]
       ${PROGRAM} run --job NAME [--vm NAME] [--json]
       ${PROGRAM} list [--job NAME] [--vm NAME] [--target DIR] [--json]
       ${PROGRAM} verify PATH [--json]
       ${PROGRAM} protect PATH --on|--off [--json]
       ${PROGRAM} delete PATH [--json]
       ${PROGRAM} restore PATH (--over | --as NEWNAME [--directory DIR]) [--json]
       ${PROGRAM} running [--vm NAME] [--json]

run       backs up the job's VMs (/etc/kvm-manager/backups/NAME.json), or only --vm: a running VM with
          libvirt's push-mode backup, a shut-off VM with qemu-img convert; then verifies and applies
          the job's retention. Answers {ok, results: [{vm, result: ok|failed|skipped, message, backup}]}.
list      the backups on the jobs' targets (or --target): time, size, verified, protected, complete;
          each job's last run; the space used and free on each target.
verify    qemu-img check and the manifest's SHA-256 of every file of the backup at PATH.
protect   --on: retention never removes the backup; --off: it may again.
delete    removes the backup at PATH (not a protected one).
restore   --over: over the VM it came from, which must be shut off (its disks and definition);
          --as NEWNAME: as a new VM (new UUID, new MAC addresses), disks in --directory (default
          /var/lib/libvirt/images). Progress lines on stdout ({"progress": ...} with --json).
running   the VMs whose backup or restore is running now.
prune --simulate  reads backup times on stdin, one a line, in ISO 8601 (2026-11-26T03:00:00Z,
                  2026-11-26T04:00:00+01:00, or 2026-11-26 04:00:00 in ZONE); blank lines are
                  ignored. Prints as JSON which backups retention would keep (and which option keeps
                  them) and which it would remove, newest first. Nothing is read or removed on disk.
  --keep-last=N     the N newest backups
  --keep-hourly=N   the newest backup of each of the N newest hours that have one
  --keep-daily=N    ... of days; --keep-weekly=N of ISO weeks (Monday to Sunday);
  --keep-monthly=N  of months; --keep-yearly=N of years (Proxmox VE's prune options)
  --keep-all        keep everything (as does giving no option above 0)
  --time-zone=ZONE  the zone periods and times without an offset are read in (default: the host's)
Common: --config-dir DIR, --state-dir DIR, --uri URI (defaults: /etc/kvm-manager, /var/lib/kvm-manager,
qemu:///system).
Exit status: 0 done; 1 a failure (for run: a VM failed); 2 usage or an unreadable line; 75 a backup
of that VM is already running (run, restore).
`;

const COMMON = {
    json: { type: "boolean" },
    "config-dir": { type: "string" },
    "state-dir": { type: "string" },
    uri: { type: "string" },
} as const;

function hostTimeZone(): string {
    return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

// PATH arguments are absolute: a relative one, or one that looks like an option, is a usage error.
function takePath(args: string[]): [string, string[]] {
    const [path, ...rest] = args;
    if (path === undefined || !path.startsWith("/")) throw new UsageError("give the backup's directory as an absolute path");
    return [path.replace(/\/+$/, ""), rest];
}

function describeBackup(b: BackupEntry) {
    return {
        path: b.path, vm: b.vm, uuid: b.manifest?.vm.uuid ?? null, job: b.manifest?.job ?? null,
        time: Number.isFinite(b.time) ? new Date(b.time).toISOString() : null,
        mode: b.manifest?.mode ?? null, compressed: b.manifest?.compressed ?? null, bytes: b.bytes,
        complete: b.complete, problem: b.problem, protected: b.status.protected,
        verified: b.complete && b.status.verification?.ok === true,
        verification: b.status.verification,
        disks: b.manifest?.disks.map(d => ({ target: d.target, file: d.file, bytes: d.bytes, virtualSize: d.virtualSize })) ?? [],
    };
}

function say(json: boolean, answer: Record<string, unknown>, text: string): void {
    if (json) printJson(answer);
    else process.stdout.write(text + "\n");
}

async function commandRun(args: string[]): Promise<number> {
    const { values } = parseCommandLine(args, { ...COMMON, job: { type: "string" }, vm: { type: "string" } }, USAGE);
    if (values.job === undefined) throw new UsageError("give --job NAME");
    const log = createLogger(PROGRAM);
    let run;
    try {
        run = await runJob({
            configDir: resolveConfigDir(values["config-dir"]), stateDir: resolveStateDir(values["state-dir"]),
            uri: resolveLibvirtUri(values.uri), timeZone: hostTimeZone(), log,
            onProgress: values.json ? undefined : (vm, p) => log.info(`${vm}: ${p.toFixed(0)} %`),
        }, values.job, values.vm);
    } catch (err) {
        if (!(err instanceof JobNotFoundError)) throw err;
        say(!!values.json, { ok: false, error: err.message, results: [] }, `${PROGRAM}: ${err.message}`);
        return EXIT_FAILURE;
    }
    const results = run.results.map(r => ({ vm: r.vm, result: r.result, message: r.message, ...(r.backup ? { backup: r.backup } : {}) }));
    say(!!values.json, { ok: run.ok, results }, results.map(r => `${r.vm}: ${r.result}: ${r.message}${r.backup ? ` (${r.backup})` : ""}`).join("\n"));
    if (run.results.some(r => r.busy)) return EXIT_TEMPFAIL;
    return run.ok ? EXIT_OK : EXIT_FAILURE;
}

async function commandList(args: string[]): Promise<number> {
    const { values } = parseCommandLine(args, { ...COMMON, job: { type: "string" }, vm: { type: "string" }, target: { type: "string" } }, USAGE);
    const stateDir = resolveStateDir(values["state-dir"]);
    const listing = listDocuments(resolveConfigDir(values["config-dir"]), BACKUP_JOB_KIND);
    const jobs = listing.documents.filter(j => values.job === undefined || j.name === values.job);
    if (values.job !== undefined && jobs.length === 0) throw new UsageError(`there is no valid backup job ${JSON.stringify(values.job)}`);
    const targets = values.target !== undefined ? [values.target] : [...new Set(jobs.map(j => j.value.target))];
    const runs = readRuns(stateDir);
    const running = runningBackups(stateDir);
    const backups = targets.flatMap(t => listTarget(t))
        .filter(b => values.vm === undefined || b.vm === values.vm)
        .filter(b => values.job === undefined || b.manifest?.job === values.job || !b.complete);
    const targetInfo = targets.map(t => {
        let space: { free: number; total: number } | null = null;
        try { space = targetSpace(t); } catch { /* not mounted or missing: shown as unknown */ }
        return { path: t, used: listTarget(t).reduce((sum, b) => sum + b.bytes, 0), free: space?.free ?? null, total: space?.total ?? null };
    });
    const answer = {
        jobs: jobs.map(j => {
            const last = [...runs].reverse().find(r => r.job === j.name) ?? null;
            const lastRuns = last ? runs.filter(r => r.job === j.name && r.start === last.start) : [];
            return { name: j.name, path: j.path, tag: j.tag, value: j.value, lastRun: last ? { start: last.start, end: lastRuns[lastRuns.length - 1].end, results: lastRuns.map(r => ({ vm: r.vm, result: r.result, message: r.message })) } : null };
        }),
        damaged: listing.damaged.map(d => ({ name: d.name, path: d.path, message: describeDocumentError(d.error) })),
        running,
        targets: targetInfo,
        backups: backups.map(describeBackup),
    };
    if (values.json) printJson(answer);
    else for (const b of answer.backups) process.stdout.write(`${b.time ?? "?"}  ${b.vm ?? "?"}  ${b.complete ? (b.verified ? "verified" : "not verified") : "INCOMPLETE"}${b.protected ? "  protected" : ""}  ${b.path}\n`);
    return EXIT_OK;
}

async function commandVerify(args: string[]): Promise<number> {
    const [path, rest] = takePath(args);
    const { values } = parseCommandLine(rest, COMMON, USAGE);
    const { verification } = await verifyBackup(path);
    say(!!values.json, { ok: verification.ok, path, message: verification.message }, verification.ok ? `${path}: verified` : `${path}: NOT verified: ${verification.message}`);
    return verification.ok ? EXIT_OK : EXIT_FAILURE;
}

async function commandProtect(args: string[]): Promise<number> {
    const [path, rest] = takePath(args);
    const { values } = parseCommandLine(rest, { ...COMMON, on: { type: "boolean" }, off: { type: "boolean" } }, USAGE);
    if (values.on === values.off) throw new UsageError("give --on or --off");
    const entry = readBackup(path);
    if (!entry.complete) throw new Error(`${path} is not a complete backup (${entry.problem ?? "no manifest"}); only complete backups are protected`);
    writeStatus(path, { ...entry.status, protected: !!values.on });
    say(!!values.json, { ok: true, path, protected: !!values.on }, `${path}: ${values.on ? "protected" : "not protected"}`);
    return EXIT_OK;
}

async function commandDelete(args: string[]): Promise<number> {
    const [path, rest] = takePath(args);
    const { values } = parseCommandLine(rest, COMMON, USAGE);
    const entry = readBackup(path);
    if (entry.status.protected) throw new Error(`${path} is protected; remove the protection first`);
    if (entry.vm !== null && isBackupRunning(resolveStateDir(values["state-dir"]), entry.vm)) throw new Error(`a backup or restore of ${entry.vm} is running; try again when it has ended`);
    removeBackup(path);
    say(!!values.json, { ok: true, path }, `${path}: deleted`);
    return EXIT_OK;
}

async function commandRestore(args: string[]): Promise<number> {
    const [path, rest] = takePath(args);
    const { values } = parseCommandLine(rest, { ...COMMON, over: { type: "boolean" }, as: { type: "string" }, directory: { type: "string" } }, USAGE);
    if (!!values.over === (values.as !== undefined)) throw new UsageError("give --over or --as NEWNAME");
    if (values.directory !== undefined && (values.as === undefined || !values.directory.startsWith("/"))) throw new UsageError("--directory is an absolute path, with --as");
    const json = !!values.json;
    try {
        const done = await restoreBackup({
            stateDir: resolveStateDir(values["state-dir"]), uri: resolveLibvirtUri(values.uri),
            onProgress: (step, percent) => say(json, { progress: { step, percent } }, `${step}${percent === null ? "" : ` ${percent.toFixed(0)} %`}`),
        }, { path, newName: values.as, directory: values.directory });
        say(json, { ok: true, vm: done.vm, disks: done.disks }, `restored ${done.vm}: ${done.disks.join(", ")}`);
        return EXIT_OK;
    } catch (err) {
        if (!(err instanceof RestoreRefusedError)) throw err;
        say(json, { ok: false, error: err.message, ...(err.busy ? { code: "busy" } : {}) }, `${PROGRAM}: ${err.message}`);
        return err.busy ? EXIT_TEMPFAIL : EXIT_FAILURE;
    }
}

async function commandRunning(args: string[]): Promise<number> {
    const { values } = parseCommandLine(args, { ...COMMON, vm: { type: "string" } }, USAGE);
    const running = runningBackups(resolveStateDir(values["state-dir"])).filter(r => values.vm === undefined || r.vm === values.vm);
    say(!!values.json, { running }, running.map(r => `${r.vm}: ${r.activity} since ${r.started}`).join("\n"));
    return EXIT_OK;
}

const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number>> = {
    run: commandRun, list: commandList, verify: commandVerify, protect: commandProtect, delete: commandDelete,
    restore: commandRestore, running: commandRunning, prune: commandPrune,
};

runCommand(PROGRAM, USAGE, async () => {
    const argv = process.argv.slice(2);
    // lib/cli's parser takes no positional arguments, so the subcommand (and a PATH) is taken off first.
    const [subcommand, ...rest] = argv;
    const handler = subcommand === undefined ? undefined : SUBCOMMANDS[subcommand];
    if (!handler || !Object.prototype.hasOwnProperty.call(SUBCOMMANDS, subcommand)) {
        if (argv.includes("--help") || argv.includes("-h")) {
            process.stdout.write(USAGE);
            return EXIT_OK;
        }
        throw new UsageError(subcommand === undefined ? "a subcommand is needed" : `unknown subcommand ${JSON.stringify(subcommand)}`);
    }
    return handler(rest);
});

async function commandPrune(rest: string[]): Promise<number> {
    const { values } = parseCommandLine(rest, {
        simulate: { type: "boolean" },
        "keep-all": { type: "boolean" },
        "time-zone": { type: "string" },
        "keep-last": { type: "string" },
        "keep-hourly": { type: "string" },
        "keep-daily": { type: "string" },
        "keep-weekly": { type: "string" },
        "keep-monthly": { type: "string" },
        "keep-yearly": { type: "string" },
    }, USAGE);
    if (!values.simulate) throw new UsageError("only prune --simulate is available");

    const timeZone = values["time-zone"] ?? hostTimeZone();
    if (!isValidTimeZone(timeZone)) throw new UsageError(`unknown time zone ${JSON.stringify(timeZone)}`);
    const options: PruneOptions = {};
    if (values["keep-all"]) options["keep-all"] = true;
    for (const option of KEEP_OPTIONS) {
        const text = values[option];
        if (typeof text !== "string") continue;
        if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
            throw new UsageError(`--${option} must be a whole number, 0 or more, not ${JSON.stringify(text)}`);
        }
        options[option] = Number(text);
    }

    const backups: { id: string; line: number; text: string; time: number }[] = [];
    const errors: string[] = [];
    for (const [i, raw] of (await readStdin()).split("\n").entries()) {
        const text = raw.trim();
        if (text === "") continue;
        const parsed = parseBackupTime(text, timeZone);
        if (parsed.ok) backups.push({ id: String(i + 1), line: i + 1, text, time: parsed.time });
        else errors.push(`${PROGRAM}: line ${i + 1}: ${JSON.stringify(text)}: ${parsed.error}\n`);
    }
    // Every bad line is named (the first MAX_ERRORS of them), without the usage text: the options were fine.
    if (errors.length > 0) {
        process.stderr.write(errors.slice(0, MAX_ERRORS).join(""));
        if (errors.length > MAX_ERRORS) process.stderr.write(`${PROGRAM}: ... and ${errors.length - MAX_ERRORS} more unreadable lines\n`);
        return EXIT_USAGE;
    }

    const decisions = selectBackupsToPrune(backups, options, timeZone);
    printJson({
        timeZone,
        options,
        kept: decisions.filter(d => d.keep).length,
        removed: decisions.filter(d => !d.keep).length,
        backups: decisions.map(d => ({
            line: d.line, time: d.text, utc: new Date(d.time).toISOString(),
            action: d.keep ? "keep" : "remove", ...(d.keep ? { keptBy: d.keptBy } : {}),
        })),
    });
    return EXIT_OK;
}

async function readStdin(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
}
