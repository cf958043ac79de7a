// Headless Debian Chromium through playwright-core (no browser download). One browser context per
// launch: a cockpit-ws local session belongs to one cookie jar, so every page of a test file shares it.
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const SCREENSHOT_DIR = resolve(__dirname, "../../test-results/screenshots");

// Flags that work as root on the test hosts; headless and the empty profile come from Playwright's
// own options below.
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface TestPage {
    page: Page;
    /** Console errors and uncaught exceptions of the page and its frames, in order. */
    errors: string[];
}

export interface TestBrowser {
    context: BrowserContext;
    newPage(): Promise<TestPage>;
    close(): Promise<void>;
}

export interface LaunchOptions {
    /** Lets tests inject scripts (axe-core) into pages whose CSP forbids them; see harness/axe.ts. */
    bypassCSP?: boolean;
}

export async function launchBrowser({ bypassCSP = false }: LaunchOptions = {}): Promise<TestBrowser> {
    const profile = await mkdtemp(join(tmpdir(), "kvmm-chromium-"));
    let context: BrowserContext;
    try {
        // launch() refuses --user-data-dir: a persistent context is how Playwright takes a profile.
        context = await chromium.launchPersistentContext(profile, {
            executablePath: CHROMIUM_PATH,
            headless: true,
            args: CHROMIUM_ARGS,
            locale: "en-US",
            viewport: { width: 1280, height: 800 },
            bypassCSP,
        });
    } catch (err) {
        await rm(profile, { recursive: true, force: true });
        throw err;
    }
    return {
        context,
        async newPage(): Promise<TestPage> {
            const page = await context.newPage();
            const errors: string[] = [];
            page.on("console", message => {
                if (message.type() !== "error") return;
                const { url, lineNumber } = message.location();
                errors.push(`console.error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ""}`);
            });
            page.on("pageerror", error => errors.push(`uncaught: ${error.stack ?? error.message}`));
            return { page, errors };
        },
        async close(): Promise<void> {
            await context.close();
            await rm(profile, { recursive: true, force: true });
        },
    };
}

/** Saves a full-page PNG to test-results/screenshots/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    const path = join(SCREENSHOT_DIR, `${name.replace(/[^A-Za-z0-9._-]/g, "_")}.png`);
    await page.screenshot({ path, fullPage: true });
    return path;
}
