// axe-core accessibility checks for any page of KVM Manager. The page's CSP forbids injected scripts, so
// the session must be started with { bypassCSP: true } (see harness/browser.ts).
import type { Page } from "playwright-core";
import type { AxeResults, ImpactValue } from "axe-core";

export interface AxeFinding {
    rule: string;
    impact: ImpactValue | null | undefined;
    help: string;
    // CSS selectors of the offending elements, with axe's summary of what is wrong.
    nodes: { target: string; summary: string | undefined }[];
}

const BLOCKING: readonly ImpactValue[] = ["serious", "critical"];

async function injectAxe(page: Page): Promise<void> {
    const present = await page.evaluate(() => "axe" in window);
    if (!present) await page.addScriptTag({ path: require.resolve("axe-core") });
}

/**
 * Runs axe on the whole document (dialogs included) and returns its violations of the given impacts.
 * Colour contrast is measured on what is drawn: a helper text or dialog still fading in has colours
 * between its own and the background's, so the check waits until no CSS transition or finite animation runs.
 */
export async function axeViolations(page: Page, impacts: readonly ImpactValue[] = BLOCKING): Promise<AxeFinding[]> {
    // Endless animations (a spinner) are left to run.
    await page.waitForFunction(() => document.getAnimations().every(animation =>
        animation.playState !== "running" || animation.effect?.getComputedTiming().iterations === Infinity),
    undefined, { timeout: 10_000 });
    await injectAxe(page);
    const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<AxeResults> } }).axe;
        const results = await axe.run(document, { resultTypes: ["violations"] });
        return results.violations.map(violation => ({
            rule: violation.id,
            impact: violation.impact,
            help: violation.help,
            nodes: violation.nodes.map(node => ({ target: node.target.join(" "), summary: node.failureSummary })),
        }));
    });
    return violations.filter(violation => violation.impact && impacts.includes(violation.impact));
}

/** Throws with every serious or critical violation listed, naming the page state that was checked. */
export async function assertNoSeriousAxeViolations(page: Page, where: string): Promise<void> {
    const found = await axeViolations(page);
    if (found.length === 0) return;
    const lines = found.map(v => `${v.impact} ${v.rule}: ${v.help}\n${v.nodes.map(n => `    ${n.target}: ${n.summary ?? ""}`).join("\n")}`);
    throw new Error(`axe found ${found.length} serious or critical violations on ${where}:\n${lines.join("\n")}`);
}
