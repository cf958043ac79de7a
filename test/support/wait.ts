// Polling for conditions that the real stack reaches in its own time (a VM's state, a page's content).

export interface WaitOptions {
    timeoutMs?: number;
    intervalMs?: number;
    /** What was awaited, for the timeout error; a function is called at the timeout. */
    message?: string | (() => string);
}

export function sleep(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * Calls `fn` until it returns something other than false, null or undefined, and returns that. A throw
 * counts as "not yet", so a condition may read things that do not exist yet; the last error is part of
 * the timeout error.
 */
export async function waitFor<T>(
    fn: () => T | Promise<T>,
    { timeoutMs = 30_000, intervalMs = 200, message = "condition" }: WaitOptions = {},
): Promise<Exclude<T, false | null | undefined>> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
        try {
            const value = await fn();
            if (value !== false && value !== null && value !== undefined) {
                return value as Exclude<T, false | null | undefined>;
            }
        } catch (err) {
            lastError = err;
        }
        if (Date.now() >= deadline) {
            const cause = lastError instanceof Error ? `: ${lastError.message}` : "";
            const what = typeof message === "function" ? message() : message;
            throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
        }
        await sleep(intervalMs);
    }
}
