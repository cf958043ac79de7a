import { Progress, ProgressMeasureLocation, ProgressSize } from "@patternfly/react-core";

// A compact bar with its figure. `value` null means "no figure yet" (first sample of a running VM).
export function UsageCell({ value, label, ariaLabel }: { value: number | null; label: string; ariaLabel: string }) {
    if (value === null) return <span className="kvm-usage-pending">{label}</span>;
    return (
        <Progress
            className="kvm-usage"
            value={value}
            label={label}
            valueText={label}
            size={ProgressSize.sm}
            measureLocation={ProgressMeasureLocation.outside}
            aria-label={ariaLabel}
        />
    );
}
