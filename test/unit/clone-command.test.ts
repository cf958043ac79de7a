// `kvm-manager-clone`, bundled as build.ts bundles it and run as a process on images in a temporary
// directory, with the host's qemu-img: full and linked copies, nothing left behind on failure, an
// existing file never overwritten, bad arguments refused before anything is written, and a clone
// stopped mid-copy (SIGTERM, or kill -9) leaves no qemu-img running.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";
import { waitFor } from "../support/wait";

let work: string;
let command: string;
let dir: string;
let original: string;

beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kvmm-clone-test-"));
    await esbuild.build({
        entryPoints: [join(__dirname, "..", "..", "helpers", "commands", "kvm-manager-clone.ts")],
        bundle: true, platform: "node", target: ["node18"], format: "cjs", outdir: work, logLevel: "warning",
    });
    command = join(work, "kvm-manager-clone.js");
});

beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "kvmm clone \"dir\" $(id) "));
    original = join(dir, "orig 'ü'.qcow2");
    expect(spawnSync("qemu-img", ["create", "-q", "-f", "qcow2", original, "8M"]).status).toBe(0);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]) {
    const result = spawnSync(process.execPath, [command, ...args, "--json"], { encoding: "utf8" });
    return { status: result.status, answer: JSON.parse(result.stdout) as Record<string, unknown> };
}

function info(path: string): Record<string, unknown> {
    return JSON.parse(spawnSync("qemu-img", ["info", "--output=json", path], { encoding: "utf8" }).stdout) as Record<string, unknown>;
}

const copies = (...list: { from: string; to: string; format?: string }[]) =>
    ["--copies", JSON.stringify(list.map(c => ({ format: "qcow2", ...c })))];

test("a full copy is a standalone image of the same format; a linked copy is an overlay on the original", () => {
    const full = join(dir, "full.qcow2");
    const linked = join(dir, "linked.qcow2");
    expect(run(copies({ from: original, to: full }))).toEqual({
        status: 0, answer: { ok: true, mode: "full", disks: [{ from: original, to: full, format: "qcow2" }], nvram: null },
    });
    expect(info(full)).toMatchObject({ format: "qcow2", "virtual-size": 8 * 1024 * 1024 });
    expect(info(full)["backing-filename"]).toBeUndefined();
    expect(run([...copies({ from: original, to: linked }), "--mode", "linked"]).status).toBe(0);
    expect(info(linked)).toMatchObject({ format: "qcow2", "backing-filename": original, "backing-filename-format": "qcow2" });
});

test("a failing copy removes every file made so far, the ones already copied too", () => {
    const first = join(dir, "first.qcow2");
    const second = join(dir, "second.qcow2");
    const before = readdirSync(dir).sort();
    const { status, answer } = run(copies({ from: original, to: first }, { from: join(dir, "missing.qcow2"), to: second }));
    expect(status).toBe(1);
    expect(answer.ok).toBe(false);
    expect(String(answer.error)).toContain("missing.qcow2");
    expect(readdirSync(dir).sort()).toEqual(before);
});

test("an existing target is never overwritten", () => {
    const taken = join(dir, "taken.qcow2");
    writeFileSync(taken, "someone's data");
    const { status, answer } = run(copies({ from: original, to: taken }));
    expect(status).toBe(1);
    expect(answer).toMatchObject({ ok: false, code: "EEXIST" });
    expect(String(answer.error)).toContain("already exists");
    expect(readFileSync(taken, "utf8")).toBe("someone's data");
});

test.each([
    [["--copies", "[]"], "--copies: the list"],
    [["--copies", "{"], "--copies is not JSON"],
    [copies({ from: "relative.qcow2", to: "/x/y.qcow2" }), "--copies: 0.from must be an absolute path"],
    [copies({ from: "/a.qcow2", to: "/b.qcow2", format: "qcow2; rm" }), "--copies: 0.format must be an image format"],
    [copies({ from: "/a.qcow2", to: "/b.qcow2" }, { from: "/c.qcow2", to: "/b.qcow2" }), "two copies have the same target"],
    [[...copies({ from: "/a.qcow2", to: "/b.qcow2" }), "--mode", "thin"], "--mode must be full or linked"],
    [[], "give --copies JSON, --nvram JSON or both"],
    [["--nvram", JSON.stringify({ from: "/a_VARS.fd", to: "/a_VARS.fd", format: "raw" })], "a target is also a source"],
    [["--nvram", JSON.stringify({ from: "/a_VARS.fd", to: "b_VARS.fd", format: "raw" })], "--nvram: to must be an absolute path"],
])("usage errors are refused before anything is written: %j", (args, message) => {
    const { status, answer } = run(args);
    expect(status).toBe(2);
    expect(answer).toMatchObject({ ok: false, code: "usage" });
    expect(String(answer.error)).toContain(message);
});

test("--nvram: a full copy of the variables file, also with linked disks; a file that was never made is not copied", () => {
    const vars = join(dir, "vm 'ü'_VARS.fd");
    writeFileSync(vars, Buffer.alloc(64 * 1024, 7));
    const disk = join(dir, "clone.qcow2");
    const nvram = { from: vars, to: join(dir, "clone 'ü'_VARS.fd"), format: "raw" };
    const { status, answer } = run([...copies({ from: original, to: disk, format: "qcow2" }), "--mode", "linked", "--nvram", JSON.stringify(nvram)]);
    expect([status, answer.nvram]).toEqual([0, nvram]);
    expect(readFileSync(nvram.to).equals(readFileSync(vars))).toBe(true);
    expect(info(disk)["backing-filename"]).toBe(original);

    const never = { from: join(dir, "never started_VARS.fd"), to: join(dir, "its clone_VARS.fd"), format: "raw" };
    expect(run(["--nvram", JSON.stringify(never)])).toEqual({ status: 0, answer: { ok: true, mode: "full", disks: [], nvram: null } });
    expect(existsSync(never.to)).toBe(false);
});

test("--nvram onto an existing file: refused, and the disk copies made before it are removed", () => {
    const vars = join(dir, "vm_VARS.fd");
    const taken = join(dir, "taken_VARS.fd");
    writeFileSync(vars, "variables");
    writeFileSync(taken, "someone's variables");
    const disk = join(dir, "clone.qcow2");
    const { status, answer } = run([...copies({ from: original, to: disk, format: "qcow2" }), "--nvram", JSON.stringify({ from: vars, to: taken, format: "raw" })]);
    expect(status).toBe(1);
    expect(answer).toMatchObject({ ok: false, code: "EEXIST" });
    expect(existsSync(disk)).toBe(false);
    expect(readFileSync(taken, "utf8")).toBe("someone's variables");
});

// A qemu-img that never ends (a copy of a large image), first on PATH: it writes its PID down first.
function hangingQemuImg(): { env: NodeJS.ProcessEnv; pidFile: string } {
    const bin = join(dir, "bin");
    mkdirSync(bin);
    const pidFile = join(dir, "qemu-img.pid");
    writeFileSync(join(bin, "qemu-img"), `#!/bin/sh\necho $$ > "$PID_FILE"\nexec sleep 600\n`);
    chmodSync(join(bin, "qemu-img"), 0o755);
    return { env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`, PID_FILE: pidFile }, pidFile };
}

// Gone, or a zombie waiting for whoever adopted it: either way it no longer writes.
function isRunning(pid: number): boolean {
    try {
        return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
        return false;
    }
}

test.each([["SIGTERM"], ["SIGKILL"]] as const)("%s mid-copy: qemu-img does not go on running", async signal => {
    const { env, pidFile } = hangingQemuImg();
    const target = join(dir, "copy.qcow2");
    const clone = spawn(process.execPath, [command, ...copies({ from: original, to: target }), "--json"], { env, stdio: "ignore" });
    const exited = new Promise<number | null>(resolve => clone.on("exit", code => resolve(code)));
    const pid = await waitFor(() => Number(readFileSync(pidFile, "utf8")) || null, { message: "qemu-img to start" });
    expect(isRunning(pid)).toBe(true);
    clone.kill(signal);
    const code = await exited;
    await waitFor(() => !isRunning(pid), { timeoutMs: 5000, message: `qemu-img (${pid}) to end` });
    // SIGTERM is caught: the reserved target is removed. kill -9 leaves the empty reservation behind.
    if (signal === "SIGTERM") {
        expect(code).toBe(143);
        expect(existsSync(target)).toBe(false);
    }
});
