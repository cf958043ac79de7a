// The Settings page edits /etc/kvm-manager/retention.json: validation before saving, an atomic write,
// a damaged file reported and kept until the admin replaces it on purpose, and "Clean up now".
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";

const CONFIG_DIR = "/etc/kvm-manager";
const POLICY = `${CONFIG_DIR}/retention.json`;
const BACKUP = `${POLICY}.kvmm-test-backup`;
// The clean-up's run state (kvm-manager-retention's, shown by Settings through --status).
const STATE = "/var/lib/kvm-manager/retention-state.json";
const STATE_BACKUP = `${STATE}.kvmm-test-backup`;

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

async function openSettings(): Promise<void> {
    await tab.page.goto(`${cockpit.pageAloneUrl}#/settings`);
    await tab.page.reload();
    await tab.page.locator("#kvm-policy-save").waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
    mkdirSync(CONFIG_DIR, { recursive: true });
    if (existsSync(POLICY)) renameSync(POLICY, BACKUP);
    if (existsSync(STATE)) renameSync(STATE, STATE_BACKUP);
    session = await startPageSession();
    ({ cockpit, tab } = session);
});

afterAll(async () => {
    await session?.close();
    rmSync(POLICY, { force: true });
    if (existsSync(BACKUP)) renameSync(BACKUP, POLICY);
    rmSync(STATE, { force: true });
    if (existsSync(STATE_BACKUP)) renameSync(STATE_BACKUP, STATE);
});

test("no file yet: defaults shown; out-of-range values cannot be saved; a valid policy is written", async () => {
    rmSync(POLICY, { force: true });
    await openSettings();
    const { page } = tab;
    expect(await page.locator("#kvm-settings").innerText()).toContain("No policy saved yet");

    const days = page.locator("#kvm-retention-days input");
    await days.fill("0");
    expect(await page.locator("#kvm-policy-save").isDisabled()).toBe(true);
    await days.fill("400");
    expect(await page.locator("#kvm-policy-save").isDisabled()).toBe(true);
    await days.fill("30");
    await page.locator("#kvm-cleanup-hour input").fill("4");
    await page.locator("#kvm-policy-save").click();
    await page.locator("#kvm-policy-saved").waitFor();
    expect(JSON.parse(readFileSync(POLICY, "utf8"))).toEqual({ enabled: true, retentionDays: 30, cleanupHour: 4 });
    await screenshot(page, "settings");
});

test("a hand-edited, damaged file is reported and left untouched until replaced on purpose", async () => {
    const damaged = "{ \"retentionDays\": 30, oops";
    writeFileSync(POLICY, damaged);
    await openSettings();
    const { page } = tab;
    await page.locator("#kvm-policy-invalid").waitFor();
    expect(await page.locator("#kvm-policy-invalid").innerText()).toContain("not valid JSON");
    expect(readFileSync(POLICY, "utf8")).toBe(damaged);
    await screenshot(page, "settings-damaged");
    await page.getByRole("button", { name: "Replace the damaged file" }).click();
    await page.locator("#kvm-policy-saved").waitFor();
    expect(JSON.parse(readFileSync(POLICY, "utf8")).retentionDays).toBe(365);
});

test("a value out of range written by hand is reported per field", async () => {
    writeFileSync(POLICY, JSON.stringify({ enabled: true, retentionDays: 900, cleanupHour: 3, lastCleanup: null }));
    await openSettings();
    const text = await tab.page.locator("#kvm-policy-invalid").innerText();
    expect(text).toContain("1 to 365");
});

test("a change on disk shows without reload while nothing is being edited", async () => {
    await openSettings();
    writeFileSync(POLICY, JSON.stringify({ enabled: true, retentionDays: 42, cleanupHour: 5, lastCleanup: null }));
    await tab.page.waitForFunction(() => (document.querySelector("#kvm-retention-days input") as HTMLInputElement | null)?.value === "42");
});

test("Clean up now reports what was removed and records when, in the state file, leaving the policy file as it is", async () => {
    const policyText = JSON.stringify({ enabled: false, retentionDays: 30, cleanupHour: 3 });
    writeFileSync(POLICY, policyText);
    rmSync(STATE, { force: true });
    await openSettings();
    const { page } = tab;
    expect(await page.locator("#kvm-last-cleanup").innerText()).toBe("Never");
    await page.locator("#kvm-cleanup-now").click();
    await page.locator("#kvm-cleanup-result").waitFor({ timeout: 60_000 });
    expect(await page.locator("#kvm-cleanup-result").innerText()).toMatch(/Clean-up finished[\s\S]*Removed \d+ samples/);
    await page.waitForFunction(() => document.querySelector("#kvm-last-cleanup")?.textContent !== "Never");
    expect(readFileSync(POLICY, "utf8")).toBe(policyText);
    const { lastCleanup } = JSON.parse(readFileSync(STATE, "utf8")) as { lastCleanup: string };
    expect(await page.locator("#kvm-last-cleanup").innerText()).toBe(new Date(lastCleanup).toLocaleString("en-US"));
    expect(tab.errors).toEqual([]);
});
