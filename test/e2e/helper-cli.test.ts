// The helper commands' command lines and answers, bundled from this tree as build.ts bundles them:
// strict --end times, no silent defaults for empty values, a JSON error object for every failure with
// --json (a state directory that is a file, a file that is a directory, a full disk), and a quiet end
// when the reader of stdout goes away. A small tmpfs stands in for the full disk, so this runs as root.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { runToExit, type ProgramRun } from "../support/exec";

const COMMANDS = ["kvm-manager-collect", "kvm-manager-history", "kvm-manager-retention"] as const;
type Command = typeof COMMANDS[number];

let work: string;
let bin: string;
let stateDir: string;
let configDir: string;

function helperEnv(): NodeJS.ProcessEnv {
    return { ...process.env, KVM_MANAGER_STATE_DIR: stateDir, KVM_MANAGER_CONFIG_DIR: configDir, KVM_MANAGER_DEBUG: "" };
}

function runHelper(name: Command, args: string[]): Promise<ProgramRun> {
    return runToExit(process.execPath, [join(bin, `${name}.js`), ...args], { cwd: work, env: helperEnv(), timeoutMs: 60_000 });
}

beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kvmm-helper-cli-"));
    bin = join(work, "bin");
    stateDir = join(work, "state");
    configDir = join(work, "etc");
    mkdirSync(stateDir);
    mkdirSync(configDir);
    await esbuild.build({
        entryPoints: COMMANDS.map(n => join(__dirname, "..", "..", "helpers", "commands", `${n}.ts`)),
        bundle: true, platform: "node", target: ["node18"], format: "cjs", outdir: bin, logLevel: "warning",
    });
    copyFileSync(join(__dirname, "..", "..", "node_modules", "sql.js", "dist", "sql-wasm.wasm"), join(bin, "sql-wasm.wasm"));
});

afterAll(() => {
    rmSync(work, { recursive: true, force: true });
});

describe("kvm-manager-history --end", () => {
    test("only epoch milliseconds in range and strict ISO 8601: anything else exits 2 with the accepted forms", async () => {
        // What Date.parse made of them: 2001-01-01, 2001-05-01, 2026-03-02, and an empty answer.
        const cases: [string, string][] = [
            ["x 1", "is neither milliseconds since the epoch nor an ISO 8601 date or time"],
            ["-5", "is neither milliseconds since the epoch nor an ISO 8601 date or time"],
            ["2026-02-30", "has no day 30 in 2026-02"],
            ["12345678901234567890123", "is outside 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z"],
        ];
        for (const [end, problem] of cases) {
            const run = await runHelper("kvm-manager-history", ["--vm=a", "--range", "1h", `--end=${end}`, "--json"]);
            expect({ end, code: run.code }).toEqual({ end, code: 2 });
            const answer = JSON.parse(run.stdout) as { ok: boolean; code: string; error: string };
            expect(answer).toMatchObject({ ok: false, code: "usage" });
            expect(answer.error).toBe(`--end ${JSON.stringify(end)} ${problem}. Accepted: milliseconds since the epoch (e.g. 1767225600000), ` +
                "an ISO 8601 date (2026-01-01, midnight UTC) or an ISO 8601 time with its zone (2026-01-01T12:00:00Z, 2026-01-01T13:00+01:00).");
            expect(run.stderr).toContain(`kvm-manager-history: --end ${JSON.stringify(end)} ${problem}.`);
        }
    });

    test("a valid end is the end of the window answered", async () => {
        for (const end of ["2026-02-01T12:00:00Z", "2026-02-01T13:00+01:00", String(Date.UTC(2026, 1, 1, 12))]) {
            const run = await runHelper("kvm-manager-history", ["--vm=a", "--range", "1h", "--end", end, "--json"]);
            expect(run.code).toBe(0);
            const answer = JSON.parse(run.stdout) as { endMs: number; stepMs: number };
            expect(answer.endMs - answer.stepMs).toBeLessThanOrEqual(Date.UTC(2026, 1, 1, 12));
            expect(answer.endMs).toBeGreaterThanOrEqual(Date.UTC(2026, 1, 1, 12));
        }
    });
});

describe("every helper's command line", () => {
    test("an empty value is an error, not the default", async () => {
        const cases: [Command, string[], string][] = [
            ["kvm-manager-history", ["--vm=a", "--state-dir", ""], "--state-dir must not be empty"],
            ["kvm-manager-history", ["--vm=", "--range", "1h"], "--vm must not be empty"],
            ["kvm-manager-history", ["--vm=a", "--range", ""], "--range must not be empty"],
            ["kvm-manager-collect", ["--uri", ""], "--uri must not be empty"],
            ["kvm-manager-collect", ["--state-dir="], "--state-dir must not be empty"],
            ["kvm-manager-retention", ["--config-dir", ""], "--config-dir must not be empty"],
            ["kvm-manager-retention", ["--state-dir", "", "--status"], "--state-dir must not be empty"],
        ];
        for (const [command, args, message] of cases) {
            const run = await runHelper(command, [...args, "--json"]);
            expect({ command, args, code: run.code, answer: JSON.parse(run.stdout) })
                .toEqual({ command, args, code: 2, answer: { ok: false, code: "usage", error: message } });
        }
    });

    test("an option given twice, an unknown option, a URI without a scheme and clashing modes are refused", async () => {
        const cases: [Command, string[], string][] = [
            ["kvm-manager-history", ["--vm=a", "--vm=b"], "--vm was given more than once"],
            ["kvm-manager-collect", ["--uri", "qemu:///system", "--uri=test:///default"], "--uri was given more than once"],
            ["kvm-manager-collect", ["--uri", "system"], "--uri must be a libvirt connection URI such as qemu:///system or qemu+ssh://host/system"],
            ["kvm-manager-retention", ["--now", "--status"], "--now, --dry-run and --status exclude each other"],
            ["kvm-manager-retention", ["--bogus"], "Unknown option '--bogus'"],
        ];
        for (const [command, args, message] of cases) {
            const run = await runHelper(command, [...args, "--json"]);
            expect(run.code).toBe(2);
            const answer = JSON.parse(run.stdout) as { ok: boolean; code: string; error: string };
            expect({ command, args, ok: answer.ok, code: answer.code }).toEqual({ command, args, ok: false, code: "usage" });
            expect(answer.error.startsWith(message)).toBe(true);
        }
    });
});

describe("with --json every failure is a JSON error object", () => {
    test("a state directory that is a file (refused as unsafe) and a journal that is a directory (EISDIR)", async () => {
        const file = join(work, "not-a-dir");
        writeFileSync(file, "");
        const notDir = await runHelper("kvm-manager-history", ["--vm=a", "--state-dir", file, "--json"]);
        expect(notDir.code).toBe(1);
        expect(JSON.parse(notDir.stdout)).toEqual({
            ok: false, code: "unsafe-state-dir", error: `refusing to use ${file}: it is not a directory (move it away)`,
        });
        expect(notDir.stderr).toBe(`kvm-manager-history: error: refusing to use ${file}: it is not a directory (move it away)\n`);

        const odd = join(work, "odd-state");
        mkdirSync(join(odd, "metrics", "journal.ndjson"), { recursive: true });
        for (const command of ["kvm-manager-history", "kvm-manager-collect"] as const) {
            const run = await runHelper(command, ["--vm=a", "--uri=test:///default", "--state-dir", odd, "--json"]
                .filter(a => command === "kvm-manager-history" ? !a.startsWith("--uri") : !a.startsWith("--vm")));
            expect({ command, code: run.code }).toEqual({ command, code: 1 });
            expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, code: "EISDIR" });
        }
    });

    test("a policy path that is a directory is reported, not read", async () => {
        const dir = join(work, "etc-with-dir");
        mkdirSync(join(dir, "retention.json"), { recursive: true });
        const run = await runHelper("kvm-manager-retention", ["--now", "--config-dir", dir, "--json"]);
        expect(run.code).toBe(1);
        expect(JSON.parse(run.stdout)).toEqual({
            ok: false, code: "invalid-policy",
            error: `${dir}/retention.json is a directory, not a regular file; it was not read. It was left as it is; no clean-up was done.`,
        });
    });

    test("a full disk (ENOSPC) while collecting and while recording a clean-up", async () => {
        const full = join(work, "full");
        mkdirSync(full);
        // mode=0700: the helpers refuse a state directory others can write (a tmpfs root is 1777 by default).
        execFileSync("mount", ["-t", "tmpfs", "-o", "size=64k,mode=0700", "tmpfs", full]);
        try {
            // Fill it: dd stops at ENOSPC, which is its non-zero exit here.
            try {
                execFileSync("dd", ["if=/dev/zero", `of=${join(full, "filler")}`, "bs=4k"], { stdio: "ignore" });
            } catch { /* the disk is full now */ }
            const collect = await runHelper("kvm-manager-collect", ["--uri", "test:///default", "--state-dir", full, "--json"]);
            expect(collect.code).toBe(1);
            expect(JSON.parse(collect.stdout)).toMatchObject({ ok: false, code: "ENOSPC" });
            expect(collect.stderr).toMatch(/^kvm-manager-collect: error: ENOSPC: no space left on device[^\n]*\n$/);
            const cleanup = await runHelper("kvm-manager-retention", ["--now", "--state-dir", full, "--json"]);
            expect(cleanup.code).toBe(1);
            expect(JSON.parse(cleanup.stdout)).toMatchObject({ ok: false, code: "ENOSPC" });
        } finally {
            execFileSync("umount", [full]);
        }
    });
});

test("a reader that stops early (| head) ends the command quietly: no stack trace, SIGPIPE's exit status", () => {
    // A real pipe, as a shell makes it (node's own stdio pipes are sockets with larger buffers). A year
    // of 6-hour buckets (about 120 KB) is more than a pipe holds, so the writer meets the closed pipe.
    // The arguments reach bash as "$@", never as part of the script.
    const script = '"$0" "$@" | head -c 10 >/dev/null; echo "${PIPESTATUS[0]}"';
    const result = spawnSync("bash", ["-c", script, process.execPath, join(bin, "kvm-manager-history.js"), "--vm=a", "--range", "1y", "--json"],
        { env: helperEnv(), encoding: "utf8", timeout: 60_000 });
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("141\n");
});
