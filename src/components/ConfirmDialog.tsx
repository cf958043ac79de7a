import { Button, Modal, ModalBody, ModalFooter, ModalHeader, ModalVariant } from "@patternfly/react-core";
import type { ReactNode } from "react";
import { _ } from "../lib/cockpit";

export function ConfirmDialog({ title, body, confirmLabel, danger = false, onConfirm, onCancel }: {
    // A node, so a name in the title can show its invisible characters (see DisplayName).
    title: ReactNode;
    body: ReactNode;
    confirmLabel: string;
    danger?: boolean;
    onConfirm: () => void;
    onCancel: () => void;
}) {
    return (
        <Modal isOpen variant={ModalVariant.small} onClose={onCancel} aria-labelledby="kvm-confirm-title" id="kvm-confirm-dialog">
            <ModalHeader title={title} titleIconVariant={danger ? "warning" : undefined} labelId="kvm-confirm-title" />
            <ModalBody>{body}</ModalBody>
            <ModalFooter>
                <Button variant={danger ? "danger" : "primary"} onClick={onConfirm} id="kvm-confirm-button">{confirmLabel}</Button>
                <Button variant="link" onClick={onCancel}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
