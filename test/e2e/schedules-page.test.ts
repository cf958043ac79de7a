// The Schedules page against the real stack: schedules created in the form (the VM picked from the
// list, the next run previewed) start one VM and shut down another at the next minute when the
// installed scheduler's tick runs (its clock set with --now, so nothing waits for a real minute), as
// virsh confirms; "Run now", the history filter by VM and result, enable/disable and delete; a damaged
// schedule file is shown with its error and left byte-identical; a snapshot schedule with keep 2 run
// three times leaves two snapshots of its own and the user's snapshot untouched.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { encodeRouteSegment, routeHash } from "../../src/core/route-segment";
import { assertNoSeriousAxeViolations } from "../support/axe";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { runToExit } from "../support/exec";
import { startPageSession, type PageSession } from "../support/session";
import { defineTinyVm, domState, removeVm, TEST_PREFIX, virsh, virshOn } from "../support/virsh";
import { waitFor } from "../support/wait";

const SCHEDULER = "/usr/local/bin/kvm-manager-scheduler";
const SCHEDULES_DIR = "/etc/kvm-manager/schedules";
const STATE_DIR = "/var/lib/kvm-manager/scheduler";
const ASIDE = ".kvmm-test-aside";

const PREFIX = `${TEST_PREFIX}sched-page-`;
const TO_START = `${PREFIX}web "1" $(id)`;
const TO_STOP = `${PREFIX}db #2 ü`;
const SNAP = `${PREFIX}files`;
const MISSING = `${PREFIX}never defined`;
const START_SCHEDULE = "Morning start ü";
const STOP_SCHEDULE = "Evening stop #2";
const SNAP_SCHEDULE = "Nightly snapshot";
const USER_SNAPSHOT = "before upgrade (mine)";
const BROKEN = Buffer.from('{\n  "version": 1,\n  "vms": ["x"]\n  "time": "10:00"\n}\n');

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;
let timeZone: string;
// The whole minute both page-made schedules are set to.
let occurrence: number;

function css(text: string): string {
    return text.replace(/["\\]/g, c => `\\${c}`);
}

function row(page: Page, schedule: string) {
    return page.locator(`#kvm-schedules-table tbody tr[data-schedule="${css(schedule)}"]`);
}

function hostClock(instant: number): string {
    return new Intl.DateTimeFormat("en-GB", { timeZone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(instant);
}

async function openSchedules(): Promise<void> {
    await tab.page.goto(`${cockpit.pageAloneUrl}#/schedules`);
    await tab.page.reload();
    await tab.page.locator("#kvm-schedules-table, #kvm-schedules-empty").first().waitFor({ timeout: 30_000 });
    await tab.page.locator("#kvm-history-table, #kvm-history-empty").first().waitFor({ timeout: 30_000 });
}

// Fills the form for a daily schedule of `vm` at the occurrence's time; `options` sets the operation's fields.
async function createSchedule(name: string, operation: string, vm: string, options: (page: Page) => Promise<void> = async () => {}): Promise<string> {
    const { page } = tab;
    await page.locator("#kvm-schedule-create").first().click();
    const dialog = page.locator("#kvm-schedule-form");
    await dialog.waitFor();
    await page.locator("#kvm-schedule-name").fill(name);
    await page.locator("#kvm-schedule-operation").selectOption(operation);
    await options(page);
    await page.locator("#kvm-schedule-vms-filter input").fill(vm);
    const box = dialog.locator(`.kvm-vm-picker-list input[data-vm-name="${css(vm)}"]`);
    await box.waitFor({ timeout: 30_000 }).catch(async (error: Error) => {
        throw new Error(`${error.message}\nthe picker shows: ${await dialog.locator("#kvm-schedule-vms").innerText()}`);
    });
    await box.check();
    await page.locator("#kvm-schedule-frequency").selectOption("daily");
    await page.locator("#kvm-schedule-time").fill(hostClock(occurrence));
    const preview = (await page.locator("#kvm-schedule-preview").innerText()).trim();
    await page.locator("#kvm-schedule-save").click();
    await dialog.waitFor({ state: "detached" });
    await row(page, name).waitFor();
    return preview;
}

async function scheduler(...args: string[]) {
    return runToExit(SCHEDULER, args);
}

async function historyRows(): Promise<{ vm: string; result: string }[]> {
    return tab.page.locator("#kvm-history-table tbody tr").evaluateAll(rows =>
        rows.map(r => ({ vm: r.getAttribute("data-vm") ?? "", result: r.getAttribute("data-result") ?? "" })));
}

async function runNow(schedule: string): Promise<string> {
    const { page } = tab;
    const notice = page.locator("#kvm-schedule-notice");
    if (await notice.count() > 0) {
        await notice.locator(".pf-v6-c-alert__action button").click();
        await notice.waitFor({ state: "detached" });
    }
    await row(page, schedule).locator(".kvm-schedule-run-now").click();
    await notice.waitFor({ timeout: 60_000 });
    await row(page, schedule).locator(".kvm-schedule-run-now:not([disabled])").waitFor({ timeout: 60_000 });
    return (await notice.innerText()).trim();
}

async function snapshotNames(vm: string): Promise<string[]> {
    return (await virshOn("snapshot-list", vm, "--name")).split("\n").filter(line => line !== "").sort();
}

function moveAside(path: string): void {
    if (existsSync(path + ASIDE)) rmSync(path + ASIDE, { recursive: true, force: true });
    if (existsSync(path)) renameSync(path, path + ASIDE);
}

function restore(path: string): void {
    rmSync(path, { recursive: true, force: true });
    if (existsSync(path + ASIDE)) renameSync(path + ASIDE, path);
}

beforeAll(async () => {
    await Promise.all([TO_START, TO_STOP, SNAP].map(name => removeVm(name)));
    await Promise.all([defineTinyVm({ name: TO_START }), defineTinyVm({ name: TO_STOP, start: true }), defineTinyVm({ name: SNAP, disks: 1 })]);
    await virshOn("snapshot-create-as", SNAP, "--name", USER_SNAPSHOT, "--description", "Taken by KVM Manager schedule: Nightly snapshot (not really)");
    moveAside(SCHEDULES_DIR);
    moveAside(STATE_DIR);
    mkdirSync(SCHEDULES_DIR, { recursive: true });
    writeFileSync(join(SCHEDULES_DIR, "broken.json"), BROKEN);
    const list = await scheduler("--list", "--json");
    timeZone = (JSON.parse(list.stdout) as { timeZone: string }).timeZone;
    occurrence = (Math.floor(Date.now() / 60_000) + 2) * 60_000;
    session = await startPageSession({ bypassCSP: true });
    ({ cockpit, tab } = session);
    await tab.page.setViewportSize({ width: 1280, height: 800 });
}, 180_000);

afterAll(async () => {
    await session?.close();
    await Promise.all([TO_START, TO_STOP, SNAP].map(name => removeVm(name)));
    restore(SCHEDULES_DIR);
    restore(STATE_DIR);
}, 180_000);

test("schedules made on the page start and shut down VMs at the next minute's tick; virsh confirms", async () => {
    const { page } = tab;
    await openSchedules();
    expect(await page.locator("#kvm-schedules-zone").innerText()).toContain(timeZone);
    await assertNoSeriousAxeViolations(page, "schedules page, empty");

    const preview = await createSchedule(START_SCHEDULE, "start", TO_START);
    expect(preview).toContain(hostClock(occurrence));
    await createSchedule(STOP_SCHEDULE, "shutdown", TO_STOP, async p => {
        await p.locator("#kvm-schedule-timeout").fill("2");
        await p.locator("#kvm-schedule-then-force").check();
    });
    expect(await row(page, START_SCHEDULE).locator(".kvm-schedule-next").innerText()).toContain(hostClock(occurrence));
    const saved = JSON.parse(readFileSync(join(SCHEDULES_DIR, `${STOP_SCHEDULE}.json`), "utf8")) as Record<string, unknown>;
    expect([saved.vms, saved.operation, saved.when, saved.time, saved.enabled]).toEqual([
        [TO_STOP], { type: "shutdown", timeoutSeconds: 2, then: "force-off" }, { frequency: "daily" }, hostClock(occurrence), true,
    ]);

    // Before the minute nothing runs; at it, both do.
    const early = await scheduler("--once", "--json", "--now", new Date(occurrence - 30_000).toISOString());
    expect((JSON.parse(early.stdout) as { ran: unknown[] }).ran).toEqual([]);
    const tick = await scheduler("--once", "--json", "--now", new Date(occurrence + 10_000).toISOString());
    expect([tick.code, (JSON.parse(tick.stdout) as { ran: { schedule: string }[] }).ran.map(r => r.schedule).sort()])
        .toEqual([0, [STOP_SCHEDULE, START_SCHEDULE].sort()]);
    expect(await domState(TO_START)).toBe("running");
    expect(await domState(TO_STOP)).toBe("shut off");

    await openSchedules();
    for (const name of [START_SCHEDULE, STOP_SCHEDULE]) {
        expect(await row(page, name).locator(".kvm-schedule-last").innerText()).toContain("Succeeded");
    }
    expect((await historyRows()).sort((a, b) => a.vm.localeCompare(b.vm))).toEqual([
        { vm: TO_STOP, result: "ok" }, { vm: TO_START, result: "ok" },
    ].sort((a, b) => a.vm.localeCompare(b.vm)));
    expect(await page.locator("#kvm-history-table").innerText()).toContain("it did not shut down within 2 s and was forced off");

    // The damaged file is listed with its error, and nothing the page did touched it.
    expect(await page.locator("#kvm-schedules-damaged").innerText()).toContain("broken: Not valid JSON: unexpected character at line 4, column 3");
    expect(readFileSync(join(SCHEDULES_DIR, "broken.json")).equals(BROKEN)).toBe(true);
    await screenshot(page, "schedules-page");
    await assertNoSeriousAxeViolations(page, "schedules page with schedules and history");
}, 240_000);

test("Run now, and the history filtered by VM and by result", async () => {
    const { page } = tab;
    writeFileSync(join(SCHEDULES_DIR, "reboot missing.json"), JSON.stringify({
        version: 1, vms: [MISSING], operation: { type: "reboot" }, when: { frequency: "weekly", days: [6, 7] }, time: "04:00", enabled: false,
    }));
    await openSchedules();
    expect(await runNow(START_SCHEDULE)).toContain(`“${START_SCHEDULE}” ran`);
    const failed = await runNow("reboot missing");
    expect(failed).toContain("“reboot missing” ran with failures");
    expect(failed).toContain(`${MISSING}: there is no VM of this name`);

    await page.locator("#kvm-history-result").selectOption("failed");
    await waitFor(async () => JSON.stringify(await historyRows()) === JSON.stringify([{ vm: MISSING, result: "failed" }]),
        { message: "only the failed run in the history" });
    await page.locator("#kvm-history-result").selectOption("");
    await page.locator("#kvm-history-vm").selectOption(TO_START);
    await waitFor(async () => {
        const rows = await historyRows();
        return rows.length === 2 && rows.every(r => r.vm === TO_START && r.result === "ok");
    }, { message: "the two runs on the started VM" });
    expect(await page.locator("#kvm-history-table tbody tr").first().innerText()).toContain("it was already running");
    await page.locator("#kvm-history-vm").selectOption("");
}, 120_000);

test("a snapshot schedule with keep 2 run three times keeps two of its own and the user's snapshot", async () => {
    const { page } = tab;
    await openSchedules();
    await createSchedule(SNAP_SCHEDULE, "snapshot", SNAP, async p => {
        await p.locator("#kvm-schedule-keep").fill("2");
        expect(await p.locator("#kvm-schedule-pattern").inputValue()).toBe("auto-{date}-{time}");
    });
    const taken: string[] = [];
    for (let i = 0; i < 3; i++) {
        expect(await runNow(SNAP_SCHEDULE)).toContain(`“${SNAP_SCHEDULE}” ran`);
        const ours = (await snapshotNames(SNAP)).filter(n => n !== USER_SNAPSHOT);
        taken.push(...ours.filter(n => !taken.includes(n)));
    }
    expect(taken).toHaveLength(3);
    expect(await snapshotNames(SNAP)).toEqual([USER_SNAPSHOT, ...taken.slice(1)].sort());
    for (const name of taken) expect(name).toMatch(/^auto-\d{4}-\d{2}-\d{2}-\d{4}(-\d)?$/);
    const userInfo = await virsh("snapshot-dumpxml", "--domain", SNAP, "--snapshotname", USER_SNAPSHOT);
    expect(userInfo).toContain("<name>before upgrade (mine)</name>");
    await waitFor(async () => (await page.locator("#kvm-history-table").innerText()).includes(`removed "${taken[0]}" (keeping 2)`),
        { message: "the history to name the snapshot removed" });
}, 180_000);

test("the form checks its fields; enable/disable and delete change the file; dark theme", async () => {
    const { page } = tab;
    await openSchedules();
    await page.locator("#kvm-schedule-create").first().click();
    await page.locator("#kvm-schedule-name").fill(START_SCHEDULE);
    await page.locator("#kvm-schedule-operation").selectOption("snapshot");
    await page.locator("#kvm-schedule-pattern").fill("fixed name");
    await page.locator("#kvm-schedule-frequency").selectOption("monthly");
    await page.locator("#kvm-schedule-month-day").selectOption("31");
    expect(await page.locator("#kvm-schedule-form").innerText()).toContain("Months without a day 31 are skipped.");
    await page.locator("#kvm-schedule-short-last").check();
    expect(await page.locator("#kvm-schedule-form").innerText()).toContain("Months without a day 31 run on their last day.");
    await page.locator("#kvm-schedule-save").click();
    const text = await page.locator("#kvm-schedule-form").innerText();
    expect(text).toContain("A schedule of this name exists already.");
    expect(text).toContain("The pattern needs {date} and {time}");
    expect(text).toContain("Choose at least one VM.");
    expect(await page.locator("#kvm-schedule-preview").innerText()).toBe("Complete the form to see when it runs next.");
    await screenshot(page, "schedules-form-errors");
    await assertNoSeriousAxeViolations(page, "schedule form");
    await page.getByRole("button", { name: "Cancel" }).click();

    const file = join(SCHEDULES_DIR, `${START_SCHEDULE}.json`);
    await row(page, START_SCHEDULE).locator(".pf-v6-c-switch").click();
    await waitFor(() => (JSON.parse(readFileSync(file, "utf8")) as { enabled: boolean }).enabled === false, { message: "the file to say disabled" });
    await waitFor(async () => (await row(page, START_SCHEDULE).locator(".kvm-schedule-next").innerText()).includes("Off"), { message: "the row to say off" });

    await screenshot(page, "schedules-page-light");
    await page.evaluate(() => localStorage.setItem("shell:style", "dark"));
    await openSchedules();
    expect(await page.evaluate(() => document.documentElement.classList.contains("pf-v6-theme-dark"))).toBe(true);
    await screenshot(page, "schedules-page-dark");
    await page.evaluate(() => localStorage.removeItem("shell:style"));

    // Edit opens the schedule's own route, so it can be linked to; the name stays, the change is saved.
    await row(page, STOP_SCHEDULE).locator(".kvm-schedule-menu").click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    await page.locator("#kvm-schedule-form").waitFor();
    expect(await page.evaluate(() => location.hash)).toMatch(/^#\/schedule\/Evening/);
    expect([await page.locator("#kvm-schedule-name").inputValue(), await page.locator("#kvm-schedule-name").isDisabled()]).toEqual([STOP_SCHEDULE, true]);
    await page.locator("#kvm-schedule-timeout").fill("45");
    await page.locator("#kvm-schedule-save").click();
    await page.locator("#kvm-schedule-form").waitFor({ state: "detached" });
    const stopFile = join(SCHEDULES_DIR, `${STOP_SCHEDULE}.json`);
    expect((JSON.parse(readFileSync(stopFile, "utf8")) as { operation: unknown }).operation).toEqual({ type: "shutdown", timeoutSeconds: 45, then: "force-off" });
    expect(await page.evaluate(() => location.hash)).toBe("#/schedules");
    await page.goto(`${cockpit.pageAloneUrl}${routeHash(["schedule", encodeRouteSegment("no such ü #1")])}`);
    await page.reload();
    expect(await page.locator("#kvm-schedule-missing").innerText()).toContain("There is no schedule no such ü #1");

    await row(page, STOP_SCHEDULE).locator(".kvm-schedule-menu").click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await page.locator("#kvm-confirm-button").click();
    await row(page, STOP_SCHEDULE).waitFor({ state: "detached" });
    expect(existsSync(join(SCHEDULES_DIR, `${STOP_SCHEDULE}.json`))).toBe(false);
    expect(readFileSync(join(SCHEDULES_DIR, "broken.json")).equals(BROKEN)).toBe(true);
    expect(tab.errors).toEqual([]);
}, 120_000);
