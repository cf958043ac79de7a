// The row menu: only the actions the VM's current state allows.
import { Dropdown, DropdownItem, DropdownList, MenuToggle, type MenuToggleElement } from "@patternfly/react-core";
import { EllipsisVIcon } from "@patternfly/react-icons";
import { useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { allowedActions, type DomainState, type LifecycleAction } from "../../core/domain-state";
import { actionLabel } from "../../lib/labels";

export function VmActionsMenu({ name, state, disabled, onAction }: {
    name: string;
    state: DomainState;
    disabled: boolean;
    onAction: (action: LifecycleAction) => void;
}) {
    const [open, setOpen] = useState(false);
    const actions = allowedActions(state);
    return (
        <Dropdown
            isOpen={open}
            onOpenChange={setOpen}
            onSelect={() => setOpen(false)}
            popperProps={{ position: "right" }}
            toggle={(ref: React.Ref<MenuToggleElement>) => (
                <MenuToggle
                    ref={ref}
                    variant="plain"
                    isDisabled={disabled || actions.length === 0}
                    onClick={() => setOpen(!open)}
                    isExpanded={open}
                    aria-label={cockpit.format(_("Actions for $0"), name)}
                    className="kvm-row-actions"
                    icon={<EllipsisVIcon />}
                />
            )}
        >
            <DropdownList>
                {actions.map(action => (
                    <DropdownItem key={action} value={action} onClick={() => onAction(action)} data-action={action}
                        isDanger={action === "forceOff"}>
                        {actionLabel(action)}
                    </DropdownItem>
                ))}
            </DropdownList>
        </Dropdown>
    );
}
