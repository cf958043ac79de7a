// `kvm-manager-config --list KIND --json`, bundled as build.ts bundles it and run as a process over a
// temporary configuration directory: valid documents come with the tag cockpit.file uses, damaged ones
// with their error, and an unknown kind or a missing option is a usage error.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as esbuild from "esbuild";

let work: string;
let command: string;
let configDir: string;

beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "kvmm-config-test-"));
    await esbuild.build({
        entryPoints: [join(__dirname, "..", "..", "helpers", "commands", "kvm-manager-config.ts")],
        bundle: true, platform: "node", target: ["node18"], format: "cjs", outdir: work, logLevel: "warning",
    });
    command = join(work, "kvm-manager-config.js");
});

beforeEach(() => {
    configDir = mkdtempSync(join(tmpdir(), "kvmm-config-dir-"));
});

afterEach(() => rmSync(configDir, { recursive: true, force: true }));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(args: string[]) {
    const result = spawnSync(process.execPath, [command, ...args, "--config-dir", configDir], { encoding: "utf8" });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("lists valid and damaged schedules, leaving the damaged file as it is", () => {
    mkdirSync(join(configDir, "schedules"));
    const valid = { version: 1, vms: ["web $(x) ü"], operation: { type: "start" }, when: { frequency: "daily" }, time: "06:00", enabled: true };
    writeFileSync(join(configDir, "schedules", "morning.json"), JSON.stringify(valid));
    writeFileSync(join(configDir, "schedules", "broken.json"), "{\"version\": 1,\n  \"vms\": [}\n");
    const r = run(["--list", "schedules", "--json"]);
    expect(r.code).toBe(0);
    const answer = JSON.parse(r.stdout) as {
        documents: { name: string; tag: string; value: unknown }[];
        damaged: { name: string; message: string }[];
    };
    expect(answer.documents.map(d => d.name)).toEqual(["morning"]);
    expect(answer.documents[0].value).toEqual(valid);
    expect(answer.documents[0].tag).toMatch(/^1:\d+-\d+\.\d+$/);
    expect(answer.damaged).toEqual([expect.objectContaining({ name: "broken", message: "not valid JSON: unexpected character at line 2, column 11" })]);
    expect(readFileSync(join(configDir, "schedules", "broken.json"), "utf8")).toBe("{\"version\": 1,\n  \"vms\": [}\n");
});

test("a missing directory is an empty listing", () => {
    const r = run(["--list", "schedules", "--json"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ directory: join(configDir, "schedules"), documents: [], damaged: [] });
});

test("an unknown kind and a missing --list are usage errors, answered in JSON too", () => {
    const unknown = run(["--list", "../etc", "--json"]);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toEqual({ ok: false, error: "\"../etc\" is not a kind of document (schedules, templates, backups, alerts)", code: "usage" });
    expect(run(["--json"]).code).toBe(2);
});
