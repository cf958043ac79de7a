// The retention policy: validation as the Settings page and the helper share it, when the daily
// clean-up is due, what it removes, and the clean-up itself on a real history in a temporary directory.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fleetVmName } from "../support/synthetic-fleet";
import { PolicyInvalidError, readLastCleanup, runRetention } from "../../helpers/lib/retention-runner";
import {
    DEFAULT_RETENTION_POLICY, isCleanupDue, isRowExpired, lastScheduledCleanup, retentionCutoffMs, retentionPolicyDocument,
    selectExpiredSegments, selectSegmentsToPrune, validateRetentionPolicy, validateRetentionState, type RetentionPolicy, type SegmentRef,
} from "../../src/core/metrics/retention";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "../../src/core/metrics/tiers";
import { simulateTicks, tempStore } from "./metrics-helpers";

describe("validateRetentionPolicy", () => {
    test("a full policy is accepted as it is; missing fields take their defaults", () => {
        const full = { enabled: false, retentionDays: 30, cleanupHour: 23, lastCleanup: "2025-01-31T03:00:00.000Z" };
        expect(validateRetentionPolicy(full)).toEqual({ ok: true, value: full });
        expect(validateRetentionPolicy({ retentionDays: 7 })).toEqual({ ok: true, value: { ...DEFAULT_RETENTION_POLICY, retentionDays: 7 } });
        expect(validateRetentionPolicy({})).toEqual({ ok: true, value: DEFAULT_RETENTION_POLICY });
    });

    test("bounds: 1 to 365 days, hours 0 to 23, whole numbers only", () => {
        for (const retentionDays of [1, 365]) expect(validateRetentionPolicy({ retentionDays }).ok).toBe(true);
        for (const retentionDays of [0, 366, 1.5, "30", null, -1]) {
            const r = validateRetentionPolicy({ retentionDays });
            expect(r.ok).toBe(false);
            if (!r.ok) expect(r.errors).toEqual([{ field: "retentionDays", message: "Retention must be a whole number of days from 1 to 365." }]);
        }
        for (const cleanupHour of [0, 23]) expect(validateRetentionPolicy({ cleanupHour }).ok).toBe(true);
        for (const cleanupHour of [24, -1, 3.5, "3"]) expect(validateRetentionPolicy({ cleanupHour }).ok).toBe(false);
    });

    test("one message per problem, tied to its field; unknown keys and non-objects are refused", () => {
        const r = validateRetentionPolicy({ enabled: "yes", retentiondays: 30 });
        expect(r.ok).toBe(false);
        if (r.ok) return;
        expect(r.errors.map(e => e.field)).toEqual([null, "enabled"]);
        expect(r.errors[0].message).toBe('Unknown setting "retentiondays": did you mean "retentionDays"?');
        for (const bad of [null, [], "policy", 3]) expect(validateRetentionPolicy(bad).ok).toBe(false);
    });

    test("an unknown key that is no near miss is counted, not quoted: the file may be anything", () => {
        const secret = "s3cr3t-Marker-7f1d";
        const one = validateRetentionPolicy({ [secret]: "x", retentionDays: 30 });
        expect(one).toEqual({ ok: false, errors: [{ field: null, message: "The file has a setting that is not one of enabled, retentionDays, cleanupHour." }] });
        const two = validateRetentionPolicy({ [secret]: 1, root: secret });
        expect(two).toEqual({ ok: false, errors: [{ field: null, message: "The file has 2 settings that are not among enabled, retentionDays, cleanupHour." }] });
        expect(validateRetentionPolicy({ enabld: true }))
            .toEqual({ ok: false, errors: [{ field: null, message: 'Unknown setting "enabld": did you mean "enabled"?' }] });
    });

    test("a legacy lastCleanup key is tolerated: kept when it is a time (to move it), ignored otherwise", () => {
        expect(validateRetentionPolicy({ lastCleanup: "yesterday" })).toEqual({ ok: true, value: DEFAULT_RETENTION_POLICY });
        expect(validateRetentionPolicy({ lastCleanup: 5 })).toEqual({ ok: true, value: DEFAULT_RETENTION_POLICY });
        expect(retentionPolicyDocument({ ...DEFAULT_RETENTION_POLICY, lastCleanup: "2025-01-31T03:00:00.000Z" }))
            .toEqual({ enabled: true, retentionDays: 365, cleanupHour: 3 });
    });

    test("the state file holds an ISO time or null", () => {
        expect(validateRetentionState({ lastCleanup: "2025-01-31T03:00:00.000Z" })).toEqual({ ok: true, value: { lastCleanup: "2025-01-31T03:00:00.000Z" } });
        expect(validateRetentionState({})).toEqual({ ok: true, value: { lastCleanup: null } });
        expect(validateRetentionState({ lastCleanup: "2025-02-30" }).ok).toBe(false);
        expect(validateRetentionState([]).ok).toBe(false);
    });
});

describe("isCleanupDue", () => {
    // Local time: the policy's hour is the host's wall-clock hour.
    const at = (day: number, hour: number, minute = 0) => new Date(2025, 0, day, hour, minute);
    const policy = (p: Partial<RetentionPolicy>): RetentionPolicy => ({ ...DEFAULT_RETENTION_POLICY, cleanupHour: 3, ...p });

    test("due once the hour has come and no clean-up ran since", () => {
        const last = at(10, 3, 5).toISOString();
        expect(isCleanupDue(policy({}), last, at(11, 2, 59))).toBe(false);
        expect(isCleanupDue(policy({}), last, at(11, 3, 0))).toBe(true);
        expect(isCleanupDue(policy({}), at(11, 3, 1).toISOString(), at(11, 4))).toBe(false);
    });

    test("a host that was off at that hour catches up at its next run", () => {
        expect(isCleanupDue(policy({}), at(8, 3).toISOString(), at(11, 1))).toBe(true);
    });

    test("never ran: due; disabled: never due", () => {
        expect(isCleanupDue(policy({}), null, at(11, 1))).toBe(true);
        expect(isCleanupDue(policy({ enabled: false }), null, at(11, 4))).toBe(false);
    });

    test("the last scheduled slot is today's hour, or yesterday's before it", () => {
        expect(lastScheduledCleanup(policy({}), at(11, 2))).toEqual(at(10, 3));
        expect(lastScheduledCleanup(policy({}), at(11, 3))).toEqual(at(11, 3));
    });
});

describe("what a clean-up removes", () => {
    const now = Date.UTC(2025, 5, 15, 12);
    const seg = (tier: SegmentRef["tier"], startMs: number, endMs: number): SegmentRef => ({ tier, startMs, endMs });

    test("whole files older than the cutoff go, files straddling it are trimmed, newer ones stay", () => {
        const cutoff = retentionCutoffMs({ retentionDays: 7 }, now);
        expect(cutoff).toBe(now - 7 * DAY_MS);
        const old = seg("30m", cutoff - 2 * DAY_MS, cutoff - DAY_MS);
        const edge = seg("30m", cutoff - DAY_MS, cutoff);
        const straddling = seg("6h", Date.UTC(2025, 5, 1), Date.UTC(2025, 6, 1));
        const fresh = seg("1m", now - HOUR_MS, now);
        expect(selectSegmentsToPrune([old, edge, straddling, fresh], cutoff)).toEqual({ remove: [old, edge], trim: [straddling] });
    });

    test("a row goes when its whole bucket is older than the cutoff", () => {
        const cutoff = Date.UTC(2025, 5, 10);
        expect(isRowExpired("6h", cutoff - 6 * HOUR_MS, cutoff)).toBe(true);
        expect(isRowExpired("6h", cutoff - 6 * HOUR_MS + 1000, cutoff)).toBe(false);
        expect(isRowExpired("raw", cutoff - 30_000, cutoff)).toBe(true);
    });

    test("each tier's own length applies whatever the policy", () => {
        const expired = selectExpiredSegments([
            seg("raw", now - 7 * HOUR_MS, now - 6 * HOUR_MS), seg("raw", now - 6 * HOUR_MS, now - 5 * HOUR_MS),
            seg("1m", now - 25 * HOUR_MS, now - 24 * HOUR_MS), seg("30m", now - 40 * DAY_MS, now - 39 * DAY_MS),
            seg("6h", Date.UTC(2024, 4, 1), Date.UTC(2024, 5, 1)), seg("6h", Date.UTC(2024, 5, 1), Date.UTC(2024, 6, 1)),
        ], now);
        expect(expired.map(s => `${s.tier}@${new Date(s.startMs).toISOString()}`)).toEqual([
            `raw@${new Date(now - 7 * HOUR_MS).toISOString()}`, `1m@${new Date(now - 25 * HOUR_MS).toISOString()}`,
            `30m@${new Date(now - 40 * DAY_MS).toISOString()}`, "6h@2024-05-01T00:00:00.000Z",
        ]);
    });
});

describe("runRetention on a real history", () => {
    // Two days and a bit: 30m files for two closed days and today, a 6h file, 1m files for the last day.
    const START = Date.UTC(2025, 3, 1, 0, 0);
    const END = START + 2 * DAY_MS + 2 * HOUR_MS + MINUTE_MS;
    const VM = fleetVmName(0);

    // Simulated once, copied for each test (timestamps kept: the fold steps compare them).
    let template: ReturnType<typeof tempStore>;
    beforeAll(async () => {
        template = tempStore();
        await simulateTicks(template, START, END, 2);
    });
    afterAll(() => template.cleanup());

    async function history() {
        const t = tempStore();
        cpSync(template.dir, t.dir, { recursive: true, preserveTimestamps: true });
        const configDir = join(t.dir, "..", "etc");
        mkdirSync(configDir);
        const stateDir = join(t.dir, "..");
        return { ...t, configDir, stateDir, policyPath: join(configDir, "retention.json"), statePath: join(stateDir, "retention-state.json") };
    }

    test("--now with a 1-day policy removes and trims what is older, reports it, records the time", async () => {
        const h = await history();
        try {
            const policyText = JSON.stringify({ enabled: false, retentionDays: 1, cleanupHour: 4 });
            writeFileSync(h.policyPath, policyText);
            const now = new Date(END);
            const dry = await runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: true, dryRun: true, now });
            const filesBefore = h.store.listSegments().map(s => s.name);
            expect(dry.ran).toBe(true);
            expect(dry.report?.totals.rows).toBeGreaterThan(0);
            expect(h.store.listSegments().map(s => s.name)).toEqual(filesBefore);
            expect(existsSync(h.statePath)).toBe(false);

            const outcome = await runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: true, dryRun: false, now });
            expect(outcome.report?.totals).toEqual(dry.report?.totals);
            const report = outcome.report;
            if (!report) throw new Error("no report");
            expect(report.files.find(f => f.name === "30m-2025-04-01.sqlite")).toMatchObject({ action: "deleted", rows: 96 });
            expect(report.files.find(f => f.name === "6h-2025-04.sqlite")).toMatchObject({ action: "trimmed" });
            expect(report.totals.bytesFreed).toBeGreaterThan(0);
            expect(outcome.reason).toMatch(/^removed \d+ samples older than 1 days \(2025-04-02T02:01:00\.000Z\): \d+ files deleted, \d+ trimmed, \d+ bytes freed$/);
            // Nothing older than a day is left in any tier ...
            const cutoff = END - DAY_MS;
            for (const tier of ["1m", "30m", "6h"] as const) {
                const rows = (await h.store.readVmRows(VM, tier, START - DAY_MS, END)).rows;
                expect(rows.length).toBeGreaterThan(0);
                for (const r of rows) expect(isRowExpired(tier, r.tsMs, cutoff)).toBe(false);
            }
            // ... the policy file is left byte for byte, and the time of this clean-up is in the state file,
            // readable by root only.
            expect(readFileSync(h.policyPath, "utf8")).toBe(policyText);
            expect(JSON.parse(readFileSync(h.statePath, "utf8"))).toEqual({ lastCleanup: now.toISOString() });
            expect(statSync(h.statePath).mode & 0o777).toBe(0o600);
            expect(outcome.lastCleanup).toBe(now.toISOString());
            // A second run finds nothing more to do.
            const again = await runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: true, dryRun: false, now });
            expect(again.report?.totals).toEqual({ files: 0, rows: 0, bytesFreed: 0 });
        } finally {
            h.cleanup();
        }
    });

    test("the timer's run does nothing until the hour has come, nor when disabled", async () => {
        const h = await history();
        try {
            const now = new Date(2025, 3, 3, 2, 30);
            writeFileSync(h.statePath, JSON.stringify({ lastCleanup: new Date(2025, 3, 2, 3).toISOString() }));
            writeFileSync(h.policyPath, JSON.stringify({ retentionDays: 1, cleanupHour: 3 }));
            const early = await runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: false, dryRun: false, now });
            expect(early).toMatchObject({ ran: false, report: null });
            expect(early.reason).toMatch(/^not due/);
            writeFileSync(h.policyPath, JSON.stringify({ enabled: false, retentionDays: 1 }));
            const off = await runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: false, dryRun: false, now });
            expect(off).toMatchObject({ ran: false, reason: "clean-up is disabled in the retention policy" });
        } finally {
            h.cleanup();
        }
    });

    test("no policy file: defaults apply, no policy file is created, the time goes to the state file", async () => {
        const h = await history();
        try {
            const outcome = await runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: false, dryRun: false, now: new Date(END) });
            expect(outcome).toMatchObject({ ran: true, policySource: "defaults" });
            expect(outcome.report?.totals.rows).toBe(0);
            expect(existsSync(h.policyPath)).toBe(false);
            expect(JSON.parse(readFileSync(h.statePath, "utf8"))).toEqual({ lastCleanup: new Date(END).toISOString() });
        } finally {
            h.cleanup();
        }
    });

    test("a lastCleanup an older release wrote into the policy moves to the state file; the policy stays as it is", async () => {
        const h = await history();
        try {
            const legacy = new Date(2025, 3, 3, 3, 10).toISOString();
            const policyText = `{\n  "retentionDays": 1,\n    "cleanupHour": 3,  "lastCleanup": "${legacy}"\n}\n`;
            writeFileSync(h.policyPath, policyText);
            const notDue = await runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: false, dryRun: false, now: new Date(2025, 3, 3, 5) });
            expect(notDue).toMatchObject({ ran: false, lastCleanup: legacy });
            expect(JSON.parse(readFileSync(h.statePath, "utf8"))).toEqual({ lastCleanup: legacy });
            expect(h.lines).toContain(`test: moved the last clean-up time from ${h.policyPath} to ${h.statePath}`);
            // From now on the state file counts; the stale key in the policy is ignored.
            const later = new Date(2025, 3, 4, 4);
            const ran = await runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: false, dryRun: false, now: later });
            expect(ran).toMatchObject({ ran: true, lastCleanup: later.toISOString() });
            const again = await runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: false, dryRun: false, now: new Date(2025, 3, 4, 5) });
            expect(again).toMatchObject({ ran: false, lastCleanup: later.toISOString() });
            expect(readFileSync(h.policyPath, "utf8")).toBe(policyText);
        } finally {
            h.cleanup();
        }
    });

    test("a damaged state file is reported and replaced by the next clean-up; a symlink there is not followed", async () => {
        const h = await history();
        try {
            writeFileSync(h.statePath, "{ garbage");
            const now = new Date(END);
            const outcome = await runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: false, dryRun: false, now });
            expect(outcome.ran).toBe(true);
            expect(h.lines.some(l => l.includes(`${h.statePath} is not valid JSON: unexpected character at line 1, column 3.`))).toBe(true);
            expect(JSON.parse(readFileSync(h.statePath, "utf8"))).toEqual({ lastCleanup: now.toISOString() });
            const elsewhere = join(h.stateDir, "elsewhere.json");
            writeFileSync(elsewhere, JSON.stringify({ lastCleanup: "2025-01-01T00:00:00.000Z" }));
            rmSync(h.statePath);
            symlinkSync(elsewhere, h.statePath);
            expect(readLastCleanup(h.stateDir, null, h.log)).toEqual({ lastCleanup: null, source: "none" });
            expect(h.lines.some(l => l.includes(`${h.statePath} is a symbolic link, which is not followed here`))).toBe(true);
        } finally {
            h.cleanup();
        }
    });

    test("an invalid policy file is reported and left exactly as it is; nothing is removed", async () => {
        const h = await history();
        try {
            const text = '{"retentionDays": 0, "cleanupHour": 3}\n';
            writeFileSync(h.policyPath, text);
            const before = h.store.listSegments().map(s => s.name);
            await expect(runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: true, dryRun: false }))
                .rejects.toThrow(PolicyInvalidError);
            await expect(runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: true, dryRun: false }))
                .rejects.toThrow(/retention\.json is not valid: Retention must be a whole number of days from 1 to 365\. It was left as it is; no clean-up was done\./);
            expect(readFileSync(h.policyPath, "utf8")).toBe(text);
            expect(h.store.listSegments().map(s => s.name)).toEqual(before);
            writeFileSync(h.policyPath, "{ not json");
            await expect(runRetention({ store: h.store, configDir: h.configDir, stateDir: h.stateDir, log: h.log, force: true, dryRun: false }))
                .rejects.toThrow(/retention\.json is not valid JSON: unexpected character at line 1, column 3\./);
            expect(readFileSync(h.policyPath, "utf8")).toBe("{ not json");
            expect(existsSync(h.statePath)).toBe(false);
        } finally {
            h.cleanup();
        }
    });
});
