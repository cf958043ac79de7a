// The helpers' document reader and writer on real temporary directories: damaged files are listed with
// their error and left byte-identical, a FIFO is listed without hanging, symbolic links are neither
// followed nor replaced, a stale tag is a conflict, and names cannot escape the directory.
import { execFileSync } from "node:child_process";
import {
    lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    DocumentConflictError, DocumentRefusedError, fileTag, listDocuments, NO_FILE_TAG, readDocument, writeDocument,
} from "../../helpers/lib/config-documents";
import { describeDocumentError } from "../../src/core/config/documents";
import { SCHEDULE_KIND, type ScheduleDocument } from "../../src/core/schedule/schedule-document";

const DOC: ScheduleDocument = {
    version: 1,
    vms: ["web #1 ü"],
    operation: { type: "start" },
    when: { frequency: "daily" },
    time: "06:00",
    enabled: true,
};

let configDir: string;
let dir: string;

beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), "kvmm-docs-"));
    dir = join(configDir, "schedules");
    mkdirSync(dir);
});

afterEach(() => rmSync(configDir, { recursive: true, force: true }));

function damagedMessages(): Record<string, string> {
    return Object.fromEntries(listDocuments(configDir, SCHEDULE_KIND).damaged.map(d => [d.name, describeDocumentError(d.error)]));
}

test("a missing directory is an empty listing", () => {
    rmSync(dir, { recursive: true });
    expect(listDocuments(configDir, SCHEDULE_KIND)).toEqual({ directory: dir, documents: [], damaged: [] });
});

test("valid documents are listed with cockpit.file's tag, damaged ones with their error, and both are left byte-identical", () => {
    writeFileSync(join(dir, "good one.json"), JSON.stringify(DOC));
    const broken = Buffer.from('{\n  "version": 1,\n  "vms": ["a",]\n}\n');
    writeFileSync(join(dir, "broken.json"), broken);
    const binary = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
    writeFileSync(join(dir, "binary.json"), binary);
    writeFileSync(join(dir, "future.json"), JSON.stringify({ ...DOC, version: 9 }));
    writeFileSync(join(dir, "notes.txt"), "not a document");
    writeFileSync(join(dir, "good one.json.tmp-1-2"), "half written");

    const listing = listDocuments(configDir, SCHEDULE_KIND);
    expect(listing.documents.map(d => [d.name, d.value])).toEqual([["good one", DOC]]);
    const stats = statSync(join(dir, "good one.json"), { bigint: true });
    expect(listing.documents[0].tag).toBe(`1:${stats.ino}-${stats.mtimeNs / 1_000_000_000n}.${stats.mtimeNs % 1_000_000_000n}`);
    expect(damagedMessages()).toEqual({
        binary: "it is not UTF-8 text",
        broken: "not valid JSON: unexpected character at line 3, column 15",
        future: "version 9 is not one this KVM Manager reads (it reads 1 to 1)",
    });
    expect(readFileSync(join(dir, "broken.json")).equals(broken)).toBe(true);
    expect(readFileSync(join(dir, "binary.json")).equals(binary)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(["binary.json", "broken.json", "future.json", "good one.json", "good one.json.tmp-1-2", "notes.txt"]);
});

test("a FIFO is listed as damaged without hanging and is left in place", () => {
    execFileSync("mkfifo", [join(dir, "pipe.json")]);
    // A reader that opened the FIFO blocking would wait here for a writer that never comes.
    expect(damagedMessages()).toEqual({ pipe: "it is a named pipe (FIFO); it was not read" });
    expect(lstatSync(join(dir, "pipe.json")).isFIFO()).toBe(true);
    expect(() => writeDocument(configDir, SCHEDULE_KIND, "pipe", DOC, NO_FILE_TAG)).toThrow(DocumentRefusedError);
    expect(lstatSync(join(dir, "pipe.json")).isFIFO()).toBe(true);
});

test("a symbolic link is not followed, not read and not replaced", () => {
    const secret = join(configDir, "secret");
    writeFileSync(secret, JSON.stringify(DOC));
    symlinkSync(secret, join(dir, "link.json"));
    symlinkSync("/nonexistent/target", join(dir, "dangling.json"));
    mkdirSync(join(dir, "a directory.json"));
    expect(damagedMessages()).toEqual({
        "a directory": "it is a directory; it was not read",
        dangling: "it is a symbolic link, which is not followed; it was not read",
        link: "it is a symbolic link, which is not followed; it was not read",
    });
    expect(() => writeDocument(configDir, SCHEDULE_KIND, "link", { ...DOC, time: "07:00" }, NO_FILE_TAG)).toThrow(/symbolic link.*not replaced/);
    expect(readlinkSync(join(dir, "link.json"))).toBe(secret);
    expect(JSON.parse(readFileSync(secret, "utf8"))).toEqual(DOC);
});

test("a file too large is reported without being read", () => {
    writeFileSync(join(dir, "huge.json"), Buffer.alloc(256 * 1024 + 1, 0x20));
    expect(damagedMessages()).toEqual({ huge: "it is larger than 256 KiB, far too large for this file; it was not read" });
});

test("write: new documents need the no-file tag, changes need the tag read, a stale tag is a conflict", () => {
    const created = writeDocument(configDir, SCHEDULE_KIND, "nightly é #1", DOC, NO_FILE_TAG, { fsync: false });
    const read = readDocument(configDir, SCHEDULE_KIND, "nightly é #1");
    expect(read && "value" in read ? [read.value, read.tag] : read).toEqual([DOC, created]);
    expect(readFileSync(join(dir, "nightly é #1.json"), "utf8")).toBe(JSON.stringify(DOC, null, 2) + "\n");
    expect((statSync(join(dir, "nightly é #1.json")).mode & 0o777).toString(8)).toBe("644");

    // Creating it again is a conflict: the file exists now.
    expect(() => writeDocument(configDir, SCHEDULE_KIND, "nightly é #1", DOC, NO_FILE_TAG)).toThrow(DocumentConflictError);

    // Someone edits it by hand meanwhile (same size, new modification time): our stale tag loses.
    const path = join(dir, "nightly é #1.json");
    const handEdited = readFileSync(path, "utf8").replace("06:00", "05:00");
    writeFileSync(path, handEdited);
    utimesSync(path, new Date("2030-01-01T00:00:00Z"), new Date("2030-01-01T00:00:00Z"));
    expect(() => writeDocument(configDir, SCHEDULE_KIND, "nightly é #1", { ...DOC, time: "08:00" }, created)).toThrow(DocumentConflictError);
    expect(readFileSync(path, "utf8")).toBe(handEdited);

    const fresh = fileTag(statSync(path, { bigint: true }));
    const replaced = writeDocument(configDir, SCHEDULE_KIND, "nightly é #1", { ...DOC, time: "08:00" }, fresh, { fsync: false });
    expect(replaced).not.toBe(fresh);
    expect(JSON.parse(readFileSync(path, "utf8")).time).toBe("08:00");
    expect(readdirSync(dir)).toEqual(["nightly é #1.json"]);
});

test("write: an invalid document is refused and nothing is written", () => {
    expect(() => writeDocument(configDir, SCHEDULE_KIND, "bad", { ...DOC, vms: [] }, NO_FILE_TAG)).toThrow(/vms: /);
    expect(readdirSync(dir)).toEqual([]);
});

test("names that escape the directory are refused for reading and writing", () => {
    writeFileSync(join(configDir, "outside.json"), JSON.stringify(DOC));
    for (const name of ["../outside", "..", ".", "a/b", ".hidden", "", "new\nline"]) {
        expect(() => writeDocument(configDir, SCHEDULE_KIND, name, DOC, NO_FILE_TAG)).toThrow(DocumentRefusedError);
        expect(() => readDocument(configDir, SCHEDULE_KIND, name)).toThrow(DocumentRefusedError);
    }
    expect(readdirSync(dir)).toEqual([]);
    expect(readdirSync(configDir).sort()).toEqual(["outside.json", "schedules"]);
});

test("the directory itself may not be a symbolic link", () => {
    rmSync(dir, { recursive: true });
    const elsewhere = join(configDir, "elsewhere");
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, dir);
    expect(() => listDocuments(configDir, SCHEDULE_KIND)).toThrow(/symbolic link/);
    expect(() => writeDocument(configDir, SCHEDULE_KIND, "x", DOC, NO_FILE_TAG)).toThrow(/symbolic link/);
    expect(readdirSync(elsewhere)).toEqual([]);
});
