// Configuration documents, the pure part, with the schedule kind: names that may and may not be used,
// schema errors by field, versions and migrations, hand-edited JSON with its error's line and column
// (never the file's text), and what a writer stores.
import { z } from "zod";
import {
    describeDocumentError, documentNameOfFile, documentNameProblem, parseDocument, serialiseDocument, validateDocument,
    DocumentInvalidError, type DocumentKind,
} from "../../src/core/config/documents";
import { SCHEDULE_KIND, toSchedule, withActiveSince, type ScheduleDocument } from "../../src/core/schedule/schedule-document";

const VALID: ScheduleDocument = {
    version: 1,
    vms: ["web 1", "db #2 ü", "$(reboot)"],
    operation: { type: "shutdown", timeoutSeconds: 120, then: "force-off" },
    when: { frequency: "weekly", days: [1, 5] },
    time: "22:30",
    enabled: true,
    activeSince: "2026-11-01T10:00:00.000Z",
};

function without<T extends object>(value: T, key: keyof T): Partial<T> {
    const copy = { ...value };
    delete copy[key];
    return copy;
}

function errorOf(text: string): string {
    const r = parseDocument(SCHEDULE_KIND, text);
    if (r.ok) throw new Error("parsed");
    return describeDocumentError(r.error);
}

function issuesOf(doc: unknown): string[] {
    const r = validateDocument(SCHEDULE_KIND, doc);
    if (r.ok) throw new Error("valid");
    if (r.error.problem !== "schema") throw new Error(`not a schema error: ${describeDocumentError(r.error)}`);
    return r.error.issues.map(i => i.path);
}

describe("document names", () => {
    test("unicode, spaces inside, '#', quotes and $() are names", () => {
        for (const name of ["nightly", "Sauvegarde de nuit é", "db #2", "it's \"quoted\"", "$(reboot)", "日本語", "a.b", "a..b", "x".repeat(200)]) {
            expect(documentNameProblem(name)).toBeNull();
            expect(documentNameOfFile(`${name}.json`)).toBe(name);
        }
    });

    test("names that escape the directory, hide the file or carry controls are refused", () => {
        const refused: [string, RegExp][] = [
            ["", /empty/],
            ["../etc/passwd", /"\/"/],
            ["a/b", /"\/"/],
            ["..", /"\.\."/],
            [".", /"\."/],
            [".hidden", /start with "\."/],
            [" lead", /space/],
            ["trail ", /space/],
            ["new\nline", /control/],
            ["nul\u0000", /control/],
            ["esc\u001b[31m", /control/],
            ["c1\u0085", /control/],
            ["rtl\u202egnp.exe", /control/],
            ["x".repeat(201), /200 bytes/],
            ["é".repeat(101), /200 bytes/],
            ["half\ud800", /surrogate/],
        ];
        for (const [name, why] of refused) expect([name, documentNameProblem(name)]).toEqual([name, expect.stringMatching(why)]);
    });

    test("directory entries that are not documents are skipped", () => {
        for (const file of ["a.json.tmp-123-456", ".a.json", "a.json~", "a.JSON", "a", ".json", "../x.json"]) {
            expect([file, documentNameOfFile(file)]).toEqual([file, null]);
        }
    });
});

describe("schedule documents", () => {
    test("a valid schedule reads back as it was written", () => {
        const text = serialiseDocument(SCHEDULE_KIND, VALID);
        expect(text.endsWith("\n")).toBe(true);
        expect(parseDocument(SCHEDULE_KIND, text)).toEqual({ ok: true, value: VALID, migratedFrom: null });
    });

    test("every operation and frequency", () => {
        const operations = [
            { type: "start" }, { type: "reboot" },
            { type: "shutdown", timeoutSeconds: 600, then: "give-up" },
            { type: "snapshot", namePattern: "{vm}-{date}-{time}", keep: 7 },
        ];
        const whens = [
            { frequency: "once", date: "2027-02-28" }, { frequency: "daily" },
            { frequency: "weekly", days: [7] },
            { frequency: "monthly", day: 31, shortMonths: "skip" }, { frequency: "monthly", day: "last", shortMonths: "last-day" },
        ];
        for (const operation of operations) {
            for (const when of whens) {
                const r = validateDocument(SCHEDULE_KIND, { ...VALID, operation, when });
                expect([operation, when, r.ok]).toEqual([operation, when, true]);
            }
        }
    });

    test("a backup schedule names its job and no VMs; the others name at least one VM", () => {
        const backup = { ...VALID, vms: [], operation: { type: "backup", job: "nightly ü #1" } };
        expect(validateDocument(SCHEDULE_KIND, backup).ok).toBe(true);
        const withVms = validateDocument(SCHEDULE_KIND, { ...backup, vms: ["web 1"] });
        expect(withVms.ok ? null : describeDocumentError(withVms.error)).toBe("vms: a backup schedule names no VMs: its backup job does");
        const noVms = validateDocument(SCHEDULE_KIND, { ...VALID, vms: [] });
        expect(noVms.ok ? null : describeDocumentError(noVms.error)).toBe("vms: a schedule needs at least one VM");
        expect(issuesOf({ ...backup, operation: { type: "backup", job: "../jobs/x" } })).toEqual(["operation.job"]);
        expect(issuesOf({ ...backup, operation: { type: "backup" } })).toEqual(["operation.job"]);
    });

    test("without activeSince (written by hand) it is valid", () => {
        expect(validateDocument(SCHEDULE_KIND, without(VALID, "activeSince")).ok).toBe(true);
    });

    test("invalid values are reported by field", () => {
        expect(issuesOf({ ...VALID, vms: ["ok", ""] })).toEqual(["vms.1"]);
        expect(issuesOf({ ...VALID, vms: ["line\nbreak"] })).toEqual(["vms.0"]);
        expect(issuesOf({ ...VALID, vms: ["a/b", " web\t"] })).toEqual(["vms.0"]);
        expect(issuesOf({ ...VALID, time: "24:00" })).toEqual(["time"]);
        expect(issuesOf({ ...VALID, time: "7:30" })).toEqual(["time"]);
        expect(issuesOf({ ...VALID, enabled: "yes" })).toEqual(["enabled"]);
        expect(issuesOf({ ...VALID, operation: { type: "shutdown", timeoutSeconds: 0, then: "force-off" } })).toEqual(["operation.timeoutSeconds"]);
        expect(issuesOf({ ...VALID, operation: { type: "shutdown", timeoutSeconds: 601, then: "force-off" } })).toEqual(["operation.timeoutSeconds"]);
        expect(issuesOf({ ...VALID, operation: { type: "shutdown", timeoutSeconds: 60, then: "pray" } })).toEqual(["operation.then"]);
        expect(issuesOf({ ...VALID, operation: { type: "destroy-everything" } })).toEqual(["operation.type"]);
        expect(issuesOf({ ...VALID, operation: { type: "snapshot", namePattern: "fixed", keep: 3 } })).toEqual(["operation.namePattern"]);
        expect(issuesOf({ ...VALID, operation: { type: "snapshot", namePattern: "{date}-{time}", keep: 0 } })).toEqual(["operation.keep"]);
        expect(issuesOf({ ...VALID, when: { frequency: "weekly", days: [] } })).toEqual(["when.days"]);
        expect(issuesOf({ ...VALID, when: { frequency: "weekly", days: [0] } })).toEqual(["when.days.0"]);
        expect(issuesOf({ ...VALID, when: { frequency: "monthly", day: 32, shortMonths: "skip" } })).toEqual(["when.day"]);
        expect(issuesOf({ ...VALID, activeSince: "yesterday" })).toEqual(["activeSince"]);
        expect(issuesOf({ ...VALID, extra: 1 })).toEqual([""]);
    });

    test("a date that does not exist is refused by the schedule rules", () => {
        const r = validateDocument(SCHEDULE_KIND, { ...VALID, when: { frequency: "once", date: "2027-02-29" } });
        expect(r.ok ? null : describeDocumentError(r.error)).toBe("when: 2027-2-29 is not a date");
    });

    test("a missing, unknown or future version is its own error", () => {
        expect(errorOf(JSON.stringify(without(VALID, "version")))).toBe("it has no version number");
        expect(errorOf(JSON.stringify({ ...VALID, version: 2 }))).toBe("version 2 is not one this KVM Manager reads (it reads 1 to 1)");
        expect(errorOf(JSON.stringify({ ...VALID, version: 0 }))).toBe("version 0 is not one this KVM Manager reads (it reads 1 to 1)");
        expect(errorOf(JSON.stringify({ ...VALID, version: "1" }))).toBe("it has no version number");
        expect(errorOf("[1, 2]")).toBe("not a JSON object");
        expect(errorOf("null")).toBe("not a JSON object");
    });

    test("hand-edited JSON: the error says where, and never quotes the file", () => {
        const secret = "hunter2-s3cr3t";
        expect(errorOf(`{\n  "version": 1,\n  "vms": ["a",]\n}`)).toBe("not valid JSON: unexpected character at line 3, column 15");
        expect(errorOf(`{\n  "version": 1\n  "vms": []\n}`)).toBe("not valid JSON: unexpected character at line 3, column 3");
        expect(errorOf(`{\n  // ${secret}\n}`)).toBe("not valid JSON: unexpected character at line 2, column 3");
        expect(errorOf(`{"version": 1, "time": "${secret}`)).toBe("not valid JSON: a string is not closed on its line at line 1, column 39");
        expect(errorOf("")).toBe("not valid JSON: the file is empty at line 1, column 1");
        expect(errorOf(`{"vms": ["é", ${secret}]}`)).toBe("not valid JSON: unexpected character at line 1, column 15");
        const schema = errorOf(JSON.stringify({ ...VALID, time: secret, vms: [secret, 5] }));
        expect(schema).not.toContain(secret);
        expect(schema).toContain("time: ");
        expect(schema).toContain("vms.1: ");
    });
});

describe("versions and migrations", () => {
    // A kind at version 3 whose version 1 had "vm" (one name) and version 2 "vms" without "note".
    const kind: DocumentKind<{ version: 3; vms: string[]; note: string }> = {
        directory: "examples",
        version: 3,
        schema: z.object({ version: z.literal(3), vms: z.array(z.string()), note: z.string() }).strict(),
        migrations: {
            1: ({ vm, ...rest }) => ({ ...rest, vms: [vm] }),
            2: old => ({ ...old, note: "" }),
        },
    };

    test("an old document is migrated step by step, and says from which version", () => {
        expect(parseDocument(kind, '{"version": 1, "vm": "a"}')).toEqual({ ok: true, value: { version: 3, vms: ["a"], note: "" }, migratedFrom: 1 });
        expect(parseDocument(kind, '{"version": 2, "vms": ["b"]}')).toEqual({ ok: true, value: { version: 3, vms: ["b"], note: "" }, migratedFrom: 2 });
        expect(parseDocument(kind, '{"version": 3, "vms": [], "note": "n"}')).toEqual({ ok: true, value: { version: 3, vms: [], note: "n" }, migratedFrom: null });
    });

    test("a migrated document that is still wrong is a schema error", () => {
        const r = parseDocument(kind, '{"version": 1, "vm": 7}');
        expect(r.ok ? null : r.error).toEqual({ problem: "schema", issues: [{ path: "vms.0", message: expect.stringMatching(/expected string/) }] });
    });

    test("the writer never stores a document that would not read back", () => {
        expect(() => serialiseDocument(SCHEDULE_KIND, { ...VALID, time: "25:00" })).toThrow(DocumentInvalidError);
        expect(() => serialiseDocument(SCHEDULE_KIND, { ...VALID, time: "25:00" })).toThrow(/time: /);
    });
});

describe("schedule timing", () => {
    test("toSchedule gives schedule.ts's rule", () => {
        expect(toSchedule(VALID)).toEqual({ enabled: true, time: { hour: 22, minute: 30 }, frequency: "weekly", days: [1, 5] });
        expect(toSchedule({ ...VALID, when: { frequency: "once", date: "2027-01-09" }, time: "00:05" }))
            .toEqual({ enabled: true, time: { hour: 0, minute: 5 }, frequency: "once", date: { year: 2027, month: 1, day: 9 } });
    });

    test("activeSince moves when the schedule is new, enabled again or changed, and only then", () => {
        const now = Date.parse("2026-11-26T12:00:00Z");
        const stamp = "2026-11-26T12:00:00.000Z";
        expect(withActiveSince(null, without(VALID, "activeSince") as ScheduleDocument, now).activeSince).toBe(stamp);
        expect(withActiveSince(VALID, VALID, now).activeSince).toBe(VALID.activeSince);
        expect(withActiveSince(VALID, { ...VALID, enabled: false }, now).activeSince).toBe(VALID.activeSince);
        expect(withActiveSince({ ...VALID, enabled: false }, VALID, now).activeSince).toBe(stamp);
        expect(withActiveSince(VALID, { ...VALID, time: "22:31" }, now).activeSince).toBe(stamp);
        expect(withActiveSince(VALID, { ...VALID, vms: ["other"] }, now).activeSince).toBe(stamp);
        expect(withActiveSince(VALID, { ...VALID, operation: { type: "start" } }, now).activeSince).toBe(stamp);
    });
});
