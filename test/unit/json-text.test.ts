// Parse errors of configuration files say what and where (line, column) and never quote the file: the
// policy path may be a symlink to /etc/shadow.
import { describeJsonSyntaxError, findJsonSyntaxError, lineAndColumn, parseJsonText } from "../../src/core/json-text";

const SECRET = "root:$6$Q7marker-s3cr3t$abcdef:19000:0:99999:7:::";

function error(text: string): string {
    const r = parseJsonText(text);
    if (r.ok) throw new Error(`parsed: ${text}`);
    return describeJsonSyntaxError(r.error);
}

describe("parseJsonText", () => {
    test("valid JSON parses as JSON.parse does", () => {
        for (const text of ['{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"]}', " 3 ", '""', "[]", "{}", '{"a":{}}', "[[[]]]"]) {
            expect(parseJsonText(text)).toEqual({ ok: true, value: JSON.parse(text) });
            expect(findJsonSyntaxError(text)).toBeNull();
        }
    });

    test("the error names the problem and its line and column", () => {
        expect(error('{ "retentionDays": 30, oops')).toBe("unexpected character at line 1, column 24");
        expect(error('{\n  "retentionDays": 30,\n  "cleanupHour": 3,\n}\n')).toBe("unexpected character at line 4, column 1");
        expect(error('{"a": 1')).toBe("the text ends before the JSON is complete at line 1, column 8");
        expect(error('{"a": "b')).toBe("a string is not closed on its line at line 1, column 9");
        expect(error('{"a": "b\n"}')).toBe("a string is not closed on its line at line 1, column 9");
        expect(error('{"a": "b\tc"}')).toBe("a control character inside a string at line 1, column 9");
        expect(error('{"a": "\\x"}')).toBe("an invalid escape sequence in a string at line 1, column 8");
        expect(error('{"a": "\\u12g4"}')).toBe("an invalid escape sequence in a string at line 1, column 8");
        expect(error('{"a": 01}')).toBe("an invalid number at line 1, column 7");
        expect(error('{"a": 1.}')).toBe("an invalid number at line 1, column 7");
        expect(error('{"a": -}')).toBe("an invalid number at line 1, column 7");
        expect(error('{"a": 1} {')).toBe("more text after the end of the JSON value at line 1, column 10");
        expect(error("")).toBe("the file is empty at line 1, column 1");
        expect(error(" \n ")).toBe("the file is empty at line 1, column 1");
        expect(error('{"a" 1}')).toBe("unexpected character at line 1, column 6");
        expect(error("[1,]")).toBe("unexpected character at line 1, column 4");
        expect(error("[1 2]")).toBe("unexpected character at line 1, column 4");
        expect(error('{"a": tru}')).toBe("unexpected character at line 1, column 7");
        expect(error("\ufeff{}")).toBe("unexpected character at line 1, column 1");
        expect(error("{'a': 1}")).toBe("unexpected character at line 1, column 2");
    });

    test("columns count characters, not UTF-16 units; CRLF lines", () => {
        expect(error('{"ü😀": 1,\r\n "b" 2}')).toBe("unexpected character at line 2, column 6");
        expect(lineAndColumn("ab\ncd😀e", 8)).toEqual({ line: 2, column: 5 });
    });

    test("a file of secrets yields a message without any of it", () => {
        const text = `${SECRET}\ndaemon:*:19000:0:99999:7:::\n`;
        const message = error(text);
        expect(message).toBe("unexpected character at line 1, column 1");
        for (const part of ["root", "marker", "s3cr3t", "$6$"]) expect(message).not.toContain(part);
        // JSON.parse's own message, which this replaces, quotes the text.
        expect(() => JSON.parse(SECRET)).toThrow(/root:/);
    });

    test("nesting thousands deep is reported, not a stack overflow", () => {
        expect(findJsonSyntaxError("[".repeat(100_000))).toEqual({ problem: "unexpected-end", offset: 100_000 });
        expect(findJsonSyntaxError("[".repeat(50_000) + "]".repeat(50_000))).toBeNull();
    });
});
