import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import {
    nextCalendarElapse, nextElapse, parseCalendar, parseServiceUnit, parseTimeSpan, parseTimerUnit, splitExecStart,
    type TimerHistory, type TimerUnit,
} from "../../src/core/timer-schedule";

const utc = (iso: string) => Date.parse(iso);
const iso = (ms: number | null) => ms === null ? null : new Date(ms).toISOString();
const next = (expr: string, after: string) => iso(nextCalendarElapse(parseCalendar(`${expr} UTC`), utc(after)));

describe("time spans", () => {
    test.each([
        ["30s", 30_000], ["25s", 25_000], ["1min", 60_000], ["1min 30s", 90_000], ["5", 5000], ["2h", 7_200_000],
        ["1d", 86_400_000], ["500ms", 500], ["1w", 604_800_000],
    ])("%s", (text, ms) => expect(parseTimeSpan(text)).toBe(ms));

    test("infinity and nonsense", () => {
        expect(parseTimeSpan("infinity")).toBe(Infinity);
        expect(() => parseTimeSpan("soon")).toThrow(/not a time span/);
        expect(() => parseTimeSpan("5 parsecs")).toThrow(/unknown time unit "parsecs"/);
        expect(() => parseTimeSpan("$(reboot)")).toThrow(/not a time span/);
    });
});

describe("calendar expressions", () => {
    test("the collector's every-30-seconds timer fires at :00 and :30", () => {
        expect(next("*-*-* *:*:00/30", "2026-11-26T13:59:59.500Z")).toBe("2026-11-26T14:00:00.000Z");
        expect(next("*-*-* *:*:00/30", "2026-11-26T14:00:00.000Z")).toBe("2026-11-26T14:00:30.000Z");
        // A run that ended a little late does not skip the next slot.
        expect(next("*-*-* *:*:00/30", "2026-11-26T14:00:00.350Z")).toBe("2026-11-26T14:00:30.000Z");
        expect(next("*-*-* *:*:00/30", "2026-12-31T23:59:45Z")).toBe("2027-01-01T00:00:00.000Z");
    });

    test("shorthands", () => {
        expect(next("hourly", "2026-11-26T13:00:00Z")).toBe("2026-11-26T14:00:00.000Z");
        expect(next("daily", "2026-11-26T13:00:00Z")).toBe("2026-11-27T00:00:00.000Z");
        expect(next("minutely", "2026-11-26T13:00:10Z")).toBe("2026-11-26T13:01:00.000Z");
        expect(next("monthly", "2026-11-26T13:00:00Z")).toBe("2026-12-01T00:00:00.000Z");
        // 2026-11-26 is a Thursday.
        expect(next("weekly", "2026-11-26T13:00:00Z")).toBe("2026-11-30T00:00:00.000Z");
        expect(next("quarterly", "2026-11-26T13:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
        expect(next("yearly", "2026-11-26T13:00:00Z")).toBe("2027-01-01T00:00:00.000Z");
    });

    test("times, dates, lists, ranges, repetitions and weekdays", () => {
        expect(next("02:30", "2026-11-26T13:00:00Z")).toBe("2026-11-27T02:30:00.000Z");
        expect(next("*:0/15", "2026-11-26T13:07:00Z")).toBe("2026-11-26T13:15:00.000Z");
        expect(next("*-*-* 08,20:00", "2026-11-26T13:00:00Z")).toBe("2026-11-26T20:00:00.000Z");
        expect(next("Mon..Fri 02:00", "2026-11-27T03:00:00Z")).toBe("2026-11-30T02:00:00.000Z");
        expect(next("Sat,Sun *-*-* 06:00:00", "2026-11-26T00:00:00Z")).toBe("2026-11-28T06:00:00.000Z");
        expect(next("Sat..Mon", "2026-11-29T01:00:00Z")).toBe("2026-11-30T00:00:00.000Z");
        expect(next("*-02-29 00:00:00", "2026-11-26T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
        expect(next("*-*-01..03 12:00", "2026-11-26T00:00:00Z")).toBe("2026-12-01T12:00:00.000Z");
        expect(next("2020-01-01", "2026-11-26T00:00:00Z")).toBeNull();
        expect(next("*-02-31", "2026-11-26T00:00:00Z")).toBeNull();
    });

    test("local time by default", () => {
        const spec = parseCalendar("*-*-* 04:00:00");
        expect(spec.utc).toBe(false);
        const at = nextCalendarElapse(spec, Date.now()) as number;
        expect(new Date(at).getHours()).toBe(4);
        expect(new Date(at).getMinutes()).toBe(0);
        expect(at - Date.now()).toBeLessThanOrEqual(25 * 3600_000);
    });

    test.each([
        ["", /empty/],
        ["every five minutes", /not supported|not a weekday/],
        ["*-*-* 25:00", /hour "25" is outside 0..23/],
        ["*-*-* *:*:00/0", /repetition of 0/],
        ["*-*-* 1:2:3.5", /fractional seconds/],
        ["*-*~1", /not supported|not YYYY-MM-DD/],
        ["*-*-* 00:00 Europe/Berlin", /time zone "Europe\/Berlin" is not supported/],
        ["Funday 02:00", /"Funday" is not a weekday/],
        ["*-*-* $(reboot)", /is not a hour|not HH:MM/],
    ])("refuses %j", (expr, message) => expect(() => parseCalendar(expr)).toThrow(message));
});

const COLLECT_TIMER = `[Unit]
Description=collect

[Timer]
# every 30 s
OnCalendar=*-*-* *:*:00/30
AccuracySec=1s
Persistent=false

[Install]
WantedBy=timers.target
`;

describe("timer and service files", () => {
    test("a timer: its schedule and its service", () => {
        const timer = parseTimerUnit("kvm-manager-collect.timer", COLLECT_TIMER);
        expect(timer.service).toBe("kvm-manager-collect.service");
        expect(timer.calendars.map(c => c.text)).toEqual(["*-*-* *:*:00/30"]);
        expect(timer.persistent).toBe(false);
    });

    test("Unit=, several triggers, an empty assignment resetting a list, continuation lines", () => {
        const timer = parseTimerUnit("x.timer", "[Timer]\nOnCalendar=daily\nOnCalendar=\nOnCalendar=hourly\nOnBootSec=1min \\\n 30s\nOnUnitActiveSec=15min\nUnit=y.service\nPersistent=yes\n");
        expect(timer.calendars.map(c => c.text)).toEqual(["hourly"]);
        expect(timer.onBootMs).toEqual([90_000]);
        expect(timer.onUnitActiveMs).toEqual([900_000]);
        expect(timer.service).toBe("y.service");
        expect(timer.persistent).toBe(true);
    });

    test("bad timer files are refused with the file's name and the reason", () => {
        expect(() => parseTimerUnit("a.timer", "[Unit]\nDescription=x\n")).toThrow("a.timer: no [Timer] section");
        expect(() => parseTimerUnit("b.timer", "[Timer]\nAccuracySec=1s\n")).toThrow(/b.timer: no OnCalendar=/);
        expect(() => parseTimerUnit("c.timer", "[Timer]\nOnCalendar=whenever\n")).toThrow(/c.timer: OnCalendar:/);
        expect(() => parseTimerUnit("d.timer", "[Timer]\nOnBootSec=later\n")).toThrow(/d.timer: OnBootSec:/);
        expect(() => parseTimerUnit("e.timer", "OnCalendar=hourly\n")).toThrow(/e.timer: line 1: setting outside a \[Section\]/);
        expect(() => parseTimerUnit("f.timer", "[Timer]\ngarbage\n")).toThrow(/f.timer: line 2: expected KEY=VALUE/);
        expect(() => parseTimerUnit("g.timer", "[Timer]\nOnCalendar=hourly\nPersistent=maybe\n")).toThrow(/Persistent: "maybe"/);
    });

    test("ExecStart becomes argv without a shell", () => {
        expect(splitExecStart("/usr/local/lib/kvm-manager/kvm-manager-collect --once")).toEqual(
            { argv: ["/usr/local/lib/kvm-manager/kvm-manager-collect", "--once"], ignoreFailure: false });
        expect(splitExecStart(`-/bin/echo "a b" 'c "d"' e\\ f $(reboot) ; rm -rf /`).argv).toEqual(
            ["/bin/echo", "a b", "c \"d\"", "e f", "$(reboot)", ";", "rm", "-rf", "/"]);
        expect(splitExecStart("-/bin/true").ignoreFailure).toBe(true);
        expect(() => splitExecStart("echo hi")).toThrow(/not an absolute path/);
        expect(() => splitExecStart("/bin/echo \"open")).toThrow(/unterminated " quote/);
        expect(() => splitExecStart("")).toThrow(/empty command/);
    });

    test("a service: ExecStart lines, timeout, extra success codes, nice, environment", () => {
        const service = parseServiceUnit("s.service", [
            "[Service]", "Type=oneshot", "ExecStart=/bin/a --once", "ExecStart=-/bin/b", "TimeoutStartSec=25s",
            "SuccessExitStatus=75 76", "Nice=5", `Environment=A=1 "B=two words"`, "",
        ].join("\n"));
        expect(service.exec.map(e => e.argv)).toEqual([["/bin/a", "--once"], ["/bin/b"]]);
        expect(service.timeoutStartMs).toBe(25_000);
        expect(service.successExitStatus).toEqual([75, 76]);
        expect(service.nice).toBe(5);
        expect(service.environment).toEqual({ A: "1", B: "two words" });
        expect(parseServiceUnit("t.service", "[Service]\nExecStart=/bin/a\nTimeoutStartSec=infinity\n").timeoutStartMs).toBeNull();
        expect(() => parseServiceUnit("u.service", "[Service]\nType=oneshot\n")).toThrow("u.service: no ExecStart=");
        expect(() => parseServiceUnit("v.service", "[Service]\nExecStart=/bin/a\nSuccessExitStatus=SIGHUP\n")).toThrow(/signal names/);
        expect(() => parseServiceUnit("w.service", "[Service]\nExecStart=/bin/a\nNice=99\n")).toThrow(/Nice/);
    });

    test("every timer and service this project ships parses, and each timer's service exists", () => {
        const dir = join(__dirname, "..", "..", "helpers", "systemd");
        const files = readdirSync(dir);
        const timers = files.filter(f => f.endsWith(".timer"));
        expect(timers.length).toBeGreaterThan(0);
        for (const name of timers) {
            const timer = parseTimerUnit(name, readFileSync(join(dir, name), "utf8"));
            expect(files).toContain(timer.service);
            const service = parseServiceUnit(timer.service, readFileSync(join(dir, timer.service), "utf8"));
            expect(service.exec[0].argv[0]).toMatch(/^\/usr\/local\/lib\/kvm-manager\/kvm-manager-/);
            expect(nextElapse(timer, { lastTriggerMs: null, lastStartMs: null, lastEndMs: null },
                { bootMs: 0, activatedMs: utc("2026-11-26T13:00:00Z") })).not.toBeNull();
        }
    });
});

describe("when a timer elapses next", () => {
    const base = (overrides: Partial<TimerUnit>): TimerUnit => ({
        name: "t.timer", service: "t.service", calendars: [], onBootMs: [], onStartupMs: [], onActiveMs: [],
        onUnitActiveMs: [], onUnitInactiveMs: [], persistent: false, ...overrides,
    });
    const never: TimerHistory = { lastTriggerMs: null, lastStartMs: null, lastEndMs: null };
    const activatedMs = utc("2026-11-26T13:00:10Z");
    const bootMs = utc("2026-11-26T12:00:00Z");

    test("calendar: the next slot after the runner started, then after each elapse", () => {
        const timer = base({ calendars: [parseCalendar("*-*-* *:*:00/30 UTC")] });
        expect(iso(nextElapse(timer, never, { bootMs, activatedMs }))).toBe("2026-11-26T13:00:30.000Z");
        const fired = { ...never, lastTriggerMs: utc("2026-11-26T13:00:30.004Z") };
        expect(iso(nextElapse(timer, fired, { bootMs, activatedMs }))).toBe("2026-11-26T13:01:00.000Z");
    });

    test("a missed calendar run is made up at once only with Persistent=true", () => {
        const history = { ...never, lastTriggerMs: utc("2026-11-26T10:00:00Z") };
        const hourly = parseCalendar("hourly UTC");
        expect(iso(nextElapse(base({ calendars: [hourly], persistent: true }), history, { bootMs, activatedMs })))
            .toBe("2026-11-26T11:00:00.000Z");
        expect(iso(nextElapse(base({ calendars: [hourly] }), history, { bootMs, activatedMs })))
            .toBe("2026-11-26T14:00:00.000Z");
    });

    test("OnBootSec elapses once, at once if boot+span passed before the runner started", () => {
        const timer = base({ onBootMs: [5 * 60_000] });
        expect(iso(nextElapse(timer, never, { bootMs, activatedMs }))).toBe("2026-11-26T12:05:00.000Z");
        expect(nextElapse(timer, { ...never, lastTriggerMs: activatedMs }, { bootMs, activatedMs })).toBeNull();
    });

    test("OnActiveSec + OnUnitActiveSec: first after the runner starts, then every span after each start", () => {
        const timer = base({ onActiveMs: [1000], onUnitActiveMs: [15 * 60_000] });
        expect(iso(nextElapse(timer, never, { bootMs, activatedMs }))).toBe("2026-11-26T13:00:11.000Z");
        const ran = { lastTriggerMs: utc("2026-11-26T13:00:11Z"), lastStartMs: utc("2026-11-26T13:00:11Z"), lastEndMs: null };
        expect(iso(nextElapse(timer, ran, { bootMs, activatedMs }))).toBe("2026-11-26T13:15:11.000Z");
    });

    test("OnUnitInactiveSec waits for the run in progress to end instead of firing again and again", () => {
        const timer = base({ onUnitInactiveMs: [60_000] });
        const running = { lastTriggerMs: utc("2026-11-26T13:05:00Z"), lastStartMs: utc("2026-11-26T13:05:00Z"), lastEndMs: utc("2026-11-26T13:00:00Z") };
        expect(nextElapse(timer, running, { bootMs, activatedMs })).toBeNull();
        const ended = { ...running, lastEndMs: utc("2026-11-26T13:05:40Z") };
        expect(iso(nextElapse(timer, ended, { bootMs, activatedMs }))).toBe("2026-11-26T13:06:40.000Z");
    });

    test("the earliest of several triggers wins", () => {
        const timer = base({ calendars: [parseCalendar("hourly UTC"), parseCalendar("*:30 UTC")], onActiveMs: [3_600_000] });
        expect(iso(nextElapse(timer, never, { bootMs, activatedMs }))).toBe("2026-11-26T13:30:00.000Z");
    });
});
