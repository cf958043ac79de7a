// The insights of the host (or of one VM) for a range, re-read every 5 minutes while the page is
// shown: the history behind them moves slowly, and a hidden page costs the host nothing.
import { useCallback, useEffect, useRef, useState } from "react";
import type { InsightsRange, InsightsResponse } from "../core/insights/summary";
import cockpit from "../lib/cockpit";
import { fetchInsights } from "../host/insights";

export const INSIGHTS_REFRESH_MS = 5 * 60_000;

export interface InsightsState {
    // Null until an answer for this range arrives (never the previous range's numbers).
    response: InsightsResponse | null;
    error: string | null;
    loading: boolean;
    updatedAtMs: number | null;
    reload: () => void;
}

export function useInsights(range: InsightsRange, vm?: string): InsightsState {
    const [response, setResponse] = useState<InsightsResponse | null>(null);
    const [error, setError] = useState<string | null>(null);
    const [loading, setLoading] = useState(true);
    const [updatedAtMs, setUpdatedAtMs] = useState<number | null>(null);
    const [version, setVersion] = useState(0);
    const lastLoad = useRef(0);

    useEffect(() => {
        let cancelled = false;
        let timer: ReturnType<typeof setTimeout> | null = null;
        const schedule = (delayMs: number): void => {
            if (timer) clearTimeout(timer);
            timer = cockpit.hidden ? null : setTimeout(() => void load(), delayMs);
        };
        const load = async (): Promise<void> => {
            setLoading(true);
            lastLoad.current = Date.now();
            try {
                const answer = await fetchInsights({ range, vm });
                if (cancelled) return;
                setResponse(answer);
                setError(null);
                setUpdatedAtMs(Date.now());
            } catch (e) {
                if (!cancelled) setError((e as Error).message);
            }
            if (cancelled) return;
            setLoading(false);
            schedule(INSIGHTS_REFRESH_MS);
        };
        // Hidden: no timer. Shown again: read at once if the last answer is older than the interval.
        const onVisibility = (): void => {
            if (cancelled) return;
            if (cockpit.hidden) {
                if (timer) clearTimeout(timer);
                timer = null;
            } else {
                schedule(Math.max(0, lastLoad.current + INSIGHTS_REFRESH_MS - Date.now()));
            }
        };
        cockpit.addEventListener("visibilitychange", onVisibility);
        void load();
        return () => {
            cancelled = true;
            if (timer) clearTimeout(timer);
            cockpit.removeEventListener("visibilitychange", onVisibility);
        };
    }, [range, vm, version]);

    const reload = useCallback(() => setVersion(v => v + 1), []);
    const current = response?.range === range ? response : null;
    return { response: current, error, loading, updatedAtMs, reload };
}
