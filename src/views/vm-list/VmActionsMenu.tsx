// The row menu: only the actions the VM's current state allows, then Clone and Delete.
import { Divider, Dropdown, DropdownItem, DropdownList, MenuToggle, type MenuToggleElement } from "@patternfly/react-core";
import { EllipsisVIcon } from "@patternfly/react-icons";
import { useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { allowedActions, type DomainState, type LifecycleAction } from "../../core/domain-state";
import { actionLabel } from "../../lib/labels";
import { allowedCommands, type VmCommand } from "../vm-lifecycle/useCloneDelete";

export function VmActionsMenu({ name, state, disabled, onAction, onCommand }: {
    name: string;
    state: DomainState;
    disabled: boolean;
    onAction: (action: LifecycleAction) => void;
    onCommand: (command: VmCommand) => void;
}) {
    const [open, setOpen] = useState(false);
    const actions = allowedActions(state);
    const commands = allowedCommands(state);
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
                    isDisabled={disabled}
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
                {actions.length > 0 && <Divider component="li" />}
                {commands.map(command => (
                    <DropdownItem key={command} value={command} onClick={() => onCommand(command)} data-command={command}
                        isDanger={command === "delete"}>
                        {command === "clone" ? _("Clone…") : _("Delete…")}
                    </DropdownItem>
                ))}
            </DropdownList>
        </Dropdown>
    );
}
