// The scheduler's tick decision, driven the way the timer drives it: a tick every minute, a run's
// start recorded when the decision says run. Counting the runs over DST days, downtime and long runs
// checks "once, never twice, never skipped" rather than single instants.
import type { Schedule } from "../../src/core/schedule/schedule";
import { decideTick, type ScheduleRunState } from "../../src/core/schedule/tick";

const MINUTE = 60_000;

function at(iso: string): number {
    return Date.parse(iso);
}

function daily(hour: number, minute: number): Schedule {
    return { frequency: "daily", enabled: true, time: { hour, minute } };
}

interface Simulation {
    starts: string[];
    state: ScheduleRunState;
}

// Ticks every minute from `from` to `to`; each run lasts `runMinutes`. Ticks inside `downFrom` to
// `downTo` do not happen (host or timer down).
function simulate(s: Schedule, timeZone: string, from: string, to: string, opts: {
    state?: ScheduleRunState; runMinutes?: number; down?: [string, string];
} = {}): Simulation {
    const state: ScheduleRunState = opts.state ?? { lastRunStart: null, activeSince: at(from), running: false };
    const starts: string[] = [];
    let runEnds = -Infinity;
    for (let now = at(from); now <= at(to); now += MINUTE) {
        if (opts.down && now >= at(opts.down[0]) && now < at(opts.down[1])) continue;
        if (state.running && now >= runEnds) state.running = false;
        const decision = decideTick(s, state, now, timeZone);
        if (decision.run) {
            starts.push(new Date(now).toISOString());
            state.lastRunStart = now;
            state.running = (opts.runMinutes ?? 0) > 0;
            runEnds = now + (opts.runMinutes ?? 0) * MINUTE;
        }
    }
    return { starts, state };
}

describe("a tick every minute across DST changes runs the job once a day", () => {
    test("Berlin spring forward, 02:30", () => {
        expect(simulate(daily(2, 30), "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-30T12:00:00Z").starts)
            .toEqual(["2026-03-29T01:00:00.000Z", "2026-03-30T00:30:00.000Z"]);
    });
    test("Berlin fall back, 02:30", () => {
        expect(simulate(daily(2, 30), "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z").starts)
            .toEqual(["2026-10-25T00:30:00.000Z", "2026-10-26T01:30:00.000Z"]);
    });
    test("New York spring forward, 02:30", () => {
        expect(simulate(daily(2, 30), "America/New_York", "2026-03-07T12:00:00Z", "2026-03-09T12:00:00Z").starts)
            .toEqual(["2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"]);
    });
    test("New York fall back, 01:30", () => {
        expect(simulate(daily(1, 30), "America/New_York", "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z").starts)
            .toEqual(["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
    });
});

describe("catch-up", () => {
    test("a week down runs once at the first tick back, then on time again", () => {
        const sim = simulate(daily(2, 0), "UTC", "2026-11-01T00:00:00Z", "2026-11-11T12:00:00Z", {
            down: ["2026-11-02T01:00:00Z", "2026-11-09T10:00:00Z"],
        });
        expect(sim.starts).toEqual([
            "2026-11-01T02:00:00.000Z", "2026-11-09T10:00:00.000Z", "2026-11-10T02:00:00.000Z", "2026-11-11T02:00:00.000Z",
        ]);
    });

    test("the decision names the occurrences folded into the catch-up run", () => {
        const s = daily(2, 0);
        const state = { lastRunStart: at("2026-11-01T02:00:10Z"), activeSince: at("2026-10-01T00:00:00Z"), running: false };
        expect(decideTick(s, state, at("2026-11-09T10:00:00Z"), "UTC")).toEqual({
            run: true,
            occurrence: at("2026-11-09T02:00:00Z"),
            firstOwed: at("2026-11-02T02:00:00Z"),
            next: at("2026-11-10T02:00:00Z"),
        });
    });

    test("a run on time names one occurrence", () => {
        const state = { lastRunStart: at("2026-11-08T02:00:05Z"), activeSince: 0, running: false };
        expect(decideTick(daily(2, 0), state, at("2026-11-09T02:00:05Z"), "UTC"))
            .toMatchObject({ run: true, occurrence: at("2026-11-09T02:00:00Z"), firstOwed: at("2026-11-09T02:00:00Z") });
    });

    test("nothing is owed from before the schedule became active", () => {
        // Created at 15:00 for 02:00: the first run is tomorrow's, not a catch-up of today's.
        const state = { lastRunStart: null, activeSince: at("2026-11-26T15:00:00Z"), running: false };
        expect(decideTick(daily(2, 0), state, at("2026-11-26T15:01:00Z"), "UTC"))
            .toEqual({ run: false, reason: "not-due", next: at("2026-11-27T02:00:00Z") });
    });

    test("re-enabled after being off for days: no run for the days it was off", () => {
        const state = { lastRunStart: at("2026-11-01T02:00:00Z"), activeSince: at("2026-11-20T09:00:00Z"), running: false };
        expect(decideTick(daily(2, 0), state, at("2026-11-20T09:01:00Z"), "UTC")).toMatchObject({ run: false, reason: "not-due" });
    });
});

describe("a run never starts while the previous one is going", () => {
    test("a 30-hour run: the occurrence it overlaps runs once when it ends", () => {
        const sim = simulate(daily(2, 0), "UTC", "2026-11-01T00:00:00Z", "2026-11-04T12:00:00Z", { runMinutes: 30 * 60 });
        // 11-01 02:00 runs to 11-02 08:00; 11-02 02:00 is owed and starts at 08:00, running to 11-03 14:00;
        // 11-03 02:00 is owed and starts at 14:00 (to 11-04 20:00), so 11-04 02:00 waits beyond the end.
        expect(sim.starts).toEqual(["2026-11-01T02:00:00.000Z", "2026-11-02T08:00:00.000Z", "2026-11-03T14:00:00.000Z"]);
    });

    test("the decision while running says so and names the owed occurrence", () => {
        const state = { lastRunStart: at("2026-11-01T02:00:00Z"), activeSince: 0, running: true };
        expect(decideTick(daily(2, 0), state, at("2026-11-02T02:05:00Z"), "UTC"))
            .toEqual({ run: false, reason: "running", next: at("2026-11-02T02:00:00Z") });
    });
});

describe("other states", () => {
    test("disabled", () => {
        const state = { lastRunStart: null, activeSince: 0, running: false };
        expect(decideTick({ ...daily(2, 0), enabled: false }, state, at("2026-11-02T02:05:00Z"), "UTC"))
            .toEqual({ run: false, reason: "disabled", next: null });
    });

    test("once: waits, runs once, then is finished", () => {
        const once: Schedule = { frequency: "once", date: { year: 2026, month: 12, day: 24 }, enabled: true, time: { hour: 18, minute: 0 } };
        const sim = simulate(once, "Europe/Berlin", "2026-12-24T16:00:00Z", "2026-12-25T12:00:00Z");
        expect(sim.starts).toEqual(["2026-12-24T17:00:00.000Z"]);
        expect(decideTick(once, sim.state, at("2026-12-25T12:00:00Z"), "Europe/Berlin")).toEqual({ run: false, reason: "finished", next: null });
    });

    test("once, created after its time: never runs", () => {
        const once: Schedule = { frequency: "once", date: { year: 2026, month: 11, day: 1 }, enabled: true, time: { hour: 18, minute: 0 } };
        const state = { lastRunStart: null, activeSince: at("2026-11-26T12:00:00Z"), running: false };
        expect(decideTick(once, state, at("2026-11-26T12:01:00Z"), "UTC")).toEqual({ run: false, reason: "finished", next: null });
    });

    test("the clock set back before the last run: nothing runs twice", () => {
        const state = { lastRunStart: at("2026-11-10T02:00:00Z"), activeSince: 0, running: false };
        expect(decideTick(daily(2, 0), state, at("2026-11-09T02:30:00Z"), "UTC"))
            .toEqual({ run: false, reason: "not-due", next: at("2026-11-11T02:00:00Z") });
    });
});
