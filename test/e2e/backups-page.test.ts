// The Backups page on the real stack: a job from /etc/kvm-manager/backups with its last run; "Back up
// now" makes a verified backup that the list shows; protect keeps it from deletion; verify says so;
// restore as a new VM through the dialog defines it; the VM list refuses to shut down a VM whose backup
// runs, with that reason. No serious axe violations, light and dark; screenshots of both.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
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
const JOB = "kvmm-test nightly ü";
const JOB_FILE = join(JOBS_DIR, `${JOB}.json`);
const WEB = `${TEST_PREFIX}bkpage web "1"`;
const DB = `${TEST_PREFIX}bkpage db`;
const COPY = `${TEST_PREFIX}bkpage web copy`;
const ALL = [WEB, DB, COPY];

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

test.each([false, true])("no serious axe violations, and a screenshot (dark: %s)", async dark => {
    await setTheme(dark);
    await openBackups();
    await tab.page.waitForFunction(() => document.querySelectorAll("#kvm-backup-list tbody tr").length >= 2);
    await assertNoSeriousAxeViolations(tab.page, `backups page (${dark ? "dark" : "light"})`);
    await screenshot(tab.page, dark ? "backups-dark" : "backups");
    await setTheme(false);
});
