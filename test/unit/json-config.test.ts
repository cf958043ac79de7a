// How the helpers read the policy and their state file: whatever is at the path (a FIFO, a directory, a
// device, a huge or binary file, a symlink), the read never blocks and the message never quotes it.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONFIG_MAX_BYTES, readConfigText, readJsonConfig } from "../../helpers/lib/json-config";
import { validateRetentionPolicy } from "../../src/core/metrics/retention";

const SECRET = "root:$6$unit-marker-s3cr3t$x:19000:0:99999:7:::\n";

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "kvmm-json-config-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("readConfigText", () => {
    test("a regular file is read; a missing one is missing", () => {
        writeFileSync(join(dir, "a.json"), "{}\n");
        expect(readConfigText(join(dir, "a.json"))).toEqual({ kind: "text", text: "{}\n" });
        expect(readConfigText(join(dir, "none.json"))).toEqual({ kind: "missing" });
    });

    test("a FIFO with no writer is refused at once instead of waiting for one", () => {
        const fifo = join(dir, "fifo.json");
        execFileSync("mkfifo", [fifo]);
        expect(readConfigText(fifo)).toEqual({ kind: "unusable", message: `${fifo} is a named pipe (FIFO), not a regular file; it was not read.` });
    });

    test("directories and devices are refused; /dev/zero through a symlink is never read", () => {
        mkdirSync(join(dir, "d.json"));
        expect(readConfigText(join(dir, "d.json"))).toEqual({ kind: "unusable", message: `${join(dir, "d.json")} is a directory, not a regular file; it was not read.` });
        symlinkSync("/dev/zero", join(dir, "zero.json"));
        expect(readConfigText(join(dir, "zero.json"))).toEqual({ kind: "unusable", message: `${join(dir, "zero.json")} is a character device, not a regular file; it was not read.` });
    });

    test("too large, or not UTF-8: refused without quoting", () => {
        writeFileSync(join(dir, "big.json"), " ".repeat(CONFIG_MAX_BYTES + 1));
        expect(readConfigText(join(dir, "big.json"))).toEqual({ kind: "unusable", message: `${join(dir, "big.json")} is larger than 64 KiB, far too large for this file; it was not read.` });
        writeFileSync(join(dir, "bin.json"), Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
        expect(readConfigText(join(dir, "bin.json"))).toEqual({ kind: "unusable", message: `${join(dir, "bin.json")} is not UTF-8 text; it was not read.` });
    });

    test("a symlink is followed for the policy, refused for state; a loop is reported", () => {
        writeFileSync(join(dir, "target.json"), "{}");
        symlinkSync(join(dir, "target.json"), join(dir, "link.json"));
        expect(readConfigText(join(dir, "link.json"))).toEqual({ kind: "text", text: "{}" });
        expect(readConfigText(join(dir, "link.json"), { followSymlinks: false }))
            .toEqual({ kind: "unusable", message: `${join(dir, "link.json")} is a symbolic link, which is not followed here; it was not read.` });
        symlinkSync(join(dir, "loop.json"), join(dir, "loop.json"));
        expect(readConfigText(join(dir, "loop.json"))).toEqual({ kind: "unusable", message: `${join(dir, "loop.json")} is a loop of symbolic links; it was not read.` });
    });
});

describe("readJsonConfig", () => {
    test("a file of secrets behind the policy path: where the JSON breaks, never what it says", () => {
        writeFileSync(join(dir, "shadow"), SECRET);
        symlinkSync(join(dir, "shadow"), join(dir, "retention.json"));
        const read = readJsonConfig(join(dir, "retention.json"), validateRetentionPolicy);
        expect(read).toEqual({ kind: "invalid", errors: [], message: `${join(dir, "retention.json")} is not valid JSON: unexpected character at line 1, column 1.` });
        expect(JSON.stringify(read)).not.toContain("marker");
    });

    test("wrong types and extra keys: one message each, no values quoted", () => {
        writeFileSync(join(dir, "retention.json"), JSON.stringify({ retentionDays: "unit-marker", cleanupHour: 3, extra: "unit-marker" }));
        const read = readJsonConfig(join(dir, "retention.json"), validateRetentionPolicy);
        expect(read.kind).toBe("invalid");
        if (read.kind !== "invalid") return;
        expect(read.message).toBe(`${join(dir, "retention.json")} is not valid: The file has a setting that is not one of enabled, retentionDays, cleanupHour. ` +
            "Retention must be a whole number of days from 1 to 365.");
    });
});
