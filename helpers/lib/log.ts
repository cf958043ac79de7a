// Helpers log one line per event to stderr: under systemd that is the journal (which adds the time and
// the unit), by hand it is the terminal. stdout stays free for a command's --json answer.
export interface Logger {
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
}

export function createLogger(program: string, options: { quiet?: boolean; sink?: (line: string) => void } = {}): Logger {
    const write = options.sink ?? ((line: string) => process.stderr.write(line + "\n"));
    return {
        info: message => { if (!options.quiet) write(`${program}: ${message}`); },
        warn: message => write(`${program}: warning: ${message}`),
        error: message => write(`${program}: error: ${message}`),
    };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
