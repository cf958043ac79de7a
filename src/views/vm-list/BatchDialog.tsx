// Progress and per-VM results of a batch action. Skipped (the action does not apply to the VM's state)
// is reported apart from failed, which carries libvirt's own message.
import {
    Button, Modal, ModalBody, ModalFooter, ModalHeader, ModalVariant, Progress, ProgressMeasureLocation,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { CheckCircleIcon, ExclamationCircleIcon, MinusCircleIcon } from "@patternfly/react-icons";
import cockpit, { _ } from "../../lib/cockpit";
import { summarize, type BatchResult } from "../../core/batch";
import { DisplayName } from "../../components/DisplayName";
import { batchActionLabel, type BatchAction } from "../../lib/labels";

export interface BatchState {
    action: BatchAction;
    total: number;
    settled: number;
    results: BatchResult[] | null;
}

function OutcomeCell({ result }: { result: BatchResult }) {
    switch (result.outcome) {
    case "done":
        return <span className="kvm-outcome"><CheckCircleIcon className="kvm-outcome-done" /> {_("Done")}</span>;
    case "skipped":
        return <span className="kvm-outcome"><MinusCircleIcon className="kvm-muted" /> {_("Skipped: not possible in its current state")}</span>;
    case "failed":
        return <span className="kvm-outcome"><ExclamationCircleIcon className="kvm-outcome-failed" /> {result.message}</span>;
    }
}

export function BatchDialog({ batch, onClose }: { batch: BatchState; onClose: () => void }) {
    const finished = batch.results !== null;
    const counts = batch.results ? summarize(batch.results) : null;
    const title = cockpit.format(_("$0: $1 virtual machines"), batchActionLabel(batch.action), batch.total);
    return (
        // While the batch runs nothing in the dialog is focusable (Close waits for the results), and PF's
        // focus trap throws without a focusable element.
        <Modal isOpen variant={ModalVariant.medium} onClose={finished ? onClose : undefined} disableFocusTrap={!finished}
            aria-labelledby="kvm-batch-title" id="kvm-batch-dialog">
            <ModalHeader title={title} labelId="kvm-batch-title" />
            <ModalBody>
                <Progress
                    id="kvm-batch-progress"
                    value={batch.total === 0 ? 100 : batch.settled / batch.total * 100}
                    title={finished
                        ? cockpit.format(_("$0 done, $1 skipped, $2 failed"), counts?.done, counts?.skipped, counts?.failed)
                        : cockpit.format(_("$0 of $1"), batch.settled, batch.total)}
                    label={cockpit.format(_("$0 of $1"), batch.settled, batch.total)}
                    measureLocation={ProgressMeasureLocation.outside}
                    variant={counts && counts.failed > 0 ? "danger" : finished ? "success" : undefined}
                />
                {batch.results &&
                    <Table variant="compact" aria-label={_("Results")} id="kvm-batch-results">
                        <Thead><Tr><Th width={40}>{_("Virtual machine")}</Th><Th>{_("Result")}</Th></Tr></Thead>
                        <Tbody>
                            {batch.results.map(result => (
                                <Tr key={result.name} data-vm-name={result.name} data-outcome={result.outcome}>
                                    <Td dataLabel={_("Virtual machine")} modifier="breakWord"><DisplayName name={result.name} /></Td>
                                    <Td dataLabel={_("Result")}><OutcomeCell result={result} /></Td>
                                </Tr>
                            ))}
                        </Tbody>
                    </Table>}
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" onClick={onClose} isDisabled={!finished}>{_("Close")}</Button>
            </ModalFooter>
        </Modal>
    );
}
