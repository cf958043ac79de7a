// The Backups page on the real stack: a job from /etc/kvm-manager/backups with its last run; "Back up
// now" makes a verified backup that the list shows; protect keeps it from deletion; verify says so;
// restore as a new VM through the dialog defines it; the VM list refuses to shut down a VM whose backup
// runs, with that reason; a backup job is created, edited and deleted on the page, and a change made to
// its file elsewhere while the form is open is refused and kept. No serious axe violations, light and
// dark; screenshots of both, and of the job form.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lockVm } from "../../helpers/lib/backup/vm-lock";
import { assertNoSeriousAxeViolations } from "../support/axe";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { run } from "../support/exec";
import { openList, runRowAction, vmRow } from "../support/pages/vm-list";
import { startPageSession, type PageSession } from "../support/session";
import { defineTinyVm, removeVm, TEST_PREFIX, uuidOf, virshOn } from "../support/virsh";

const JOBS_DIR = "/etc/kvm-manager/backups";
// The job's run history (/var/lib/kvm-manager/backup/runs.ndjson) outlives a run of this file: a name
// of this run's own starts with no last run.
const JOB = `kvmm-test nightly ü ${process.pid}`;
const JOB_FILE = join(JOBS_DIR, `${JOB}.json`);
const WEB = `${TEST_PREFIX}bkpage web "1"`;
const DB = `${TEST_PREFIX}bkpage db`;
const COPY = `${TEST_PREFIX}bkpage web copy`;
const ALL = [WEB, DB, COPY];
const NEW_JOB = "kvmm-test weekly «ü» $(x) #?%";
const NEW_JOB_FILE = join(JOBS_DIR, `${NEW_JOB}.json`);

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;
let work: string;

async function openBackups(): Promise<void> {
    await tab.page.goto(`${cockpit.pageAloneUrl}#/backups`);
    await tab.page.reload();
    await tab.page.locator("#kvm-backup-jobs").waitFor({ timeout: 30_000 });
}

async function setTheme(dark: boolean): Promise<void> {
    await tab.page.evaluate(isDark => isDark ? localStorage.setItem("shell:style", "dark") : localStorage.removeItem("shell:style"), dark);
}

const backupRows = () => tab.page.locator("#kvm-backup-list tbody tr");
const newJobRow = () => tab.page.locator("#kvm-backup-jobs tbody tr", { hasText: "kvmm-test weekly" });
const jobForm = () => tab.page.locator("#kvm-backup-job-form");
const readNewJob = (): unknown => JSON.parse(readFileSync(NEW_JOB_FILE, "utf8"));

function css(text: string): string {
    return text.replace(/["\\]/g, c => `\\${c}`);
}

async function jobAction(action: "Edit" | "Delete"): Promise<void> {
    await newJobRow().locator(".kvm-backup-job-menu").click();
    await tab.page.getByRole("menuitem", { name: action }).click();
}

async function pickVm(vm: string): Promise<void> {
    const box = jobForm().locator(`.kvm-vm-picker-list input[data-vm-name="${css(vm)}"]`);
    await box.waitFor({ timeout: 30_000 });
    await box.check();
}

beforeAll(async () => {
    await Promise.all(ALL.map(name => removeVm(name)));
    work = mkdtempSync("/var/tmp/kvmm-bkpage-");
    chmodSync(work, 0o711);
    mkdirSync(join(work, "target"), { mode: 0o711 });
    mkdirSync(join(work, "restored"));
    const web = await defineTinyVm({ name: WEB, disks: 1 });
    await run("qemu-io", ["-f", "qcow2", "-c", "write -P 0x33 0 2M", web.disks[0]]);
    await defineTinyVm({ name: DB, disks: 1, start: true });
    mkdirSync(JOBS_DIR, { recursive: true });
    writeFileSync(JOB_FILE, JSON.stringify({
        version: 1, vms: [WEB, DB], target: join(work, "target"), compression: false, prune: { "keep-last": 3, "keep-daily": 7 }, enabled: true,
    }));
    session = await startPageSession({ bypassCSP: true });
    ({ cockpit, tab } = session);
    await tab.page.setViewportSize({ width: 1280, height: 800 });
}, 120_000);

afterAll(async () => {
    await session?.close();
    await Promise.all(ALL.map(name => removeVm(name)));
    rmSync(JOB_FILE, { force: true });
    rmSync(NEW_JOB_FILE, { force: true });
    if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

test("Back up now makes verified backups of both VMs, listed with the job's last run", async () => {
    await openBackups();
    const job = tab.page.locator("#kvm-backup-jobs tbody tr", { hasText: "kvmm-test nightly" });
    await job.waitFor();
    expect(await job.innerText()).toContain("Never");
    expect(await job.innerText()).toContain("keep-last=3, keep-daily=7");
    await assertNoSeriousAxeViolations(tab.page, "backups page, no backups yet");
    await job.getByRole("button", { name: /Back up now/ }).click();
    await tab.page.locator("#kvm-backups-notice", { hasText: "finished" }).waitFor({ timeout: 120_000 });
    await tab.page.waitForFunction(() => document.querySelectorAll("#kvm-backup-list tbody tr").length === 2);
    const texts = await backupRows().allInnerTexts();
    expect(texts.every(t => t.includes("Verified"))).toBe(true);
    expect(texts.some(t => t.includes(WEB))).toBe(true);
    expect(texts.some(t => t.includes(DB) && t.includes("Running VM"))).toBe(true);
    expect(await job.innerText()).toContain("Succeeded");
    expect(await tab.page.locator(".kvm-backup-targets").innerText()).toMatch(/used by backups, .* free/);
});

test("protect keeps a backup from deletion; verify reports the result", async () => {
    const row = backupRows().filter({ hasText: WEB });
    await row.getByRole("button", { name: /^Protect the backup/ }).click();
    await row.locator(".pf-v6-c-label", { hasText: "Protected" }).waitFor();
    expect(await row.getByRole("button", { name: /^Delete the backup/ }).isDisabled()).toBe(true);
    await row.getByRole("button", { name: /^Verify the backup/ }).click();
    await tab.page.locator("#kvm-backups-notice", { hasText: "The backup verified" }).waitFor({ timeout: 60_000 });
    await row.getByRole("button", { name: /^Unprotect the backup/ }).click();
    await row.getByRole("button", { name: /^Delete the backup/ }).and(tab.page.locator(":enabled")).waitFor();
});

test("restore as a new VM through the dialog", async () => {
    const row = backupRows().filter({ hasText: WEB });
    await row.getByRole("button", { name: /^Restore the backup/ }).click();
    const dialog = tab.page.locator("#kvm-restore-dialog");
    await dialog.waitFor();
    await assertNoSeriousAxeViolations(tab.page, "restore dialog");
    await dialog.locator("#kvm-restore-name").fill(COPY);
    await dialog.locator("#kvm-restore-directory").fill(join(work, "restored"));
    await screenshot(tab.page, "backups-restore-dialog");
    await dialog.locator("#kvm-restore-start").click();
    await tab.page.locator("#kvm-backups-notice", { hasText: "Restored" }).waitFor({ timeout: 120_000 });
    expect(await uuidOf(COPY)).toBeDefined();
    expect(await virshOn("domblklist", COPY)).toContain(join(work, "restored"));
});

test("the VM list refuses to shut down a VM whose backup runs, and says why", async () => {
    const uuid = await uuidOf(DB);
    // This test process holds the VM's backup lock, as a running backup would.
    const lock = lockVm("/var/lib/kvm-manager", { vm: DB, uuid: uuid ?? null, job: JOB, activity: "backup", started: new Date().toISOString() });
    expect(lock).not.toBeNull();
    try {
        await openList(tab.page, cockpit.pageAloneUrl);
        await runRowAction(tab.page, DB, "shutdown");
        await vmRow(tab.page, DB).locator(".kvm-row-error", { hasText: "Backup running" }).waitFor({ timeout: 20_000 });
        expect((await virshOn("domstate", DB)).trim()).toBe("running");
    } finally {
        lock?.release();
    }
});

test("a backup job is created on the page, its fields checked in the page's words; Schedule it links to the Schedules page", async () => {
    const { page } = tab;
    await openBackups();
    await page.locator("#kvm-backup-job-create").click();
    await jobForm().waitFor();
    expect(await page.locator("#kvm-backup-job-target").inputValue()).toBe("/var/backups/kvm-manager");
    await page.locator("#kvm-backup-job-save").click();
    await jobForm().getByText("Choose at least one VM.").waitFor();
    await jobForm().locator(".pf-m-error", { hasText: "Up to 200 bytes" }).waitFor();
    await page.locator("#kvm-backup-job-name").fill(NEW_JOB);
    await pickVm(WEB);
    await page.locator("#kvm-backup-job-target").fill("backups/../elsewhere");
    await page.locator("#kvm-backup-job-keep-last").fill("1.5");
    await jobForm().getByText("An absolute directory path", { exact: false }).waitFor();
    await jobForm().getByText("Last: A whole number from 0 to 100000, or empty.").waitFor();
    await assertNoSeriousAxeViolations(page, "backup job form, with errors");
    await screenshot(page, "backup-job-form-errors");
    await page.locator("#kvm-backup-job-target").fill(join(work, "target"));
    await page.locator("#kvm-backup-job-keep-last").fill("2");
    await page.locator("#kvm-backup-job-keep-weekly").fill("4");
    await jobForm().locator("label.pf-v6-c-switch[for='kvm-backup-job-compression']").click();
    await page.locator("#kvm-backup-job-save").click();
    await jobForm().waitFor({ state: "detached" });
    expect(readNewJob()).toEqual({
        version: 1, vms: [WEB], target: join(work, "target"), compression: true, prune: { "keep-last": 2, "keep-weekly": 4 }, enabled: true,
    });
    const notice = page.locator("#kvm-backups-notice", { hasText: "saved" });
    expect(await notice.getByRole("link", { name: "Schedule it" }).getAttribute("href")).toBe("#/schedules");
    expect(await newJobRow().innerText()).toContain("keep-last=2, keep-weekly=4");
});

test("editing the job rewrites its file; the name stays", async () => {
    const { page } = tab;
    await jobAction("Edit");
    await jobForm().waitFor();
    expect(await page.locator("#kvm-backup-job-name").isDisabled()).toBe(true);
    expect(await page.locator("#kvm-backup-job-keep-weekly").inputValue()).toBe("4");
    await pickVm(DB);
    await page.locator("#kvm-backup-job-keep-weekly").fill("");
    await page.locator("#kvm-backup-job-keep-daily").fill("7");
    await jobForm().locator("label.pf-v6-c-switch[for='kvm-backup-job-enabled']").click();
    await page.locator("#kvm-backup-job-save").click();
    await jobForm().waitFor({ state: "detached" });
    expect(readNewJob()).toEqual({
        version: 1, vms: [WEB, DB], target: join(work, "target"), compression: true, prune: { "keep-last": 2, "keep-daily": 7 }, enabled: false,
    });
    expect(await page.locator("#kvm-backups-notice").getByRole("link", { name: "Schedule it" }).count()).toBe(0);
    await newJobRow().getByText("Disabled").waitFor();
});

test("a change made to the file while the form is open is not overwritten", async () => {
    const { page } = tab;
    await openBackups();
    await jobAction("Edit");
    await jobForm().waitFor();
    const elsewhere = { version: 1, vms: [DB], target: join(work, "target"), compression: false, prune: { "keep-last": 9 }, enabled: true };
    writeFileSync(NEW_JOB_FILE, JSON.stringify(elsewhere));
    await page.locator("#kvm-backup-job-keep-last").fill("3");
    await page.locator("#kvm-backup-job-save").click();
    await page.locator("#kvm-backup-job-save-error", { hasText: "was changed elsewhere since it was read" }).waitFor();
    expect(readNewJob()).toEqual(elsewhere);
    await jobForm().getByRole("button", { name: "Cancel" }).click();
    await jobForm().waitFor({ state: "detached" });
});

test("deleting the job removes its file and its row", async () => {
    const { page } = tab;
    await openBackups();
    await jobAction("Delete");
    await page.locator("#kvm-confirm-button").click();
    await page.locator("#kvm-backups-notice", { hasText: "deleted" }).waitFor();
    expect(existsSync(NEW_JOB_FILE)).toBe(false);
    await newJobRow().waitFor({ state: "detached" });
    // The other job is untouched.
    expect(existsSync(JOB_FILE)).toBe(true);
});

test.each([false, true])("no serious axe violations, and a screenshot (dark: %s)", async dark => {
    await setTheme(dark);
    await openBackups();
    await tab.page.waitForFunction(() => document.querySelectorAll("#kvm-backup-list tbody tr").length >= 2);
    await assertNoSeriousAxeViolations(tab.page, `backups page (${dark ? "dark" : "light"})`);
    await screenshot(tab.page, dark ? "backups-dark" : "backups");
    await tab.page.locator("#kvm-backup-job-create").click();
    await jobForm().waitFor();
    await pickVm(WEB);
    await assertNoSeriousAxeViolations(tab.page, `backup job form (${dark ? "dark" : "light"})`);
    await screenshot(tab.page, dark ? "backup-job-form-dark" : "backup-job-form");
    await jobForm().getByRole("button", { name: "Cancel" }).click();
    await setTheme(false);
});
