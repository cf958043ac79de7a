// The VM's insights for a range, with one-click Apply for vCPU and memory changes: always to the
// persistent definition, and to the running VM where libvirt allows it (core/insights/apply-plan.ts).
// The confirmation says exactly what changes and when it takes effect; the result shows libvirt's word.
import {
    Alert, AlertActionCloseButton, Button, Card, CardBody, CardHeader, CardTitle, Content, Spinner, Tooltip,
} from "@patternfly/react-core";
import { useState } from "react";
import { isActive, type DomainState } from "../../core/domain-state";
import { parseDomainXml } from "../../core/domain-xml";
import { formatBytes } from "../../core/format";
import { SET_MAXIMUM, planSizeChange, type SizeNow, type SizePlan } from "../../core/insights/apply-plan";
import type { InsightsRange } from "../../core/insights/summary";
import type { SizeChange, Suggestion } from "../../core/insights/types";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { InsightsRangeSelector } from "../../components/InsightsRangeSelector";
import { ADMIN_ACCESS_HINT } from "../../components/ConnectionEmptyState";
import { NameSentence } from "../../components/DisplayName";
import { SuggestionList } from "../../components/SuggestionList";
import { notEnoughData, vcpuCount } from "../../components/suggestion-text";
import cockpit, { _ } from "../../lib/cockpit";
import { toLibvirtError } from "../../libvirt/connection";
import { getDomainXml, lookupDomainPath, setDomainSize } from "../../libvirt/domains";
import { useInsights } from "../../state/insights";

const kib = (value: number) => formatBytes(value * 1024, cockpit.language);

function sizeText(change: SizeChange, to: boolean): string {
    if (change.kind === "vcpus") return vcpuCount(to ? change.to : change.from);
    return kib(to ? change.toKiB : change.fromKiB);
}

async function readSizes(name: string, active: boolean): Promise<{ path: string; now: SizeNow }> {
    const path = await lookupDomainPath({ name });
    const sizes = (xml: string) => {
        const d = parseDomainXml(xml);
        return {
            vcpus: d.currentVcpus ?? d.vcpus ?? 1, maxVcpus: d.vcpus ?? 1,
            memoryKiB: d.currentMemoryKiB ?? d.memoryKiB ?? 0, maxMemoryKiB: d.memoryKiB ?? 0,
        };
    };
    const config = sizes(await getDomainXml({ path, inactive: true }));
    const live = active ? sizes(await getDomainXml({ path })) : null;
    return { path, now: { config, live } };
}

interface Pending {
    suggestion: Suggestion;
    change: SizeChange;
    path: string;
    now: SizeNow;
    plan: SizePlan;
}

type Result = { variant: "success" | "warning" | "danger"; title: string; detail: string | null };

// What the confirmation and the result say about when the change takes effect.
function effectText(p: Pending, active: boolean): string {
    if (p.plan.appliesLive) {
        return p.change.kind === "vcpus"
            ? cockpit.format(_("The running VM gets them now (hot-plug, up to its maximum of $0), and keeps them after a restart."), p.now.live?.maxVcpus ?? "")
            : _("The running VM's balloon is set to it now, and the new size stays after a restart.");
    }
    if (!active) return _("It takes effect when the VM next starts.");
    return p.change.kind === "vcpus" && p.change.to < p.change.from
        ? _("It takes effect at the next boot: vCPUs are not removed from a running VM.")
        : _("It takes effect at the next boot: the running VM cannot grow past its current maximum.");
}

export function SuggestionsCard({ name, state, readOnly, onDefinitionChanged }: {
    name: string;
    state: DomainState;
    readOnly: boolean;
    onDefinitionChanged: () => void;
}) {
    const [range, setRange] = useState<InsightsRange>("24h");
    const insights = useInsights(range, name);
    const [pending, setPending] = useState<Pending | null>(null);
    const [busy, setBusy] = useState<string | null>(null);
    const [result, setResult] = useState<Result | null>(null);
    // Suggestions applied from here: a change that waits for the next boot still shows (the running VM
    // keeps its size), without offering the same Apply again.
    const [applied, setApplied] = useState<ReadonlySet<string>>(new Set());
    const active = isActive(state);
    const vm = insights.response?.vms.find(v => v.vm === name) ?? null;
    const suggestions = insights.response?.suggestions ?? [];

    const prepare = async (suggestion: Suggestion, change: SizeChange): Promise<void> => {
        setBusy(suggestion.id);
        setResult(null);
        try {
            const { path, now } = await readSizes(name, active);
            setPending({ suggestion, change, path, now, plan: planSizeChange(change, now) });
        } catch (e) {
            setResult({ variant: "danger", title: _("The VM's current size could not be read"), detail: toLibvirtError(e).message });
            setBusy(null);
        }
    };

    const apply = async (p: Pending): Promise<void> => {
        setPending(null);
        const what = cockpit.format(p.change.kind === "vcpus" ? _("vCPUs set to $0") : _("Memory set to $0"), sizeText(p.change, true));
        let savedForBoot = false;
        try {
            for (const step of p.plan.steps) {
                try {
                    await setDomainSize({ path: p.path, method: step.method, value: step.value, flags: step.flags });
                } catch (e) {
                    if (step.live && savedForBoot) {
                        setApplied(previous => new Set(previous).add(p.suggestion.id));
                        setResult({
                            variant: "warning", title: cockpit.format(_("$0 for the next boot, but not now"), what),
                            detail: toLibvirtError(e).message,
                        });
                        return;
                    }
                    throw e;
                }
                if (!step.live) savedForBoot = true;
            }
            setResult({ variant: "success", title: what, detail: effectText(p, active) });
            setApplied(previous => new Set(previous).add(p.suggestion.id));
        } catch (e) {
            setResult({ variant: "danger", title: _("The size could not be changed"), detail: toLibvirtError(e).message });
        } finally {
            setBusy(null);
            onDefinitionChanged();
            insights.reload();
        }
    };

    const applyButton = (s: Suggestion) => {
        const change = s.change;
        if (!change) return null;
        if (applied.has(s.id)) {
            return <div className="kvm-suggestion-action kvm-muted" data-applied={s.kind}>{_("Applied to the persistent configuration.")}</div>;
        }
        const label = change.kind === "vcpus" ? cockpit.format(_("Apply: $0"), vcpuCount(change.to)) : cockpit.format(_("Apply: $0"), kib(change.toKiB));
        return (
            <div className="kvm-suggestion-action">
                {readOnly
                    ? <Tooltip content={_(ADMIN_ACCESS_HINT)}>
                        <Button variant="secondary" size="sm" data-apply={s.kind} isAriaDisabled>{label}</Button>
                    </Tooltip>
                    : <Button variant="secondary" size="sm" data-apply={s.kind} isDisabled={busy !== null}
                        isLoading={busy === s.id} onClick={() => void prepare(s, change)}>{label}</Button>}
            </div>
        );
    };

    return (
        <Card id="kvm-suggestions" data-range={range} data-state={insights.response ? "ready" : insights.error ? "error" : "loading"}>
            <CardHeader actions={{ actions: <InsightsRangeSelector range={range} onChange={setRange} idPrefix="kvm-suggestions-range" />, hasNoOffset: true }}>
                <CardTitle>{_("Suggestions")}</CardTitle>
            </CardHeader>
            <CardBody>
                {result &&
                    <Alert isInline variant={result.variant} title={result.title} id="kvm-suggestion-result" className="kvm-row-error"
                        actionClose={<AlertActionCloseButton onClose={() => setResult(null)} />}>{result.detail}</Alert>}
                {insights.error && <Alert isInline variant="warning" title={_("Insights could not be computed")}>{insights.error}</Alert>}
                {!insights.response && !insights.error && <Spinner size="lg" aria-label={_("Loading suggestions")} />}
                {insights.response && vm && !vm.coverage.enough &&
                    <Content component="p" className="kvm-muted" id="kvm-suggestions-waiting">{notEnoughData(vm.coverage)}</Content>}
                {insights.response && (!vm || vm.coverage.enough) && suggestions.length === 0 &&
                    <Content component="p" className="kvm-muted" id="kvm-suggestions-none">
                        {vm ? _("No suggestions: this VM's size fits its use in this range.") : _("Nothing was collected for this VM in this range.")}
                    </Content>}
                {suggestions.length > 0 && <SuggestionList suggestions={suggestions} showVm={false} action={applyButton} />}
            </CardBody>
            {pending &&
                <ConfirmDialog
                    title={<NameSentence template={pending.change.kind === "vcpus" ? _("Change the vCPUs of $0?") : _("Change the memory of $0?")} names={[name]} />}
                    confirmLabel={_("Apply")}
                    onCancel={() => {
                        setPending(null);
                        setBusy(null);
                    }}
                    onConfirm={() => void apply(pending)}
                    body={
                        <div id="kvm-apply-summary">
                            <p>{cockpit.format(pending.change.kind === "vcpus"
                                ? _("vCPUs: from $0 to $1, in the VM's persistent configuration.")
                                : _("Memory: from $0 to $1, in the VM's persistent configuration."), sizeText(pending.change, false), sizeText(pending.change, true))}</p>
                            {pending.plan.steps.some(s => s.flags & SET_MAXIMUM) &&
                                <p>{pending.change.kind === "vcpus"
                                    ? cockpit.format(_("Its maximum is raised to $0 as well."), pending.change.to)
                                    : cockpit.format(_("Its maximum memory is raised to $0 as well."), kib(pending.change.toKiB))}</p>}
                            <p>{effectText(pending, active)}</p>
                        </div>
                    } />}
        </Card>
    );
}
