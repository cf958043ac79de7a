import { runBatch, settleAll, summarize } from "../../src/core/batch";
import { createLimiter } from "../../src/core/limiter";

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

describe("settleAll", () => {
    test("like Promise.allSettled, in the items' order, with at most `limit` in flight", async () => {
        let inFlight = 0;
        let peak = 0;
        const items = Array.from({ length: 30 }, (_, i) => i);
        const settled = await settleAll(items, 8, async i => {
            inFlight++;
            peak = Math.max(peak, inFlight);
            // Later items finish first: the order of results must not follow the order of settling.
            await new Promise(resolve => setTimeout(resolve, 30 - i));
            inFlight--;
            if (i % 7 === 3) throw new Error(`Domain not found: ${i}`);
            return i * 2;
        });
        expect(peak).toBe(8);
        expect(settled).toHaveLength(30);
        settled.forEach((result, i) => {
            if (i % 7 === 3) expect(result).toEqual({ status: "rejected", reason: new Error(`Domain not found: ${i}`) });
            else expect(result).toEqual({ status: "fulfilled", value: i * 2 });
        });
    });

    test("a job that throws a non-Error value is rejected with that value; nothing to do settles at once", async () => {
        expect(await settleAll(["x"], 2, () => Promise.reject("gone"))).toEqual([{ status: "rejected", reason: "gone" }]);
        expect(await settleAll([], 4, async () => 1)).toEqual([]);
    });
});

describe("createLimiter", () => {
    test("never more than the limit at once, waiting jobs start in order, a failure frees its slot", async () => {
        const limiter = createLimiter(3);
        let inFlight = 0;
        let peak = 0;
        const started: number[] = [];
        const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => limiter.run(async () => {
            started.push(i);
            inFlight++;
            peak = Math.max(peak, inFlight);
            await new Promise(resolve => setTimeout(resolve, 12 - i));
            inFlight--;
            if (i === 4) throw new Error("The maximum number of pending replies per connection has been reached");
            return i;
        })));
        expect(peak).toBe(3);
        expect(started).toEqual(Array.from({ length: 12 }, (_, i) => i));
        expect(results[4]).toEqual({ status: "rejected", reason: new Error("The maximum number of pending replies per connection has been reached") });
        expect(results.filter(r => r.status === "fulfilled").map(r => (r as PromiseFulfilledResult<number>).value)).toEqual([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11]);
        // Every slot came back: three more run at once again.
        let again = 0;
        await Promise.all([1, 2, 3].map(() => limiter.run(async () => {
            again++;
            await new Promise(resolve => setTimeout(resolve, 1));
        })));
        expect(again).toBe(3);
    });
});
