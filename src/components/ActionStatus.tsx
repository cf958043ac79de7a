// A card's running action and its last failure: a spinner with what is being done, then libvirt's
// message in a dismissable alert. `id` prefixes both ("kvm-disks" gives kvm-disks-pending, -failure).
import { Alert, AlertActionCloseButton, Spinner } from "@patternfly/react-core";

export interface ActionFailure {
    title: string;
    message: string;
}

export function ActionStatus({ id, pendingText, failure, onDismiss }: {
    id: string;
    pendingText: string | null;
    failure: ActionFailure | null;
    onDismiss: () => void;
}) {
    return (
        <>
            {pendingText !== null && <div className="kvm-pending" id={`${id}-pending`}><Spinner size="sm" /> {pendingText}</div>}
            {failure &&
                <Alert isInline variant="danger" id={`${id}-failure`} title={failure.title}
                    actionClose={<AlertActionCloseButton onClose={onDismiss} />}>{failure.message}</Alert>}
        </>
    );
}
