// A batch over a mix of states: shut-off VMs start, running and paused ones are skipped, a VM whose disk
// file was removed fails with libvirt's message, and a VM undefined while the batch runs is reported.
import { rmSync } from "node:fs";
import { screenshot, type TestPage } from "../support/browser";
import type { CockpitServer } from "../support/cockpit";
import { startPageSession, type PageSession } from "../support/session";
import { defineTinyVm, domState, removeVm, TEST_PREFIX, virshOn } from "../support/virsh";
import { openList, waitForRowState } from "../support/pages/vm-list";
import { BATCH_CONCURRENCY } from "../../src/state/vm-list-state";

const PREFIX = `${TEST_PREFIX}batch-`;
// More startable VMs than the batch runs at once, so the doomed one waits its turn.
const STARTABLE = Array.from({ length: BATCH_CONCURRENCY + 2 }, (_, i) => `${PREFIX}a-off-${String(i + 1).padStart(2, "0")}`);
const BROKEN = `${PREFIX}b-missing-disk`;
const RUNNING = `${PREFIX}c-running`;
const PAUSED = `${PREFIX}d-paused`;
// Sorted last, so the batch (in list order) reaches it only after some starts finished, and it is gone.
const DOOMED = `${PREFIX}z-undefined-mid-batch`;
const ALL = [...STARTABLE, BROKEN, RUNNING, PAUSED, DOOMED];

let session: PageSession;
let cockpit: CockpitServer;
let tab: TestPage;

beforeAll(async () => {
    await Promise.all(ALL.map(name => removeVm(name)));
    await Promise.all([
        ...STARTABLE.map(name => defineTinyVm({ name })),
        defineTinyVm({ name: RUNNING, start: true }),
        defineTinyVm({ name: PAUSED, start: true }),
        defineTinyVm({ name: DOOMED }),
    ]);
    const broken = await defineTinyVm({ name: BROKEN, disks: 1 });
    rmSync(broken.disks[0]);
    await virshOn("suspend", PAUSED);

    session = await startPageSession();
    ({ cockpit, tab } = session);
    await openList(tab.page, cockpit.pageAloneUrl);
    await tab.page.locator("#kvm-name-filter input").fill(PREFIX);
    await waitForRowState(tab.page, PAUSED, "paused");
});

afterAll(async () => {
    await session?.close();
    await Promise.all(ALL.map(name => removeVm(name)));
});

test("start over a mix of states: done, skipped, failed with libvirt's message, vanished", async () => {
    const { page } = tab;
    await page.locator("#kvm-vm-table thead input[type=checkbox]").check();
    await page.locator("#kvm-selected-count").getByText(`${ALL.length} selected`).waitFor();
    await page.locator("[data-batch-action='start']").click();
    await virshOn("undefine", DOOMED);
    await page.locator("#kvm-batch-results").waitFor({ timeout: 120_000 });
    await page.locator("#kvm-batch-dialog footer button.pf-m-primary:not([disabled])").waitFor();
    await screenshot(page, "batch-mixed-results");

    const results = await page.locator("#kvm-batch-results tbody tr").evaluateAll(rows => rows.map(row => ({
        name: row.getAttribute("data-vm-name"),
        outcome: row.getAttribute("data-outcome"),
        text: (row as HTMLElement).innerText,
    })));
    const byName = new Map(results.map(r => [r.name, r]));
    expect(results).toHaveLength(ALL.length);
    for (const name of STARTABLE) expect(byName.get(name)?.outcome).toBe("done");
    expect(byName.get(RUNNING)?.outcome).toBe("skipped");
    expect(byName.get(PAUSED)?.outcome).toBe("skipped");
    expect(byName.get(BROKEN)?.outcome).toBe("failed");
    // libvirt's own words about the missing file, not a generic error.
    expect(byName.get(BROKEN)?.text).toMatch(/No such file or directory|Cannot access storage file/);
    expect(byName.get(DOOMED)?.outcome).toBe("failed");
    expect(byName.get(DOOMED)?.text).toMatch(/no longer exists|Domain not found/);
    expect(await page.locator("#kvm-batch-progress").innerText()).toContain(`${STARTABLE.length} done, 2 skipped, 2 failed`);

    for (const name of STARTABLE) expect(await domState(name)).toBe("running");
    expect(await domState(BROKEN)).toBe("shut off");
    expect(await domState(PAUSED)).toBe("paused");

    await page.locator("#kvm-batch-dialog footer button.pf-m-primary").click();
    await page.locator("#kvm-batch-dialog").waitFor({ state: "detached" });
    expect(await page.locator("#kvm-vm-table tbody input[type=checkbox]:checked").count()).toBe(0);
});

test("force off of a selection asks first, then stops them", async () => {
    const { page } = tab;
    for (const name of STARTABLE.slice(0, 2)) {
        await page.locator(`#kvm-vm-table tbody tr[data-vm-name="${name}"] input[type=checkbox]`).check();
    }
    await page.locator("[data-batch-action='forceOff']").click();
    const dialog = page.getByRole("dialog");
    await expect(dialog.innerText()).resolves.toContain("Force off 2 virtual machines?");
    await dialog.getByRole("button", { name: "Force off" }).click();
    await page.locator("#kvm-batch-results").waitFor({ timeout: 60_000 });
    for (const name of STARTABLE.slice(0, 2)) expect(await domState(name)).toBe("shut off");
    expect(await domState(STARTABLE[2])).toBe("running");
    await page.locator("#kvm-batch-dialog footer button.pf-m-primary").click();
});

test("no errors were logged", () => {
    expect(tab.errors).toEqual([]);
});
