// /etc/kvm-manager/retention.json as something other than a policy: a FIFO (a blocking read of it once
// hung the Cockpit bridge, and with it the VM list, and hung kvm-manager-retention), a symlink to a
// file of secrets (the parse error once quoted its start), a symlinked policy (the clean-up once
// rewrote it, replacing the symlink). The page and the installed helpers, on the real stack.
import { execFileSync, spawn } from "node:child_process";
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";
import { defineTinyVm, removeVm } from "../support/virsh";
import { vmRow } from "../support/pages/vm-list";

const CONFIG_DIR = "/etc/kvm-manager";
const POLICY = `${CONFIG_DIR}/retention.json`;
const BACKUP = `${POLICY}.kvmm-hostile-test-backup`;
const VM = "kvmm-test-hostile-config";
// Looks like a password hash line; must never show in the page, in --json or on stderr.
const MARKER = "Zq9-s3cr3t-marker-4711";
const SHADOW_LIKE = `root:$6$${MARKER}$Ab0:19700:0:99999:7:::\ndaemon:*:19700:0:99999:7:::\n`;

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;
let work: string;

interface Run {
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

// The installed helper, as the page and the timer run it. A run that would block forever is killed
// after 20 s, so the test reports it instead of hanging.
function retention(args: string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn("/usr/local/bin/kvm-manager-retention", args, { stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => { stdout += c.toString(); });
        child.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
    });
}

async function openSettings(): Promise<void> {
    await tab.page.goto(`${cockpit.pageAloneUrl}#/settings`);
    await tab.page.reload();
    await tab.page.locator("#kvm-settings").waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
    mkdirSync(CONFIG_DIR, { recursive: true });
    if (lstatExists(POLICY)) renameSync(POLICY, BACKUP);
    work = mkdtempSync(join(tmpdir(), "kvmm-hostile-config-"));
    await removeVm(VM);
    await defineTinyVm({ name: VM });
    session = await startPageSession();
    ({ cockpit, tab } = session);
});

afterAll(async () => {
    await session?.close();
    await removeVm(VM);
    rmSync(POLICY, { force: true });
    if (lstatExists(BACKUP)) renameSync(BACKUP, POLICY);
    rmSync(work, { recursive: true, force: true });
});

function lstatExists(path: string): boolean {
    try {
        lstatSync(path);
        return true;
    } catch {
        return false;
    }
}

function fifoAtPolicyPath(): void {
    rmSync(POLICY, { force: true });
    // node:fs has no mkfifo.
    execFileSync("mkfifo", [POLICY]);
}

test("a FIFO at the policy path: Settings names the problem, the VM list still loads in the same session", async () => {
    fifoAtPolicyPath();
    await openSettings();
    const { page } = tab;
    const alert = page.getByText(`${POLICY} is a named pipe (FIFO), not a regular file`);
    await alert.waitFor({ timeout: 30_000 });
    await screenshot(page, "settings-policy-fifo");
    // Same document, same bridge: a hash change, no reload.
    await page.evaluate(() => { window.location.hash = "#/"; });
    await vmRow(page, VM).waitFor({ timeout: 30_000 });
    expect(lstatSync(POLICY).isFIFO()).toBe(true);
});

test("a FIFO at the policy path: kvm-manager-retention refuses at once, for the timer, --now and --status", async () => {
    fifoAtPolicyPath();
    for (const args of [["--json"], ["--now", "--json"]]) {
        const run = await retention(args);
        expect({ args, code: run.code, signal: run.signal }).toEqual({ args, code: 1, signal: null });
        expect(JSON.parse(run.stdout)).toEqual({
            ok: false, code: "invalid-policy",
            error: `${POLICY} is a named pipe (FIFO), not a regular file; it was not read. It was left as it is; no clean-up was done.`,
        });
        expect(run.stderr).toContain(`kvm-manager-retention: error: ${POLICY} is a named pipe (FIFO), not a regular file`);
    }
    const status = await retention(["--status", "--json"]);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).policyProblem).toBe(`${POLICY} is a named pipe (FIFO), not a regular file; it was not read.`);
    expect(lstatSync(POLICY).isFIFO()).toBe(true);
});

test("a symlink to a file of secrets: the page, --json and stderr say where the JSON breaks, never what the file says", async () => {
    const secret = join(work, "shadow-like");
    writeFileSync(secret, SHADOW_LIKE, { mode: 0o600 });
    rmSync(POLICY, { force: true });
    symlinkSync(secret, POLICY);
    await openSettings();
    const { page } = tab;
    await page.locator("#kvm-policy-invalid").waitFor({ timeout: 30_000 });
    const shown = await page.locator("#kvm-settings").innerText();
    expect(shown).toContain(`${POLICY} is not valid JSON: unexpected character at line 1, column 1`);
    expect(await page.content()).not.toContain(MARKER);
    expect(shown).not.toContain("root:");
    await screenshot(page, "settings-policy-secret-symlink");

    for (const args of [["--now", "--json"], ["--json"], ["--dry-run", "--json"], ["--status", "--json"]]) {
        const run = await retention(args);
        expect(`${run.stdout}${run.stderr}`).not.toContain(MARKER);
        expect(`${run.stdout}${run.stderr}`).not.toContain("root:");
        expect(run.stdout).toContain(`${POLICY} is not valid JSON: unexpected character at line 1, column 1.`);
    }
    // A JSON file of secrets: the unknown keys are counted, not quoted.
    writeFileSync(secret, JSON.stringify({ retentionDays: 30, [MARKER]: MARKER, password: MARKER }));
    const run = await retention(["--now", "--json"]);
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).not.toContain(MARKER);
    expect(JSON.parse(run.stdout).error).toBe(`${POLICY} is not valid: The file has 2 settings that are not among enabled, retentionDays, cleanupHour. ` +
        "It was left as it is; no clean-up was done.");
    await openSettings();
    await page.locator("#kvm-policy-invalid").waitFor({ timeout: 30_000 });
    // "Clean up now" shows the helper's own JSON error: no program prefix, no usage text, no secrets.
    await page.locator("#kvm-cleanup-now").click();
    await page.locator("#kvm-cleanup-result").waitFor({ timeout: 60_000 });
    const result = await page.locator("#kvm-cleanup-result").innerText();
    // (PatternFly puts "Danger alert:" for screen readers before the title.)
    expect(result.split("\n").slice(-2)).toEqual(["Clean-up failed", JSON.parse(run.stdout).error]);
    expect(await page.content()).not.toContain(MARKER);
    expect(readFileSync(secret, "utf8")).toContain(MARKER);
    expect(readlinkSync(POLICY)).toBe(secret);
});

test("clean-up leaves a symlinked policy byte for byte and a symlink; the time is in the state file and --status", async () => {
    const target = join(work, "policy-elsewhere.json");
    // Hand formatting and a lastCleanup an older release wrote: both stay as they are.
    const text = '{ "retentionDays": 300,\n\t"cleanupHour":4 ,"lastCleanup": "2026-01-02T03:04:05.000Z"}\n';
    writeFileSync(target, text);
    rmSync(POLICY, { force: true });
    symlinkSync(target, POLICY);
    const run = await retention(["--now", "--json"]);
    expect(run.code).toBe(0);
    const outcome = JSON.parse(run.stdout) as { ok: boolean; ran: boolean; lastCleanup: string; policy: unknown };
    expect(outcome).toMatchObject({ ok: true, ran: true, policy: { enabled: true, retentionDays: 300, cleanupHour: 4 } });
    expect(lstatSync(POLICY).isSymbolicLink()).toBe(true);
    expect(readlinkSync(POLICY)).toBe(target);
    expect(readFileSync(target, "utf8")).toBe(text);
    const status = await retention(["--status", "--json"]);
    expect(JSON.parse(status.stdout)).toEqual({ ok: true, lastCleanup: outcome.lastCleanup, policyProblem: null });
    const stateFile = "/var/lib/kvm-manager/retention-state.json";
    expect(JSON.parse(readFileSync(stateFile, "utf8"))).toEqual({ lastCleanup: outcome.lastCleanup });
    expect(lstatSync(stateFile).mode & 0o777).toBe(0o600);
});
