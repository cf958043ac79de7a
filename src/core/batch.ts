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
    const results: BatchResult[] = new Array(names.length);
    let next = 0;
    let settled = 0;
    const worker = async (): Promise<void> => {
        while (next < names.length) {
            const index = next++;
            const name = names[index];
            try {
                results[index] = { name, ...await job(name) };
            } catch (error) {
                results[index] = { name, outcome: "failed", message: error instanceof Error ? error.message : String(error) };
            }
            settled++;
            onProgress(settled, names.length);
        }
    };
    const workers = Math.max(1, Math.min(limit, names.length));
    await Promise.all(Array.from({ length: workers }, worker));
    return results;
}

export function summarize(results: readonly BatchResult[]): Record<BatchOutcome, number> {
    const counts: Record<BatchOutcome, number> = { done: 0, skipped: 0, failed: 0 };
    for (const result of results) counts[result.outcome]++;
    return counts;
}
