// Runs one async job per item with at most `limit` in flight, reporting progress as jobs settle.
// A job that throws becomes a "failed" result instead of stopping the batch.

export type BatchOutcome = "done" | "skipped" | "failed";

export interface BatchResult {
    name: string;
    outcome: BatchOutcome;
    message?: string;
}

export async function runBatch(
    names: readonly string[],
    limit: number,
    job: (name: string) => Promise<Omit<BatchResult, "name">>,
    onProgress: (settled: number, total: number) => void = () => {},
): Promise<BatchResult[]> {
    const settled = await settleAll(names, limit, job, onProgress);
    return settled.map((result, index): BatchResult => result.status === "fulfilled"
        ? { name: names[index], ...result.value }
        : { name: names[index], outcome: "failed", message: result.reason instanceof Error ? result.reason.message : String(result.reason) });
}

/**
 * Promise.allSettled over `items` with at most `limit` jobs in flight: a page reading something per VM
 * of a thousand keeps its other calls (and libvirt-dbus' few threads) from queueing behind them all.
 */
export async function settleAll<T, R>(
    items: readonly T[],
    limit: number,
    job: (item: T) => Promise<R>,
    onSettled: (settled: number, total: number) => void = () => {},
): Promise<PromiseSettledResult<R>[]> {
    const results: PromiseSettledResult<R>[] = new Array(items.length);
    let next = 0;
    let settled = 0;
    const worker = async (): Promise<void> => {
        while (next < items.length) {
            const index = next++;
            try {
                results[index] = { status: "fulfilled", value: await job(items[index]) };
            } catch (reason) {
                results[index] = { status: "rejected", reason };
            }
            settled++;
            onSettled(settled, items.length);
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
    return results;
}

export function summarize(results: readonly BatchResult[]): Record<BatchOutcome, number> {
    const counts: Record<BatchOutcome, number> = { done: 0, skipped: 0, failed: 0 };
    for (const result of results) counts[result.outcome]++;
    return counts;
}
