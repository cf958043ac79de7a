// What most end-to-end test files need: a private cockpit-ws, a browser and one page on it.
import { launchBrowser, type LaunchOptions, type TestBrowser, type TestPage } from "./browser";
import { startCockpit, type CockpitServer, type StartCockpitOptions } from "./cockpit";

export interface PageSession {
    cockpit: CockpitServer;
    browser: TestBrowser;
    tab: TestPage;
    close(): Promise<void>;
}

export async function startPageSession(options: StartCockpitOptions & LaunchOptions = {}): Promise<PageSession> {
    const cockpit = await startCockpit(options);
    let browser: TestBrowser | undefined;
    try {
        browser = await launchBrowser(options);
        const tab = await browser.newPage();
        const opened = browser;
        return {
            cockpit, browser: opened, tab,
            async close() {
                await opened.close();
                await cockpit.stop();
            },
        };
    } catch (error) {
        await browser?.close();
        await cockpit.stop();
        throw error;
    }
}
