// kvm-manager-backup: backups of VMs. For now only `prune --simulate`, which shows what a retention
// setting would keep, with the selection code the backup jobs use (src/core/backup/prune.ts).
import { EXIT_OK, EXIT_USAGE, UsageError, parseCommandLine, printJson, runCommand } from "../lib/cli";
import { parseBackupTime } from "../../src/core/backup/backup-time";
import { KEEP_OPTIONS, selectBackupsToPrune, type PruneOptions } from "../../src/core/backup/prune";
import { isValidTimeZone } from "../../src/core/schedule/zoned-time";

const PROGRAM = "kvm-manager-backup";
const MAX_ERRORS = 20;
const USAGE = `Usage: ${PROGRAM} prune --simulate [--keep-last=N] [--keep-hourly=N] [--keep-daily=N]
           [--keep-weekly=N] [--keep-monthly=N] [--keep-yearly=N] [--keep-all] [--time-zone=ZONE]

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
Exit status: 0 done; 2 usage or an unreadable line (its number is given).
`;

runCommand(PROGRAM, USAGE, async () => {
    const argv = process.argv.slice(2);
    // lib/cli's parser takes no positional arguments, so the subcommand is taken off first.
    const [subcommand, ...rest] = argv;
    if (subcommand !== "prune") {
        if (argv.includes("--help") || argv.includes("-h")) {
            process.stdout.write(USAGE);
            return EXIT_OK;
        }
        throw new UsageError(subcommand === undefined ? "a subcommand is needed" : `unknown subcommand ${JSON.stringify(subcommand)}`);
    }
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

    const timeZone = values["time-zone"] ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
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
});

async function readStdin(): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
}
