// A button for an action that needs administrative access: without it, the button stays focusable but
// disabled, and its tooltip says how to get access instead of failing call by call.
import { Button, Tooltip, type ButtonProps } from "@patternfly/react-core";
import { _ } from "../lib/cockpit";
import { ADMIN_ACCESS_HINT } from "./ConnectionEmptyState";

export function AdminButton({ readOnly, ...props }: ButtonProps & { readOnly: boolean }) {
    if (!readOnly) return <Button {...props} />;
    return (
        <Tooltip content={_(ADMIN_ACCESS_HINT)}>
            <Button {...props} isDisabled={false} isAriaDisabled onClick={undefined} />
        </Tooltip>
    );
}
