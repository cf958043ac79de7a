// The ranges insights are computed over, as a toggle group (the Insights page and the VM details page's
// Suggestions card).
import { ToggleGroup, ToggleGroupItem } from "@patternfly/react-core";
import { INSIGHTS_RANGES, type InsightsRange } from "../core/insights/summary";
import { _ } from "../lib/cockpit";

export function rangeLabel(range: InsightsRange): string {
    switch (range) {
    case "1h": return _("1 hour");
    case "6h": return _("6 hours");
    case "24h": return _("24 hours");
    case "7d": return _("7 days");
    case "30d": return _("30 days");
    }
}

export function InsightsRangeSelector({ range, onChange, idPrefix }: { range: InsightsRange; onChange: (r: InsightsRange) => void; idPrefix: string }) {
    return (
        <ToggleGroup aria-label={_("Time range")} isCompact>
            {INSIGHTS_RANGES.map(r => (
                <ToggleGroupItem key={r} text={rangeLabel(r)} buttonId={`${idPrefix}-${r}`} isSelected={range === r} onChange={() => onChange(r)} />
            ))}
        </ToggleGroup>
    );
}
