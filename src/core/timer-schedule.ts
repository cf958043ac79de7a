// The part of systemd's .timer and .service files that kvm-manager-timers needs to run this project's
// jobs where systemd does not run: the timers' OnCalendar / OnBootSec / OnStartupSec / OnActiveSec /
// OnUnitActiveSec / OnUnitInactiveSec / Persistent, the services' ExecStart, TimeoutStartSec,
// SuccessExitStatus, Nice and Environment, and when a timer elapses next. Pure: times are epoch
// milliseconds, the caller says what "now", the boot and the runner's start were.
//
// Calendar expressions follow systemd.time(7) ("DOW YYYY-MM-DD HH:MM:SS [UTC]" with lists, ranges
// a..b, repetitions a/b and the shorthands hourly, daily, ...) minus what no unit of this project
// uses: fractional seconds, "~" (days from the end of a month) and time zones other than UTC.
// Anything outside that is refused with a message, never guessed.

export class UnitParseError extends Error {
    constructor(readonly unit: string, message: string) {
        super(`${unit}: ${message}`);
        this.name = "UnitParseError";
    }
}

// ---- unit files ---------------------------------------------------------------------------------

// section -> key -> values in file order. An empty assignment ("OnCalendar=") clears the earlier
// values of that key, as systemd does for list settings.
export type UnitFile = Map<string, Map<string, string[]>>;

export function parseUnitFile(name: string, text: string): UnitFile {
    const sections: UnitFile = new Map();
    let current: Map<string, string[]> | null = null;
    const lines = text.split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
        let line = lines[i].trim();
        // A trailing backslash continues the setting on the next line (joined with a space).
        while (line.endsWith("\\") && i + 1 < lines.length) {
            line = `${line.slice(0, -1)} ${lines[++i].trim()}`;
        }
        if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
        const section = /^\[([^\]]+)\]$/.exec(line);
        if (section) {
            current = sections.get(section[1]) ?? new Map();
            sections.set(section[1], current);
            continue;
        }
        const eq = line.indexOf("=");
        if (eq <= 0) throw new UnitParseError(name, `line ${i + 1}: expected KEY=VALUE or [Section], got "${line}"`);
        if (!current) throw new UnitParseError(name, `line ${i + 1}: setting outside a [Section]`);
        const key = line.slice(0, eq).trim();
        const value = line.slice(eq + 1).trim();
        if (value === "") current.set(key, []);
        else current.set(key, [...(current.get(key) ?? []), value]);
    }
    return sections;
}

function settings(file: UnitFile, section: string, key: string): string[] {
    return file.get(section)?.get(key) ?? [];
}

function lastSetting(file: UnitFile, section: string, key: string): string | undefined {
    const values = settings(file, section, key);
    return values[values.length - 1];
}

// ---- time spans ---------------------------------------------------------------------------------

const SPAN_UNITS: [RegExp, number][] = [
    [/^(usec|us|µs)$/, 0.001],
    [/^(msec|ms)$/, 1],
    [/^(seconds|second|sec|s)$/, 1000],
    [/^(minutes|minute|min|m)$/, 60_000],
    [/^(hours|hour|hr|h)$/, 3_600_000],
    [/^(days|day|d)$/, 86_400_000],
    [/^(weeks|week|w)$/, 604_800_000],
    [/^(months|month|M)$/, 2_629_800_000],
    [/^(years|year|y)$/, 31_557_600_000],
];

// "30s", "1min 30s", "2h", "5" (seconds), "infinity" (Infinity). systemd.time(7)'s time spans.
export function parseTimeSpan(text: string): number {
    const trimmed = text.trim();
    if (trimmed === "infinity") return Infinity;
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
    const parts = trimmed.match(/\d+(?:\.\d+)?\s*[a-zA-Zµ]+/g);
    if (!parts || parts.join("").replace(/\s/g, "") !== trimmed.replace(/\s/g, "")) {
        throw new Error(`"${text}" is not a time span (e.g. 30s, 5min, 1h 30min)`);
    }
    let total = 0;
    for (const part of parts) {
        const [, number, unit] = /^(\d+(?:\.\d+)?)\s*(\S+)$/.exec(part) ?? [];
        const factor = SPAN_UNITS.find(([re]) => re.test(unit))?.[1];
        if (factor === undefined) throw new Error(`"${text}": unknown time unit "${unit}"`);
        total += Number(number) * factor;
    }
    return total;
}

// ---- calendar expressions -----------------------------------------------------------------------

interface Component {
    start: number;
    end: number; // inclusive; = start for a single value
    step: number; // 0: every value from start to end
}

// null: any value ("*").
type Field = Component[] | null;

export interface CalendarSpec {
    text: string;
    weekdays: Set<number> | null; // 0 = Sunday, as Date.getDay()
    years: Field;
    months: Field;
    days: Field;
    hours: Field;
    minutes: Field;
    seconds: Field;
    utc: boolean;
}

const SHORTHANDS: Record<string, string> = {
    minutely: "*-*-* *:*:00",
    hourly: "*-*-* *:00:00",
    daily: "*-*-* 00:00:00",
    monthly: "*-*-01 00:00:00",
    weekly: "Mon *-*-* 00:00:00",
    yearly: "*-01-01 00:00:00",
    annually: "*-01-01 00:00:00",
    quarterly: "*-01,04,07,10-01 00:00:00",
    semiannually: "*-01,07-01 00:00:00",
};

const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

function weekdayIndex(name: string, expr: string): number {
    const i = WEEKDAYS.indexOf(name.slice(0, 3).toLowerCase());
    if (i < 0 || !/^[a-z]+$/i.test(name)) throw new Error(`"${expr}": "${name}" is not a weekday`);
    return i;
}

function parseWeekdays(text: string, expr: string): Set<number> {
    const days = new Set<number>();
    for (const item of text.split(",")) {
        const [from, to] = item.split("..");
        const a = weekdayIndex(from, expr);
        const b = to === undefined ? a : weekdayIndex(to, expr);
        // Sat..Mon wraps over Sunday.
        for (let d = a; ; d = (d + 1) % 7) {
            days.add(d);
            if (d === b) break;
        }
    }
    return days;
}

function parseField(text: string, min: number, max: number, what: string, expr: string): Field {
    if (text === "*") return null;
    const components: Component[] = [];
    for (const item of text.split(",")) {
        const m = /^(\*|\d+)(?:\.\.(\d+))?(?:\/(\d+))?$/.exec(item);
        if (!m) throw new Error(`"${expr}": "${item}" is not a ${what} (a number, a..b, a/step or *)`);
        const start = m[1] === "*" ? min : Number(m[1]);
        const step = m[3] === undefined ? 0 : Number(m[3]);
        const end = m[2] !== undefined ? Number(m[2]) : step > 0 ? max : start;
        if (m[3] !== undefined && step === 0) throw new Error(`"${expr}": a repetition of 0 in "${item}"`);
        if (start < min || end > max || start > end) throw new Error(`"${expr}": ${what} "${item}" is outside ${min}..${max}`);
        components.push({ start, end, step });
    }
    return components;
}

function fieldMatches(field: Field, value: number): boolean {
    if (field === null) return true;
    return field.some(c => value >= c.start && value <= c.end && (c.step === 0 ? true : (value - c.start) % c.step === 0));
}

export function parseCalendar(expression: string): CalendarSpec {
    const text = expression.trim();
    let tokens = text.split(/\s+/).filter(Boolean);
    if (tokens.length === 0) throw new Error("an empty calendar expression");
    const utc = tokens[tokens.length - 1] === "UTC";
    if (utc) tokens.pop();
    const shorthand = tokens.length === 1 ? SHORTHANDS[tokens[0].toLowerCase()] : undefined;
    if (shorthand) tokens = shorthand.split(" ");
    if (tokens.length === 0) {
        throw new Error(`"${text}" is not a calendar expression`);
    } else if (tokens.length > 1 && /^[A-Za-z][A-Za-z_/+-]*$/.test(tokens[tokens.length - 1]) && !tokens[tokens.length - 1].includes("..")) {
        throw new Error(`"${text}": time zone "${tokens[tokens.length - 1]}" is not supported (only UTC or local time)`);
    }
    let weekdays: Set<number> | null = null;
    if (tokens.length > 0 && /^[A-Za-z]/.test(tokens[0])) weekdays = parseWeekdays(tokens.shift() as string, text);
    let date = "*-*-*";
    let time = "00:00:00";
    if (tokens.length === 2) {
        [date, time] = tokens;
    } else if (tokens.length === 1) {
        if (tokens[0].includes(":")) time = tokens[0];
        else date = tokens[0];
    } else if (tokens.length > 2 || weekdays === null) {
        throw new Error(`"${text}" is not a calendar expression (e.g. "*-*-* *:*:00/30", "hourly", "Mon..Fri 02:00")`);
    }
    const dateParts = date.split("-");
    if (dateParts.length === 2) dateParts.unshift("*");
    if (dateParts.length !== 3) throw new Error(`"${text}": the date "${date}" is not YYYY-MM-DD`);
    if (date.includes("~")) throw new Error(`"${text}": "~" (days counted from the end of a month) is not supported`);
    const timeParts = time.split(":");
    if (timeParts.length === 2) timeParts.push("00");
    if (timeParts.length !== 3) throw new Error(`"${text}": the time "${time}" is not HH:MM[:SS]`);
    if (timeParts[2].includes(".")) throw new Error(`"${text}": fractional seconds are not supported`);
    return {
        text,
        weekdays,
        years: parseField(dateParts[0], 1970, 2199, "year", text),
        months: parseField(dateParts[1], 1, 12, "month", text),
        days: parseField(dateParts[2], 1, 31, "day", text),
        hours: parseField(timeParts[0], 0, 23, "hour", text),
        minutes: parseField(timeParts[1], 0, 59, "minute", text),
        seconds: parseField(timeParts[2], 0, 59, "second", text),
        utc,
    };
}

interface CalendarFields {
    year: number;
    month: number; // 1..12
    day: number;
    weekday: number;
}

function fieldsOf(tMs: number, utc: boolean): CalendarFields {
    const d = new Date(tMs);
    return utc
        ? { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: d.getUTCDay() }
        : { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), weekday: d.getDay() };
}

function timeOf(spec: CalendarSpec, year: number, month: number, day: number, h: number, m: number, s: number): number {
    return spec.utc ? Date.UTC(year, month - 1, day, h, m, s) : new Date(year, month - 1, day, h, m, s).getTime();
}

function matchingValues(field: Field, min: number, max: number): number[] {
    const values: number[] = [];
    for (let v = min; v <= max; v++) if (fieldMatches(field, v)) values.push(v);
    return values;
}

// How far ahead a next elapse is looked for: more than any yearly or leap-day expression needs.
const SEARCH_DAYS = 8 * 366;

// The first time after afterMs (strictly) that the expression names, or null if there is none (a date
// in the past, a 31st of February).
export function nextCalendarElapse(spec: CalendarSpec, afterMs: number): number | null {
    const hours = matchingValues(spec.hours, 0, 23);
    const minutes = matchingValues(spec.minutes, 0, 59);
    const seconds = matchingValues(spec.seconds, 0, 59);
    const start = fieldsOf(afterMs, spec.utc);
    for (let i = 0; i <= SEARCH_DAYS; i++) {
        // Noon of the i-th day: local days are 23 to 25 hours long, so noon never skips or repeats one.
        const noon = spec.utc ? Date.UTC(start.year, start.month - 1, start.day + i, 12) : new Date(start.year, start.month - 1, start.day + i, 12).getTime();
        const day = fieldsOf(noon, spec.utc);
        if (!fieldMatches(spec.years, day.year) || !fieldMatches(spec.months, day.month) || !fieldMatches(spec.days, day.day)) continue;
        if (spec.weekdays && !spec.weekdays.has(day.weekday)) continue;
        for (const h of hours) {
            for (const m of minutes) {
                for (const s of seconds) {
                    const t = timeOf(spec, day.year, day.month, day.day, h, m, s);
                    if (t <= afterMs) continue;
                    // A local time that a DST change skips does not exist; systemd skips it too.
                    const d = new Date(t);
                    if (!spec.utc && (d.getHours() !== h || d.getMinutes() !== m)) continue;
                    return t;
                }
            }
        }
    }
    return null;
}

// ---- timers and services ------------------------------------------------------------------------

export interface TimerUnit {
    name: string; // kvm-manager-collect.timer
    service: string; // Unit= or the timer's own name with .service
    calendars: CalendarSpec[];
    onBootMs: number[];
    onStartupMs: number[];
    onActiveMs: number[];
    onUnitActiveMs: number[];
    onUnitInactiveMs: number[];
    persistent: boolean;
}

function spans(file: UnitFile, key: string, name: string): number[] {
    // One span per line: "1min 30s" is 90 seconds, not two spans.
    return settings(file, "Timer", key).map(v => {
        try {
            return parseTimeSpan(v);
        } catch (err) {
            throw new UnitParseError(name, `${key}: ${(err as Error).message}`);
        }
    }).filter(ms => Number.isFinite(ms));
}

function parseBoolean(value: string | undefined, key: string, name: string): boolean {
    if (value === undefined) return false;
    if (/^(1|yes|true|on)$/i.test(value)) return true;
    if (/^(0|no|false|off)$/i.test(value)) return false;
    throw new UnitParseError(name, `${key}: "${value}" is not a boolean`);
}

export function parseTimerUnit(name: string, text: string): TimerUnit {
    const file = parseUnitFile(name, text);
    if (!file.has("Timer")) throw new UnitParseError(name, "no [Timer] section");
    const calendars = settings(file, "Timer", "OnCalendar").map(expr => {
        try {
            return parseCalendar(expr);
        } catch (err) {
            throw new UnitParseError(name, `OnCalendar: ${(err as Error).message}`);
        }
    });
    const timer: TimerUnit = {
        name,
        service: lastSetting(file, "Timer", "Unit") ?? name.replace(/\.timer$/, ".service"),
        calendars,
        onBootMs: spans(file, "OnBootSec", name),
        onStartupMs: spans(file, "OnStartupSec", name),
        onActiveMs: spans(file, "OnActiveSec", name),
        onUnitActiveMs: spans(file, "OnUnitActiveSec", name),
        onUnitInactiveMs: spans(file, "OnUnitInactiveSec", name),
        persistent: parseBoolean(lastSetting(file, "Timer", "Persistent"), "Persistent", name),
    };
    const triggers = timer.calendars.length + timer.onBootMs.length + timer.onStartupMs.length + timer.onActiveMs.length +
        timer.onUnitActiveMs.length + timer.onUnitInactiveMs.length;
    if (triggers === 0) throw new UnitParseError(name, "no OnCalendar=, OnBootSec=, OnStartupSec=, OnActiveSec=, OnUnitActiveSec= or OnUnitInactiveSec=");
    return timer;
}

export interface ExecCommand {
    argv: string[];
    // The "-" prefix: a failure of this command does not count.
    ignoreFailure: boolean;
}

// Splits an ExecStart= value into argv the way systemd does for what units of this project write:
// words separated by spaces, "double" or 'single' quoted words, backslash escapes, and the prefixes
// "-" (ignore failure), "@", ":", "+", "!" (the last four change nothing here: the runner already is
// root and does not substitute variables). No shell is involved, so no shell syntax is special.
export function splitExecStart(value: string, unit = "ExecStart"): ExecCommand {
    let rest = value.trim();
    let ignoreFailure = false;
    while (/^[-@:+!]/.test(rest)) {
        if (rest[0] === "-") ignoreFailure = true;
        if (rest[0] === "@") throw new UnitParseError(unit, `ExecStart: the "@" prefix (a different argv[0]) is not supported`);
        rest = rest.slice(1);
    }
    const argv = splitWords(rest, unit, "ExecStart");
    if (argv.length === 0) throw new UnitParseError(unit, "ExecStart: empty command");
    if (!argv[0].startsWith("/")) throw new UnitParseError(unit, `ExecStart: "${argv[0]}" is not an absolute path`);
    return { argv, ignoreFailure };
}

function splitWords(rest: string, unit: string, key: string): string[] {
    const argv: string[] = [];
    let word = "";
    let inWord = false;
    let quote: string | null = null;
    for (let i = 0; i < rest.length; i++) {
        const c = rest[i];
        if (quote) {
            if (c === "\\" && i + 1 < rest.length) word += rest[++i];
            else if (c === quote) quote = null;
            else word += c;
            continue;
        }
        if (c === "\"" || c === "'") {
            quote = c;
            inWord = true;
        } else if (c === "\\" && i + 1 < rest.length) {
            word += rest[++i];
            inWord = true;
        } else if (/\s/.test(c)) {
            if (inWord) argv.push(word);
            word = "";
            inWord = false;
        } else {
            word += c;
            inWord = true;
        }
    }
    if (quote) throw new UnitParseError(unit, `${key}: unterminated ${quote} quote in "${rest}"`);
    if (inWord) argv.push(word);
    return argv;
}

export interface ServiceUnit {
    name: string;
    // Type=oneshot units may list several ExecStart= lines: run one after the other, stopping at a failure.
    exec: ExecCommand[];
    // null: no limit (systemd's default for Type=oneshot).
    timeoutStartMs: number | null;
    // Exit codes that count as success besides 0.
    successExitStatus: number[];
    nice: number | null;
    environment: Record<string, string>;
}

export function parseServiceUnit(name: string, text: string): ServiceUnit {
    const file = parseUnitFile(name, text);
    if (!file.has("Service")) throw new UnitParseError(name, "no [Service] section");
    const exec = settings(file, "Service", "ExecStart").map(v => splitExecStart(v, name));
    if (exec.length === 0) throw new UnitParseError(name, "no ExecStart=");
    const timeoutText = lastSetting(file, "Service", "TimeoutStartSec") ?? lastSetting(file, "Service", "TimeoutSec");
    let timeoutStartMs: number | null = null;
    if (timeoutText !== undefined) {
        try {
            const ms = parseTimeSpan(timeoutText);
            timeoutStartMs = Number.isFinite(ms) && ms > 0 ? ms : null;
        } catch (err) {
            throw new UnitParseError(name, `TimeoutStartSec: ${(err as Error).message}`);
        }
    }
    const successExitStatus = settings(file, "Service", "SuccessExitStatus").flatMap(v => v.split(/\s+/)).map(code => {
        if (!/^\d+$/.test(code)) throw new UnitParseError(name, `SuccessExitStatus: "${code}" is not an exit code (signal names are not supported)`);
        return Number(code);
    });
    const niceText = lastSetting(file, "Service", "Nice");
    const nice = niceText === undefined ? null : Number(niceText);
    if (nice !== null && (!Number.isInteger(nice) || nice < -20 || nice > 19)) throw new UnitParseError(name, `Nice: "${niceText}" is not -20..19`);
    const environment: Record<string, string> = {};
    for (const line of settings(file, "Service", "Environment")) {
        for (const assignment of splitWords(line, name, "Environment")) {
            const eq = assignment.indexOf("=");
            if (eq <= 0) throw new UnitParseError(name, `Environment: "${assignment}" is not NAME=VALUE`);
            environment[assignment.slice(0, eq)] = assignment.slice(eq + 1);
        }
    }
    return { name, exec, timeoutStartMs, successExitStatus, nice, environment };
}

// ---- when a timer elapses next ------------------------------------------------------------------

export interface TimerHistory {
    // When the timer last elapsed, and when its service last started and finished (null: never, as far
    // as the runner knows).
    lastTriggerMs: number | null;
    lastStartMs: number | null;
    lastEndMs: number | null;
}

export interface TimerContext {
    bootMs: number; // when the machine booted
    activatedMs: number; // when the runner started looking after this timer (systemd: the timer's activation)
}

// The earliest time at which the timer elapses next; it may lie in the past, which means "due now".
// null: it never elapses again (only one-shot settings such as OnBootSec=, all passed).
export function nextElapse(timer: TimerUnit, history: TimerHistory, context: TimerContext): number | null {
    const candidates: number[] = [];
    const last = history.lastTriggerMs;
    // One-shot settings elapse once. Boot and startup ones that passed before the runner started
    // elapse at once, as systemd.timer(5) describes.
    const once = (base: number, spansMs: number[]) => {
        for (const span of spansMs) {
            const at = base + span;
            if (last === null || last < at) candidates.push(at);
        }
    };
    once(context.bootMs, timer.onBootMs);
    once(context.activatedMs, timer.onStartupMs);
    once(context.activatedMs, timer.onActiveMs);
    // Relative to the service's last start or end; not before it has run once, and never at or before
    // the last elapse (a run that is still going must not make the timer fire again and again).
    const relative = (base: number | null, spansMs: number[]) => {
        if (base === null) return;
        for (const span of spansMs) {
            const at = base + span;
            if (last === null || at > last) candidates.push(at);
        }
    };
    relative(history.lastStartMs, timer.onUnitActiveMs);
    relative(history.lastEndMs, timer.onUnitInactiveMs);
    // Calendar times after the last elapse; without Persistent=, none from before the runner started
    // (a missed run is not made up later).
    const after = timer.persistent && last !== null ? last : Math.max(last ?? -Infinity, context.activatedMs);
    for (const spec of timer.calendars) {
        const at = nextCalendarElapse(spec, after);
        if (at !== null) candidates.push(at);
    }
    return candidates.length ? Math.min(...candidates) : null;
}
