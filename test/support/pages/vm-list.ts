// How the end-to-end tests read and drive KVM Manager's VM list: one place that knows its DOM.
import type { Locator, Page } from "playwright-core";

// A CSS string literal for an attribute selector: VM names may hold quotes and backslashes.
export function cssString(value: string): string {
    return `"${value.replace(/\\/g, "\\\\").replace(/"/g, "\\\"")}"`;
}

export function vmRow(page: Page, name: string): Locator {
    return page.locator(`#kvm-vm-table tbody tr[data-vm-name=${cssString(name)}]`);
}

export async function rowState(page: Page, name: string): Promise<string | null> {
    return vmRow(page, name).getAttribute("data-state", { timeout: 1000 }).catch(() => null);
}

export async function waitForRowState(page: Page, name: string, state: string, timeoutMs = 30_000): Promise<void> {
    await page.locator(`#kvm-vm-table tbody tr[data-vm-name=${cssString(name)}][data-state=${cssString(state)}]`)
        .waitFor({ timeout: timeoutMs });
}

export async function runRowAction(page: Page, name: string, action: string): Promise<void> {
    await vmRow(page, name).locator(".kvm-row-actions").click();
    await page.locator(`[data-action=${cssString(action)}]`).click();
}

// The running rows that show a CPU figure: a progress bar rather than "Measuring…".
export async function runningRowsWithUsage(page: Page): Promise<{ running: number; withUsage: number }> {
    return page.evaluate(() => {
        const rows = [...document.querySelectorAll("#kvm-vm-table tbody tr[data-state='running']")];
        return {
            running: rows.length,
            withUsage: rows.filter(row => row.querySelector(".kvm-cpu-cell .kvm-usage") !== null).length,
        };
    });
}

export async function openList(page: Page, url: string): Promise<void> {
    await page.goto(url);
    await page.locator("#kvm-vm-table, #kvm-no-vms, #kvm-libvirt-down").first().waitFor({ timeout: 30_000 });
}
