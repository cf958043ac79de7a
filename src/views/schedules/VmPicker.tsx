// Picks several VMs from the host's list: a filter field over a list of checkboxes, and the chosen VMs
// as removable labels. A chosen VM that is no longer defined stays chosen (the schedule names it) and
// says so, so saving never drops a name silently.
import { Checkbox, HelperText, HelperTextItem, Label, LabelGroup, SearchInput } from "@patternfly/react-core";
import { useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { DisplayName } from "../../components/DisplayName";
import { displayNameText } from "../../core/display-name";

export function VmPicker({ id, available, selected, invalid, isDisabled, onChange }: {
    id: string;
    // null while the list is loading.
    available: readonly string[] | null;
    selected: readonly string[];
    invalid: boolean;
    isDisabled: boolean;
    onChange: (vms: string[]) => void;
}) {
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
        </div>
    );
}
