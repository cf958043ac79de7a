// A failed helper command's stdout: its error answer, a full answer that reports failures inside it,
// or nothing the page can read.
import { readFailedOutput } from "../../src/core/helper-answer";

test("the error answer of helpers/lib/cli.ts, with and without a code", () => {
    expect(readFailedOutput('{"ok":false,"error":"there is no backup job \\"x\\"","results":[]}\n'))
        .toEqual({ kind: "error", error: "there is no backup job \"x\"", code: null });
    expect(readFailedOutput('{"ok":false,"error":"EACCES: permission denied","code":"EACCES"}'))
        .toEqual({ kind: "error", error: "EACCES: permission denied", code: "EACCES" });
});

test("a full answer that reports failures inside it is the answer", () => {
    const run = { ok: false, results: [{ vm: "web 'ü'", result: "failed", message: "qemu-img convert failed: qemu-img: No space left on device" }] };
    expect(readFailedOutput(JSON.stringify(run))).toEqual({ kind: "answer", answer: run });
    const verify = { ok: false, path: "/backups/web/2026", message: "vda.qcow2: the checksum differs" };
    expect(readFailedOutput(JSON.stringify(verify))).toEqual({ kind: "answer", answer: verify });
    // ok false with an error that is not a string is no error answer of ours.
    expect(readFailedOutput('{"ok":false,"error":{"x":1}}')).toEqual({ kind: "answer", answer: { ok: false, error: { x: 1 } } });
});

test.each([
    [undefined],
    [""],
    ["kvm-manager-backup: error: something"],
    ['{"ok":false,'],
    ["null"],
    ["[1,2]"],
    ['"text"'],
    ["42"],
])("%j is nothing the page can read", stdout => {
    expect(readFailedOutput(stdout)).toEqual({ kind: "none" });
});
