// Disk and network I/O hot spots: the VMs that move most of the host's bytes over the range. A share
// alone means little on an idle host, so a VM must also move a real amount.
import type { MetricName } from "../metrics/rollup";
import { COLLECT_INTERVAL_MS } from "../metrics/tiers";
import { makeSuggestion, round } from "./series-stats";
import type { Suggestion, VmHistory } from "./types";

export const HOTSPOT_SHARE_PERCENT = 40;
export const HOTSPOT_WARNING_PERCENT = 60;
export const HOTSPOT_MIN_BPS = 1024 * 1024;

// Bytes moved over the range: each bucket's average rate for the time its samples stand for (the sum
// of the metrics, e.g. read and write); for any other metric, its integral over time.
export function bytesMoved(history: VmHistory, metrics: readonly MetricName[]): { bytes: number; seconds: number } {
    let bytes = 0;
    let seconds = 0;
    for (let i = 0; i < history.samples.length; i++) {
        const n = history.samples[i];
        if (n <= 0) continue;
        let any = false;
        let rate = 0;
        for (const m of metrics) {
            const v = history.series[m].avg[i];
            if (v === null || !Number.isFinite(v)) continue;
            rate += v;
            any = true;
        }
        if (!any) continue;
        const s = n * COLLECT_INTERVAL_MS / 1000;
        bytes += rate * s;
        seconds += s;
    }
    return { bytes, seconds };
}

const FAMILIES = [
    { kind: "io-disk", metrics: ["diskReadBps", "diskWriteBps"] },
    { kind: "io-network", metrics: ["netRxBps", "netTxBps"] },
] as const;

// histories: every VM of the host over the same range; dataHours: per VM, for the evidence.
export function ioHotspots(histories: readonly VmHistory[], dataHours: ReadonlyMap<string, number>): Suggestion[] {
    const out: Suggestion[] = [];
    for (const family of FAMILIES) {
        const moved = histories.map(h => ({ history: h, ...bytesMoved(h, family.metrics) })).filter(m => m.bytes > 0);
        // With one busy VM there is nobody to take I/O from.
        if (moved.length < 2) continue;
        const total = moved.reduce((sum, m) => sum + m.bytes, 0);
        for (const m of moved) {
            const share = m.bytes / total * 100;
            const meanBps = m.seconds > 0 ? m.bytes / m.seconds : 0;
            if (share < HOTSPOT_SHARE_PERCENT || meanBps < HOTSPOT_MIN_BPS) continue;
            out.push(makeSuggestion(m.history, dataHours.get(m.history.vm) ?? 0, {
                kind: family.kind, category: "io", severity: share >= HOTSPOT_WARNING_PERCENT ? "warning" : "info",
                values: { sharePercent: round(share), meanBps: Math.round(meanBps), totalBytes: Math.round(m.bytes), vmsWithIo: moved.length },
                change: null,
            }));
        }
    }
    return out;
}
