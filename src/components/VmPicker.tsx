// Picks several VMs from the host's list (the schedule and backup job forms): a filter field over a
// list of checkboxes, and the chosen VMs as removable labels. A chosen VM that is no longer defined
// stays chosen (the document names it) and says so, so saving never drops a name silently.
import { Alert, Button, Checkbox, HelperText, HelperTextItem, Label, LabelGroup, SearchInput } from "@patternfly/react-core";
import { useCallback, useEffect, useState } from "react";
import cockpit, { _ } from "../lib/cockpit";
import { DisplayName } from "./DisplayName";
import { displayNameText } from "../core/display-name";
import { STATS } from "../core/domain-stats";
import { getAllDomainStats } from "../libvirt/stats";

const VM_LIST_ATTEMPTS = 3;

// A VM that disappears while libvirt lists them fails the whole call, so a failure is tried again a
// few times, a second apart, before it is shown.
async function listVmNames(attempts: number): Promise<string[]> {
    for (let attempt = 1; ; attempt++) {
        try {
            return (await getAllDomainStats({ stats: STATS.STATE })).map(sample => sample.name);
        } catch (error) {
            if (attempt >= attempts) throw error;
            await new Promise(resolve => window.setTimeout(resolve, 1000));
        }
    }
}

export interface VmNames {
    // null while loading; [] when the list could not be read.
    vms: string[] | null;
    error: string | null;
    reload: () => void;
}

// The host's VM names for a picker, read once when the page opens.
export function useVmNames(): VmNames {
    const [vms, setVms] = useState<string[] | null>(null);
    const [error, setError] = useState<string | null>(null);
    const load = useCallback((): Promise<void> => listVmNames(VM_LIST_ATTEMPTS).then(names => {
        setVms(names);
        setError(null);
    }, (err: Error) => {
        setVms([]);
        setError(err.message);
    }), []);
    useEffect(() => { void load(); }, [load]);
    const reload = useCallback(() => {
        setVms(null);
        setError(null);
        void load();
    }, [load]);
    return { vms, error, reload };
}

export function VmPicker({ id, names, selected, invalid, isDisabled, onChange }: {
    id: string;
    names: VmNames;
    selected: readonly string[];
    invalid: boolean;
    isDisabled: boolean;
    onChange: (vms: string[]) => void;
}) {
    const available = names.vms;
    const [filter, setFilter] = useState("");
    const known = new Set(available ?? []);
    const all = [...new Set([...(available ?? []), ...selected])].sort((a, b) => a.localeCompare(b));
    const needle = filter.trim().toLocaleLowerCase();
    const shown = needle ? all.filter(name => displayNameText(name).toLocaleLowerCase().includes(needle)) : all;
    const chosen = new Set(selected);
    const toggle = (name: string, on: boolean): void => {
        onChange(on ? [...selected, name] : selected.filter(n => n !== name));
    };
    return (
        <div id={id} className="kvm-vm-picker">
            <SearchInput id={`${id}-filter`} placeholder={_("Filter VMs by name")} aria-label={_("Filter VMs by name")}
                value={filter} onChange={(_event, value) => setFilter(value)} onClear={() => setFilter("")} isDisabled={isDisabled} />
            <div className={invalid ? "kvm-vm-picker-list kvm-invalid" : "kvm-vm-picker-list"} role="group" aria-label={_("Virtual machines")}>
                {available === null && <HelperText><HelperTextItem>{_("Loading virtual machines…")}</HelperTextItem></HelperText>}
                {available !== null && shown.length === 0 &&
                    <HelperText><HelperTextItem>{all.length === 0 ? _("There are no virtual machines.") : _("No VM matches the filter.")}</HelperTextItem></HelperText>}
                {shown.map((name, index) => (
                    <Checkbox key={name} id={`${id}-vm-${index}`} data-vm-name={name} isChecked={chosen.has(name)} isDisabled={isDisabled}
                        onChange={(_event, on) => toggle(name, on)}
                        label={<><DisplayName name={name} />{!known.has(name) && available !== null &&
                            <span className="kvm-muted"> {_("(not defined on this host)")}</span>}</>} />
                ))}
            </div>
            {selected.length > 0 &&
                <LabelGroup categoryName={_("Chosen")} numLabels={8} className="kvm-vm-picker-chosen"
                    expandedText={_("Show fewer")} collapsedText={cockpit.format(_("$0 more"), "${remaining}")}>
                    {selected.map(name => (
                        <Label key={name} variant="outline" isDisabled={isDisabled}
                            closeBtnAriaLabel={cockpit.format(_("Remove $0"), displayNameText(name))}
                            onClose={isDisabled ? undefined : () => toggle(name, false)}>
                            <DisplayName name={name} truncate />
                        </Label>
                    ))}
                </LabelGroup>}
            {names.error &&
                <Alert isInline isPlain variant="danger" title={_("The list of VMs could not be read")} id={`${id}-error`}
                    actionLinks={<Button variant="link" isInline onClick={names.reload}>{_("Try again")}</Button>}>
                    {names.error}
                </Alert>}
        </div>
    );
}
