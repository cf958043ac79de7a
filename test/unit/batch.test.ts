import { runBatch, summarize } from "../../src/core/batch";

const tick = () => new Promise(resolve => setTimeout(resolve, 1));

describe("runBatch", () => {
    test("never more than `limit` jobs in flight, every job runs once, order of results kept", async () => {
        let inFlight = 0;
        let peak = 0;
        const seen: string[] = [];
        const names = Array.from({ length: 25 }, (_, i) => `vm-${i}`);
        const results = await runBatch(names, 4, async name => {
            seen.push(name);
            inFlight++;
            peak = Math.max(peak, inFlight);
            await tick();
            inFlight--;
            return { outcome: "done" };
        });
        expect(peak).toBe(4);
        expect(seen.sort()).toEqual([...names].sort());
        expect(results.map(r => r.name)).toEqual(names);
    });

    test("a throwing job is a failed result with its message; the rest go on", async () => {
        const results = await runBatch(["a", "b", "c"], 2, async name => {
            if (name === "b") throw new Error("Domain not found");
            return name === "c" ? { outcome: "skipped" } : { outcome: "done" };
        });
        expect(results).toEqual([
            { name: "a", outcome: "done" },
            { name: "b", outcome: "failed", message: "Domain not found" },
            { name: "c", outcome: "skipped" },
        ]);
        expect(summarize(results)).toEqual({ done: 1, skipped: 1, failed: 1 });
    });

    test("progress counts up to the total", async () => {
        const progress: string[] = [];
        await runBatch(["x", "y", "z"], 10, async () => ({ outcome: "done" }), (n, m) => progress.push(`${n}/${m}`));
        expect(progress).toEqual(["1/3", "2/3", "3/3"]);
    });

    test("an empty batch and a zero limit", async () => {
        expect(await runBatch([], 3, async () => ({ outcome: "done" }))).toEqual([]);
        expect(await runBatch(["only"], 0, async () => ({ outcome: "done" }))).toEqual([{ name: "only", outcome: "done" }]);
    });
});
