import { Label } from "@patternfly/react-core";
import type { DomainState } from "../core/domain-state";
import { stateLabel } from "../lib/labels";

const COLORS: Record<DomainState, "green" | "orange" | "grey" | "red" | "blue" | "purple"> = {
    running: "green",
    blocked: "green",
    paused: "orange",
    "pm-suspended": "orange",
    "shutting-down": "blue",
    "shut-off": "grey",
    crashed: "red",
    unknown: "purple",
};

export function StateLabel({ state }: { state: DomainState }) {
    return <Label isCompact color={COLORS[state]} className="kvm-state" data-state={state}>{stateLabel(state)}</Label>;
}
