// The Settings form's number fields keep what the admin typed: an empty or malformed field is an error on
// that field with Save disabled, never a silent 0; a failed read leaves nothing to save against; and the
// messages about a damaged file are the page's own, translatable ones.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";

const CONFIG_DIR = "/etc/kvm-manager";
const POLICY = `${CONFIG_DIR}/retention.json`;
const BACKUP = `${POLICY}.kvmm-test-form-backup`;
// A policy as the page saves it: run state (the last clean-up) lives in /var/lib, not in the policy.
const SAVED = { enabled: true, retentionDays: 42, cleanupHour: 5 };

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

async function openSettings(): Promise<void> {
    await tab.page.goto(`${cockpit.pageAloneUrl}#/settings`);
    await tab.page.reload();
    await tab.page.locator("#kvm-policy-save").waitFor({ timeout: 30_000 });
}

const days = () => tab.page.locator("#kvm-retention-days input");
const hour = () => tab.page.locator("#kvm-cleanup-hour input");
const saveDisabled = () => tab.page.locator("#kvm-policy-save").isDisabled();
const fieldInError = (id: string) => tab.page.locator(`#${id}-helper .pf-m-error`).count();

beforeAll(async () => {
    mkdirSync(CONFIG_DIR, { recursive: true });
    if (existsSync(BACKUP)) rmSync(BACKUP, { recursive: true, force: true });
    if (existsSync(POLICY)) renameSync(POLICY, BACKUP);
    session = await startPageSession();
    ({ cockpit, tab } = session);
});

afterAll(async () => {
    await session?.close();
    rmSync(POLICY, { recursive: true, force: true });
    if (existsSync(BACKUP)) renameSync(BACKUP, POLICY);
});

test("an empty or malformed number is an error on its field, shown as typed, and cannot be saved", async () => {
    writeFileSync(POLICY, JSON.stringify(SAVED));
    await openSettings();
    const before = readFileSync(POLICY, "utf8");

    for (const [field, id, text] of [[days, "kvm-retention-days", ""], [hour, "kvm-cleanup-hour", "abc"],
        [days, "kvm-retention-days", "-1"], [days, "kvm-retention-days", "1e2"], [hour, "kvm-cleanup-hour", "4.5"],
        [days, "kvm-retention-days", " "]] as const) {
        await field().fill(text);
        await field().blur();
        expect({ text, shown: await field().inputValue() }).toEqual({ text, shown: text });
        expect({ text, disabled: await saveDisabled() }).toEqual({ text, disabled: true });
        expect({ text, errors: await fieldInError(id) }).toEqual({ text, errors: 1 });
        expect(await field().getAttribute("aria-invalid")).toBe("true");
        // Put the field right again before the next case.
        await field().fill(field === days ? "42" : "5");
    }
    await days().fill("");
    // The error fades in (a PF animation): let it finish so the screenshot shows it.
    await tab.page.locator("#kvm-retention-days-helper").evaluate(el => Promise.all(el.getAnimations({ subtree: true }).map(a => a.finished)));
    await screenshot(tab.page, "settings-form-empty-days");

    // Typed after clearing, "30" is 30 (not "030"), and Save writes 30.
    await days().pressSequentially("30");
    expect(await days().inputValue()).toBe("30");
    expect(await saveDisabled()).toBe(false);
    expect(readFileSync(POLICY, "utf8")).toBe(before);
    await tab.page.locator("#kvm-policy-save").click();
    await tab.page.locator("#kvm-policy-saved").waitFor();
    expect(JSON.parse(readFileSync(POLICY, "utf8"))).toEqual({ ...SAVED, retentionDays: 30 });
});

test("the step buttons start from the range's end on a bad value and wrap the hour", async () => {
    writeFileSync(POLICY, JSON.stringify({ ...SAVED, cleanupHour: 23 }));
    await openSettings();
    await tab.page.getByRole("button", { name: "Clean-up hour (host time): one more" }).click();
    expect(await hour().inputValue()).toBe("0");
    await days().fill("abc");
    await tab.page.getByRole("button", { name: "Keep metrics for: one more" }).click();
    expect(await days().inputValue()).toBe("1");
});

test("after a failed read, Save waits for a successful one instead of writing against the old read", async () => {
    writeFileSync(POLICY, JSON.stringify(SAVED));
    await openSettings();
    expect(await days().inputValue()).toBe("42");
    rmSync(POLICY);
    mkdirSync(POLICY);
    await tab.page.getByRole("button", { name: "Reload" }).click();
    await tab.page.locator("#kvm-policy-read-error").waitFor();
    expect(await saveDisabled()).toBe(true);
    await screenshot(tab.page, "settings-form-read-error");

    rmSync(POLICY, { recursive: true });
    writeFileSync(POLICY, JSON.stringify({ ...SAVED, retentionDays: 50 }));
    await tab.page.getByRole("button", { name: "Reload" }).click();
    await tab.page.waitForFunction(() => (document.querySelector("#kvm-retention-days input") as HTMLInputElement | null)?.value === "50");
    expect(await tab.page.locator("#kvm-policy-read-error").count()).toBe(0);
    expect(await saveDisabled()).toBe(false);
    await hour().fill("7");
    await tab.page.locator("#kvm-policy-save").click();
    await tab.page.locator("#kvm-policy-saved").waitFor();
    expect(JSON.parse(readFileSync(POLICY, "utf8"))).toEqual({ ...SAVED, retentionDays: 50, cleanupHour: 7 });
});

test("a damaged file's problems are reported in the page's own, translatable words", async () => {
    writeFileSync(POLICY, JSON.stringify({ enabled: "yes", retentionDays: 900, cleanupHour: 30, colour: "red" }));
    await openSettings();
    // A stand-in translation, loaded the way po.js loads one: whatever the page shows must go through it.
    await tab.page.evaluate(() => (window as unknown as { cockpit: { locale(po: object): void } }).cockpit.locale({
        "A whole number of days from $0 to $1.": [null, "TR whole days $0-$1"],
        "A whole hour from 0 to 23.": [null, "TR hour 0-23"],
        "On or off.": [null, "TR on/off"],
    }));
    await tab.page.getByRole("button", { name: "Reload" }).click();
    const alert = tab.page.locator("#kvm-policy-invalid");
    await tab.page.waitForFunction(() => document.querySelector("#kvm-policy-invalid")?.textContent?.includes("TR whole days 1-365"));
    const text = await alert.innerText();
    expect(text).toContain("TR hour 0-23");
    expect(text).toContain("TR on/off");
    // core's English messages (for logs and the command line) are not on the page.
    expect(text).not.toContain("Retention must be");
    expect(text).not.toContain("must be true or false");
    expect(text).not.toContain("Unknown setting");
    expect(tab.errors).toEqual([]);
});
