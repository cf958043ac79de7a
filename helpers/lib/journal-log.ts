// A Logger whose lines carry a syslog priority in the journal: under systemd (JOURNAL_STREAM is set
// for a unit's stderr) each line starts with "<N>", which journald takes as the priority and strips,
// so `journalctl -p err` finds failures. By hand the lines read as createLogger's do.
import type { Logger } from "./log";

const PRIORITY = { error: 3, warn: 4, info: 6 } as const;

export function createJournalLogger(program: string, options: { sink?: (line: string) => void } = {}): Logger {
    const write = options.sink ?? ((line: string) => process.stderr.write(line + "\n"));
    const toJournal = Boolean(process.env.JOURNAL_STREAM);
    const line = (level: keyof typeof PRIORITY, label: string, message: string) =>
        write(`${toJournal ? `<${PRIORITY[level]}>` : ""}${program}: ${label}${message}`);
    return {
        info: message => line("info", "", message),
        warn: message => line("warn", "warning: ", message),
        error: message => line("error", "error: ", message),
    };
}
