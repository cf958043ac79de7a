// A list of insights: severity, title, the numbers and the range behind them, and what to do. The
// Insights page shows the VM of each; the VM details page adds an Apply button where one click can do it.
import { Label } from "@patternfly/react-core";
import type { ReactNode } from "react";
import type { Suggestion } from "../core/insights/types";
import { vmDetailsPath } from "../lib/paths";
import { DisplayName } from "./DisplayName";
import { RouteLink } from "./RouteLink";
import {
    evidenceRange, severityColor, severityLabel, suggestionEvidence, suggestionRecommendation, suggestionTitle,
} from "./suggestion-text";

export function SuggestionList({ suggestions, showVm, action }: {
    suggestions: readonly Suggestion[];
    showVm: boolean;
    // Extra content at the end of an item (the details page's Apply button).
    action?: (s: Suggestion) => ReactNode;
}) {
    return (
        <ul className="kvm-suggestions">
            {suggestions.map(s => (
                <li key={s.id} className="kvm-suggestion" data-vm={s.vm} data-kind={s.kind} data-severity={s.severity}>
                    <div className="kvm-suggestion-head">
                        <Label isCompact color={severityColor(s.severity)}>{severityLabel(s.severity)}</Label>
                        <span className="kvm-suggestion-title">{suggestionTitle(s)}</span>
                        {showVm &&
                            <RouteLink path={vmDetailsPath(s.vm)} className="kvm-suggestion-vm"><DisplayName name={s.vm} truncate /></RouteLink>}
                    </div>
                    <div className="kvm-suggestion-evidence">
                        {suggestionEvidence(s)} <span className="kvm-muted">{evidenceRange(s)}</span>
                    </div>
                    <div className="kvm-suggestion-recommendation">{suggestionRecommendation(s)}</div>
                    {action?.(s)}
                </li>
            ))}
        </ul>
    );
}
