// Parsing a configuration file's JSON text with an error that says where and what, never quoting the
// text. JSON.parse's own messages (Node 20, Chromium) quote the start of the input: a policy file that
// is a symlink to /etc/shadow would print the start of /etc/shadow in a log or on the page. JSON.parse
// still does the parsing; when it fails, a small scanner finds the first offending position itself.

export type JsonSyntaxProblem =
    | "empty"
    | "unexpected-character"
    | "unexpected-end"
    | "unterminated-string"
    | "control-character-in-string"
    | "invalid-escape"
    | "invalid-number"
    | "trailing-content";

export interface JsonSyntaxError {
    problem: JsonSyntaxProblem;
    // 1-based; the column counts characters (code points), as an editor does.
    line: number;
    column: number;
}

export type JsonTextResult = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

const PROBLEM_TEXT: Record<JsonSyntaxProblem, string> = {
    "empty": "the file is empty",
    "unexpected-character": "unexpected character",
    "unexpected-end": "the text ends before the JSON is complete",
    "unterminated-string": "a string is not closed on its line",
    "control-character-in-string": "a control character inside a string",
    "invalid-escape": "an invalid escape sequence in a string",
    "invalid-number": "an invalid number",
    "trailing-content": "more text after the end of the JSON value",
};

export function describeJsonSyntaxError(error: JsonSyntaxError): string {
    return `${PROBLEM_TEXT[error.problem]} at line ${error.line}, column ${error.column}`;
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
    const before = text.slice(0, offset);
    const lineStart = before.lastIndexOf("\n") + 1;
    const line = before.split("\n").length;
    return { line, column: Array.from(before.slice(lineStart)).length + 1 };
}

export function parseJsonText(text: string): JsonTextResult {
    try {
        return { ok: true, value: JSON.parse(text) };
    } catch {
        const found = findJsonSyntaxError(text);
        // JSON.parse and the scanner follow the same grammar (RFC 8259); should they ever disagree,
        // the error is still reported, at the start.
        const at = found ?? { problem: "unexpected-character" as const, offset: 0 };
        return { ok: false, error: { problem: at.problem, ...lineAndColumn(text, at.offset) } };
    }
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;
const NUMBER_CHARS = /^[-+.\deE]+/;

// Iterative, so "[[[[..." thousands deep cannot overflow the stack. null: the text is valid JSON.
export function findJsonSyntaxError(text: string): { problem: JsonSyntaxProblem; offset: number } | null {
    let i = 0;
    const n = text.length;
    const containers: ("array" | "object")[] = [];
    const fail = (problem: JsonSyntaxProblem, offset = i) => ({ problem: offset >= n && problem === "unexpected-character" ? "unexpected-end" as const : problem, offset });
    const skipWhitespace = () => { while (i < n && WHITESPACE.has(text[i])) i++; };

    // Scans a string starting at its opening quote; returns an error or null, leaving i after it.
    const scanString = () => {
        i++;
        while (i < n) {
            const c = text.charCodeAt(i);
            if (c === 0x22) { i++; return null; }
            if (c === 0x0a) return fail("unterminated-string");
            if (c < 0x20) return fail("control-character-in-string");
            if (c === 0x5c) {
                const e = text[i + 1];
                if (e === "u") {
                    if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return fail("invalid-escape");
                    i += 6;
                } else if (e !== undefined && "\"\\/bfnrt".includes(e)) {
                    i += 2;
                } else {
                    return e === undefined ? fail("unterminated-string", n) : fail("invalid-escape");
                }
                continue;
            }
            i++;
        }
        return fail("unterminated-string", n);
    };

    // Expects an object key and its colon; i at the key.
    const scanKey = () => {
        if (text[i] !== "\"") return fail("unexpected-character");
        const bad = scanString();
        if (bad) return bad;
        skipWhitespace();
        if (text[i] !== ":") return fail("unexpected-character");
        i++;
        return null;
    };

    skipWhitespace();
    if (i >= n) return fail("empty", 0);
    let expectValue = true;
    for (;;) {
        skipWhitespace();
        if (expectValue) {
            const c = text[i];
            if (c === "{" || c === "[") {
                i++;
                skipWhitespace();
                if (text[i] === (c === "{" ? "}" : "]")) {
                    i++;
                    expectValue = false;
                    continue;
                }
                containers.push(c === "{" ? "object" : "array");
                if (c === "{") {
                    const bad = scanKey();
                    if (bad) return bad;
                }
                continue;
            }
            if (c === "\"") {
                const bad = scanString();
                if (bad) return bad;
            } else if (c === "-" || (c >= "0" && c <= "9")) {
                const rest = text.slice(i, i + 400);
                const valid = NUMBER.exec(rest)?.[0] ?? "";
                const looks = NUMBER_CHARS.exec(rest)?.[0] ?? "";
                if (valid.length === 0 || looks.length > valid.length) return fail("invalid-number");
                i += valid.length;
            } else {
                const literal = ["true", "false", "null"].find(l => text.startsWith(l, i));
                if (!literal) return fail("unexpected-character");
                i += literal.length;
            }
            expectValue = false;
            continue;
        }
        const top = containers[containers.length - 1];
        if (top === undefined) return i < n ? fail("trailing-content") : null;
        const c = text[i];
        if (c === ",") {
            i++;
            skipWhitespace();
            if (top === "object") {
                const bad = scanKey();
                if (bad) return bad;
            }
            expectValue = true;
        } else if ((c === "]" && top === "array") || (c === "}" && top === "object")) {
            i++;
            containers.pop();
        } else {
            return fail("unexpected-character");
        }
    }
}
