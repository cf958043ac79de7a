// --end of kvm-manager-history (and any time a helper takes on its command line): epoch milliseconds
// or strict ISO 8601, nothing Date.parse would guess at.
import { LATEST_TIME_MS, parseTimeArgument } from "../../src/core/time-argument";

const ms = (text: string) => {
    const r = parseTimeArgument(text);
    return r.ok ? r.ms : r.problem;
};

describe("parseTimeArgument", () => {
    test("epoch milliseconds, from 0 to the end of year 9999", () => {
        expect(ms("0")).toBe(0);
        expect(ms("1767225600000")).toBe(Date.UTC(2026, 0, 1));
        expect(ms("0001767225600000")).toBe(Date.UTC(2026, 0, 1));
        expect(ms(String(LATEST_TIME_MS))).toBe(LATEST_TIME_MS);
        expect(ms(String(LATEST_TIME_MS + 1))).toMatch(/is outside 1970-01-01T00:00:00Z to 9999-12-31/);
        // 23 digits: once an empty answer for a time Number() could not even hold.
        expect(ms("12345678901234567890123")).toMatch(/is outside/);
    });

    test("ISO 8601 dates (midnight UTC) and times with their zone", () => {
        expect(ms("2026-02-28")).toBe(Date.UTC(2026, 1, 28));
        expect(ms("2026-02-28T12:30Z")).toBe(Date.UTC(2026, 1, 28, 12, 30));
        expect(ms("2026-02-28T12:30:15Z")).toBe(Date.UTC(2026, 1, 28, 12, 30, 15));
        expect(ms("2026-02-28T12:30:15.123456789Z")).toBe(Date.UTC(2026, 1, 28, 12, 30, 15, 123));
        expect(ms("2026-02-28T13:30:15+01:00")).toBe(Date.UTC(2026, 1, 28, 12, 30, 15));
        expect(ms("2026-02-28T00:30-05:30")).toBe(Date.UTC(2026, 1, 28, 6, 0));
        expect(ms("2024-02-29")).toBe(Date.UTC(2024, 1, 29));
        expect(ms("1970-01-01T00:00:00Z")).toBe(0);
        expect(ms("9999-12-31T23:59:59.999Z")).toBe(LATEST_TIME_MS);
    });

    test("what Date.parse guesses at is refused", () => {
        // Date.parse: 2001-01-01, 2001-05-01, 2 March, 2026-02-01 local time.
        for (const text of ["x 1", "-5", "+5", "1.5", "1e12", " 1767225600000", "2026-02-01 10:00", "2026-02-01T10:00",
            "Feb 1 2026", "2026/02/01", "2026.02.01", "2026-2-1", "2026-02-01T10:00:00z", "2026-02-01t10:00Z",
            "2026-02-01T10:00+0100", "", "now", "2026-W05", "١٢٣"]) {
            expect([text, ms(text)]).toEqual([text, "is neither milliseconds since the epoch nor an ISO 8601 date or time"]);
        }
    });

    test("dates and times that do not exist are refused, not rolled over", () => {
        expect(ms("2026-02-30")).toBe("has no day 30 in 2026-02");
        expect(ms("2025-02-29")).toBe("has no day 29 in 2025-02");
        expect(ms("2100-02-29")).toBe("has no day 29 in 2100-02");
        expect(ms("2026-04-31T00:00Z")).toBe("has no day 31 in 2026-04");
        expect(ms("2026-13-01")).toBe("has no month 13");
        expect(ms("2026-00-10")).toBe("has no month 00");
        expect(ms("2026-01-00")).toBe("has no day 00 in 2026-01");
        expect(ms("2026-01-01T24:00Z")).toMatch(/^has a time of day that does not exist/);
        expect(ms("2026-01-01T23:60Z")).toMatch(/^has a time of day that does not exist/);
        expect(ms("2026-01-01T23:59:60Z")).toMatch(/^has a time of day that does not exist/);
        expect(ms("2026-01-01T10:00+24:00")).toBe("has a zone offset that does not exist (+24:00)");
    });

    test("before 1970 is out of range, also for two-digit years Date.UTC would read as 19xx", () => {
        expect(ms("1969-12-31T23:59:59.999Z")).toMatch(/is outside/);
        expect(ms("0050-01-01")).toMatch(/is outside/);
        expect(ms("1970-01-01T00:30+01:00")).toMatch(/is outside/);
    });
});
