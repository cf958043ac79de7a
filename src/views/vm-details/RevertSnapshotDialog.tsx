// Revert: says what is lost and asks whether the VM should run afterwards or stay as the snapshot saved it.
import { Button, Modal, ModalBody, ModalFooter, ModalHeader, ModalVariant, Radio, Stack, StackItem } from "@patternfly/react-core";
import { useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { NameSentence } from "../../components/DisplayName";
import { snapshotStateLabel } from "./snapshot-labels";

export function RevertSnapshotDialog({ vmName, snapshotName, snapshotState, onRevert, onCancel }: {
    vmName: string;
    snapshotName: string;
    snapshotState: string;
    onRevert: (start: boolean) => void;
    onCancel: () => void;
}) {
    const [start, setStart] = useState(false);
    return (
        <Modal isOpen variant={ModalVariant.small} onClose={onCancel} aria-labelledby="kvm-snapshot-revert-title" id="kvm-snapshot-revert">
            <ModalHeader title={_("Revert to snapshot?")} titleIconVariant="warning"
                labelId="kvm-snapshot-revert-title" />
            <ModalBody>
                <Stack hasGutter>
                    <StackItem>
                        <NameSentence names={[vmName, snapshotName]}
                            template={_("$0 goes back to snapshot “$1”. Its current disks and memory state are replaced by the snapshot's: anything changed since the snapshot was taken and not saved in another snapshot is lost.")} />
                    </StackItem>
                    <StackItem>
                        <Radio id="kvm-snapshot-revert-saved" name="kvm-snapshot-revert-after" isChecked={!start} onChange={() => setStart(false)}
                            label={cockpit.format(_("Leave as saved ($0)"), snapshotStateLabel(snapshotState))} />
                        <Radio id="kvm-snapshot-revert-start" name="kvm-snapshot-revert-after" isChecked={start} onChange={() => setStart(true)}
                            label={_("Start after revert")} />
                    </StackItem>
                </Stack>
            </ModalBody>
            <ModalFooter>
                <Button variant="danger" id="kvm-snapshot-revert-confirm" onClick={() => onRevert(start)}>{_("Revert")}</Button>
                <Button variant="link" onClick={onCancel}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
