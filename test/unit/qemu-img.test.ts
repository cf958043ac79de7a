// helpers/lib/qemu-img.ts: imageInfo with the host's qemu-img; the runner's exit codes, messages,
// progress and time limit with a stand-in qemu-img first on PATH (it acts on its first argument).
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { imageInfo, progressPercent, QemuImgError, runQemuImg } from "../../helpers/lib/qemu-img";

const STAND_IN = `#!/bin/sh
case "$1" in
check) echo "No errors were found on the image."; exit 3 ;;
fail) printf 'qemu-img: Could not open "/x y": No such file\\n\\nsecond line\\n' >&2; exit 1 ;;
silent) exit 4 ;;
progress) printf '    (0.00/100%%)\\r    (12.50/100%%)\\r'; printf '    (50.00/100%%)\\r'; printf '    (100.00/100%%)\\r'; exit 0 ;;
hang) exec sleep 60 ;;
esac
exec /usr/bin/qemu-img "$@"
`;

let dir: string;
let bin: string;
const originalPath = process.env.PATH;

beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "kvmm qemu-img \"test\" $(id) "));
    bin = join(dir, "bin");
    mkdirSync(bin);
    writeFileSync(join(bin, "qemu-img"), STAND_IN);
    chmodSync(join(bin, "qemu-img"), 0o755);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("with the stand-in", () => {
    beforeEach(() => { process.env.PATH = `${bin}:${originalPath ?? "/usr/bin:/bin"}`; });
    afterEach(() => { process.env.PATH = originalPath; });

    test("an exit code given as ok is no failure; without it, it is", async () => {
        await expect(runQemuImg(["check"], { okCodes: [3] })).resolves.toBe("No errors were found on the image.\n");
        await expect(runQemuImg(["check"])).rejects.toThrow(new QemuImgError("qemu-img check failed: exit status 3"));
    });

    test("a failure says qemu-img's own words on one line; without any, its exit status", async () => {
        await expect(runQemuImg(["fail"])).rejects.toThrow(new QemuImgError("qemu-img fail failed: qemu-img: Could not open \"/x y\": No such file second line"));
        await expect(runQemuImg(["silent"])).rejects.toThrow(new QemuImgError("qemu-img silent failed: exit status 4"));
    });

    test("progress: the percentages as printed, ending at 100", async () => {
        const seen: number[] = [];
        await runQemuImg(["progress"], { onProgress: p => seen.push(p) });
        expect(seen[seen.length - 1]).toBe(100);
        expect(seen.every((p, i) => [0, 12.5, 50, 100].includes(p) && (i === 0 || seen[i - 1] < p))).toBe(true);
    });

    test("past its time limit qemu-img is stopped and the message says so; onSpawn hands over the process", async () => {
        let pid: number | undefined;
        await expect(runQemuImg(["hang"], { timeoutMs: 300, onSpawn: child => { pid = child.pid; } }))
            .rejects.toThrow(new QemuImgError("qemu-img hang failed: stopped after 0.3 s without finishing"));
        expect(typeof pid).toBe("number");
        expect(() => process.kill(pid as number, 0)).toThrow(/ESRCH/);
    });
});

describe("with the host's qemu-img", () => {
    test("imageInfo: format, virtual size and allocation, for a name with quotes, spaces and $()", async () => {
        const path = join(dir, "disk 'ü' $(id).qcow2");
        expect(spawnSync("qemu-img", ["create", "-q", "-f", "qcow2", path, "8M"]).status).toBe(0);
        const actual = (JSON.parse(spawnSync("qemu-img", ["info", "--output=json", path], { encoding: "utf8" }).stdout) as { "actual-size": number })["actual-size"];
        expect(actual).toBeGreaterThan(0);
        await expect(imageInfo(path)).resolves.toEqual({ format: "qcow2", virtualSize: 8 * 1024 * 1024, allocated: actual });
    });

    test("imageInfo of a file that is not there names it", async () => {
        const missing = join(dir, "missing.qcow2");
        await expect(imageInfo(missing)).rejects.toThrow(/^qemu-img info failed: qemu-img: Could not open '.*missing\.qcow2': Could not open '.*missing\.qcow2': No such file or directory$/);
    });
});

test.each([
    ["    (0.00/100%)\r", 0],
    ["    (12.34/100%)\r    (13.00/100%)\r", 13],
    ["(100/100%)", 100],
    ["qemu-img: no progress here", null],
    ["    (12.3", null],
])("progressPercent(%j) is %p", (chunk, percent) => {
    expect(progressPercent(chunk)).toBe(percent);
});
