// Alerts against the real stack: a rule created on the Alerts page (with a low memory threshold, a
// webhook on 127.0.0.1 and a VM with quotes, $(...) and unicode in its name) fires when the installed
// kvm-manager-collect samples the running VM, shows on the Alerts page, as a marker on the VM's list
// row and on its details page, is written to the log (stderr: journald does not run here), reaches
// the webhook receiver; raising the threshold on the page resolves it at the next tick.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { assertNoSeriousAxeViolations } from "../support/axe";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { runToExit } from "../support/exec";
import { cssString, openList, vmRow } from "../support/pages/vm-list";
import { startPageSession, type PageSession } from "../support/session";
import { defineTinyVm, removeVm, TEST_PREFIX } from "../support/virsh";
import { waitFor } from "../support/wait";

const VM = `${TEST_PREFIX}alerts "ü" $(id) #1`;
// For the README's pictures: plain names, three rules, two of them fired.
const WEB = `${TEST_PREFIX}web-01`;
const DB = `${TEST_PREFIX}db-01`;
const RULE = "memory \"high\" ü #1";
const RULES_DIR = "/etc/kvm-manager/alerts";
const STATE_DIR = "/var/lib/kvm-manager/alerts";
const ASIDE = `.e2e-aside-${process.pid}`;

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;
let receiver: Server;
const received: Record<string, unknown>[] = [];

interface TickAnswer { ok: boolean; alerts: { fired: number; resolved: number; active: number } | null }

async function tick(): Promise<{ report: TickAnswer; stderr: string }> {
    const run = await runToExit("/usr/local/bin/kvm-manager-collect", ["--json"]);
    if (run.code !== 0) throw new Error(`kvm-manager-collect exited ${run.code}: ${run.stderr}`);
    return { report: JSON.parse(run.stdout) as TickAnswer, stderr: run.stderr };
}

async function activeAlerts(): Promise<{ rule: string; vm: string; severity: string }[]> {
    const run = await runToExit("/usr/local/bin/kvm-manager-alerts", ["--active", "--json"]);
    return (JSON.parse(run.stdout) as { active: { rule: string; vm: string; severity: string }[] }).active;
}

// A fresh load each time (a goto that only repeats the hash would keep the page and its data).
async function openAlerts(): Promise<void> {
    await tab.page.goto(`${cockpit.pageAloneUrl}#/alerts`);
    await tab.page.reload();
    await tab.page.locator("#kvm-alert-rules-empty, #kvm-alert-rules-table").first().waitFor({ timeout: 30_000 });
}

async function setTheme(dark: boolean): Promise<void> {
    await tab.page.evaluate(isDark => isDark ? localStorage.setItem("shell:style", "dark") : localStorage.removeItem("shell:style"), dark);
}

function ruleRow() {
    return tab.page.locator(`#kvm-alert-rules-table tbody tr[data-rule=${cssString(RULE)}]`);
}

beforeAll(async () => {
    // The page and the installed helpers use the default directories: set this host's rules and alert
    // state aside, and bring them back afterwards.
    for (const dir of [RULES_DIR, STATE_DIR]) if (existsSync(dir)) renameSync(dir, dir + ASIDE);
    await Promise.all([VM, WEB, DB].map(name => removeVm(name)));
    await defineTinyVm({ name: VM, start: true });
    receiver = createServer((req, res) => {
        let body = "";
        req.on("data", c => { body += c; });
        req.on("end", () => { received.push({ path: req.url, ...JSON.parse(body) as Record<string, unknown> }); res.end("ok"); });
    });
    await new Promise<void>(resolve => receiver.listen(0, "127.0.0.1", resolve));
    session = await startPageSession({ bypassCSP: true });
    ({ cockpit, tab } = session);
    await tab.page.setViewportSize({ width: 1280, height: 800 });
});

afterAll(async () => {
    await session?.close();
    await new Promise(resolve => receiver?.close(resolve));
    await Promise.all([VM, WEB, DB].map(name => removeVm(name)));
    for (const dir of [RULES_DIR, STATE_DIR]) {
        rmSync(dir, { recursive: true, force: true });
        if (existsSync(dir + ASIDE)) renameSync(dir + ASIDE, dir);
    }
});

test("a rule made on the page fires on a running VM, shows on the page, the list and the details, reaches the webhook, and resolves", async () => {
    const { page } = tab;
    const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook?x=1`;
    await openAlerts();
    await assertNoSeriousAxeViolations(page, "Alerts page without rules");

    // The dialog checks what is typed: a memory threshold above 100 % is refused, under its field.
    await page.locator("#kvm-alert-rule-create").click();
    await page.locator("#kvm-alert-rule-name").fill(RULE);
    await page.locator("#kvm-alert-rule-some").check();
    await page.locator("#kvm-alert-rule-vms").fill(VM);
    await page.locator("#kvm-alert-rule-condition").selectOption("memoryPercent");
    await page.locator("#kvm-alert-rule-threshold").fill("150");
    await page.locator("#kvm-alert-rule-save").click();
    await page.locator("#kvm-alert-rule-threshold-helper").getByText("A percentage from 0 to 100.").waitFor();
    expect(existsSync(RULES_DIR)).toBe(false);
    await page.locator("#kvm-alert-rule-threshold").fill("1");
    await page.locator("#kvm-alert-rule-for").fill("2");
    await page.locator("#kvm-alert-rule-clear").fill("1");
    await page.locator("#kvm-alert-rule-severity").selectOption("critical");
    await page.locator("#kvm-alert-rule-webhook").fill(hook);
    await page.locator("#kvm-alert-rule-retries").fill("2");
    await assertNoSeriousAxeViolations(page, "alert rule dialog");
    await screenshot(page, "alerts-dialog");
    await page.locator("#kvm-alert-rule-save").click();
    await page.locator("#kvm-alert-rule-dialog").waitFor({ state: "detached" });
    await ruleRow().waitFor();
    expect(JSON.parse(readFileSync(`${RULES_DIR}/${RULE}.json`, "utf8"))).toEqual({
        version: 1, vms: [VM], condition: { type: "metric", metric: "memoryPercent", comparison: "above", threshold: 1 },
        forChecks: 2, clearChecks: 1, severity: "critical", enabled: true,
        notify: { webhook: { url: hook, timeoutSeconds: 10, retries: 2 } },
    });

    // Two checks in a row are needed: the first tick only starts the run.
    const first = await tick();
    expect(first.report.alerts).toMatchObject({ fired: 0, active: 0 });
    const second = await tick();
    expect(second.report.alerts).toMatchObject({ fired: 1, active: 1 });
    expect(second.stderr).toContain(`kvm-manager-collect: alert critical: alert "${RULE}" fired for VM "${VM}": memory above 1 % (value `);
    expect(await activeAlerts()).toEqual([expect.objectContaining({ rule: RULE, vm: VM, severity: "critical" })]);
    await waitFor(() => received.length >= 1, { timeoutMs: 30_000, message: "the webhook receiver to get the fired alert" });
    expect(received[0]).toMatchObject({ path: "/hook?x=1", version: 1, event: "fired", rule: RULE, vm: VM, severity: "critical" });

    // The Alerts page: fired now and in the history, in both themes.
    for (const dark of [false, true]) {
        await setTheme(dark);
        await openAlerts();
        await page.locator(`#kvm-alerts-active-table tbody tr[data-vm=${cssString(VM)}]`).waitFor();
        await page.locator(`#kvm-alert-history-table tbody tr[data-kind="fired"][data-rule=${cssString(RULE)}]`).waitFor();
        await assertNoSeriousAxeViolations(page, `Alerts page with a fired alert (dark: ${dark})`);
        await screenshot(page, dark ? "alerts-dark" : "alerts");
    }
    await setTheme(false);
    await page.locator("#kvm-alert-history-severity").selectOption("info");
    await page.locator("#kvm-alert-history-none").waitFor();
    await page.locator("#kvm-alert-history-severity").selectOption("critical");
    await page.locator("#kvm-alert-history-vm input").fill("no such vm");
    await page.locator("#kvm-alert-history-none").waitFor();
    await page.locator("#kvm-alert-history-vm input").fill("ü");
    await page.locator("#kvm-alert-history-table tbody tr").first().waitFor();

    // The VM list marks the row; the tooltip names the rule.
    await openList(page, cockpit.pageAloneUrl);
    await page.locator("#kvm-name-filter input").fill(TEST_PREFIX + "alerts");
    const marker = vmRow(page, VM).locator(".kvm-alert-marker[data-severity='critical']");
    await marker.waitFor({ timeout: 30_000 });
    // The row's usage arrives after its first samples and moves the marker: wait for it, then show the
    // tooltip as a keyboard user would.
    await vmRow(page, VM).locator(".kvm-cpu-cell .kvm-usage").waitFor({ timeout: 30_000 });
    await marker.focus();
    await page.getByRole("tooltip").getByText(`Critical: ${RULE} (Memory usage above 1.0 %)`).waitFor();
    await assertNoSeriousAxeViolations(page, "VM list with an alert marker");
    await screenshot(page, "alerts-list-marker");

    // The details page lists it.
    await marker.click();
    await page.locator(`#kvm-vm-alerts-active tbody tr[data-rule=${cssString(RULE)}]`).waitFor({ timeout: 30_000 });
    await page.locator("#kvm-vm-alerts-history tbody tr[data-kind='fired']").waitFor();

    // Raising the threshold on the page resolves it at the next check.
    await openAlerts();
    await ruleRow().getByRole("button", { name: `Actions for rule ${RULE}` }).click();
    await page.getByRole("menuitem", { name: "Edit" }).click();
    await page.locator("#kvm-alert-rule-threshold").fill("100");
    await page.locator("#kvm-alert-rule-save").click();
    await page.locator("#kvm-alert-rule-dialog").waitFor({ state: "detached" });
    const third = await tick();
    expect(third.report.alerts).toMatchObject({ resolved: 1, active: 0 });
    expect(third.stderr).toContain(`alert "${RULE}" resolved for VM "${VM}": no longer memory above 100 % (value `);
    expect(await activeAlerts()).toEqual([]);
    await waitFor(() => received.length >= 2, { timeoutMs: 30_000, message: "the webhook receiver to get the resolution" });
    expect(received[1]).toMatchObject({ event: "resolved", rule: RULE, vm: VM, reason: "cleared" });
    await openAlerts();
    await page.locator("#kvm-alerts-active-none").waitFor();
    await page.locator(`#kvm-alert-history-table tbody tr[data-kind="resolved"][data-rule=${cssString(RULE)}]`).waitFor();

    // Disable, then delete: the file goes, the history stays.
    await ruleRow().getByRole("switch").click({ force: true });
    await waitFor(() => JSON.parse(readFileSync(`${RULES_DIR}/${RULE}.json`, "utf8")).enabled === false,
        { timeoutMs: 15_000, message: "the rule to be saved disabled" });
    await ruleRow().locator("input[type='checkbox']:not(:checked):not([disabled])").waitFor();
    await ruleRow().getByRole("button", { name: `Actions for rule ${RULE}` }).click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await page.locator("#kvm-confirm-button").click();
    await page.locator("#kvm-alert-rules-empty").waitFor();
    expect(existsSync(`${RULES_DIR}/${RULE}.json`)).toBe(false);
    await page.locator("#kvm-alert-history-table tbody tr").first().waitFor();
    expect(received.length).toBe(2);
});

test("the README's pictures: three rules, two fired", async () => {
    const { page } = tab;
    await Promise.all([defineTinyVm({ name: WEB, start: true }), defineTinyVm({ name: DB })]);
    mkdirSync(RULES_DIR, { recursive: true });
    const rules: Record<string, object> = {
        "web memory": { vms: [WEB], condition: { type: "metric", metric: "memoryPercent", comparison: "above", threshold: 50 }, forChecks: 2, clearChecks: 2, severity: "warning" },
        "database must run": { vms: [DB], condition: { type: "not-running" }, forChecks: 1, clearChecks: 1, severity: "critical" },
        "cpu busy": {
            vms: "all", condition: { type: "metric", metric: "cpuPercent", comparison: "above", threshold: 90 }, forChecks: 6, clearChecks: 4, severity: "info",
            notify: { webhook: { url: "https://alerts.example.com/kvm", timeoutSeconds: 10, retries: 3 } },
        },
    };
    for (const [name, rule] of Object.entries(rules)) {
        writeFileSync(`${RULES_DIR}/${name}.json`, JSON.stringify({ version: 1, enabled: true, ...rule }));
    }
    await tick();
    await tick();
    expect((await activeAlerts()).map(a => a.rule).sort()).toEqual(["database must run", "web memory"]);
    for (const dark of [false, true]) {
        await setTheme(dark);
        await openAlerts();
        await page.locator("#kvm-alerts-active-table tbody tr").nth(1).waitFor();
        await screenshot(page, dark ? "readme-alerts-dark" : "readme-alerts");
    }
    await setTheme(false);
});
