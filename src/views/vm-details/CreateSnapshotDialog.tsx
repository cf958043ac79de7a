// Create a snapshot: name (defaulted from the time, checked as typed), description, and the kind the VM's
// disks allow. What is not possible is said before the user clicks, naming the disk, with what is possible
// instead, so libvirt's raw refusal is the exception rather than the answer.
import {
    Alert, Button, Checkbox, Form, FormGroup, FormHelperText, HelperText, HelperTextItem, Modal, ModalBody, ModalFooter,
    ModalHeader, ModalVariant, Radio, TextArea, TextInput,
} from "@patternfly/react-core";
import { useMemo, useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import type { DomainDescription } from "../../core/domain-xml";
import { defaultSnapshotName, snapshotKindOptions, snapshotNameProblem, type SnapshotKind } from "../../core/snapshots";
import { blockerText, nameProblemText } from "./snapshot-labels";

export interface CreateSnapshotRequest {
    name: string;
    description: string;
    kind: SnapshotKind;
}

export function CreateSnapshotDialog({ vmName, domain, active, taken, onCreate, onCancel }: {
    vmName: string;
    domain: DomainDescription;
    active: boolean;
    taken: string[];
    onCreate: (request: CreateSnapshotRequest) => void;
    onCancel: () => void;
}) {
    const [name, setName] = useState(() => defaultSnapshotName(new Date(), taken));
    const [description, setDescription] = useState("");
    const options = useMemo(() => snapshotKindOptions(domain, active), [domain, active]);
    const internal = options.find(o => o.kind === "internal");
    const external = options.find(o => o.kind === "external-disk-only");
    const [kind, setKind] = useState<SnapshotKind | null>(
        internal?.possible ? "internal" : external?.possible ? "external-disk-only" : null);
    const problem = snapshotNameProblem(name, taken);
    const [touched, setTouched] = useState(false);

    const internalWhyNot = internal && !internal.possible
        ? [
            ...internal.blockers.map(blockerText),
            ...(internal.uefi ? [_("The VM boots with UEFI firmware, whose variable store cannot be saved in an internal snapshot.")] : []),
        ]
        : [];

    return (
        <Modal isOpen variant={ModalVariant.medium} onClose={onCancel} aria-labelledby="kvm-snapshot-create-title" id="kvm-snapshot-create">
            <ModalHeader title={cockpit.format(_("Create snapshot of $0"), vmName)} labelId="kvm-snapshot-create-title" />
            <ModalBody>
                <Form onSubmit={event => event.preventDefault()}>
                    <FormGroup label={_("Name")} isRequired fieldId="kvm-snapshot-name">
                        <TextInput id="kvm-snapshot-name" value={name} isRequired
                            validated={problem && touched ? "error" : "default"}
                            onChange={(_event, value) => {
                                setName(value);
                                setTouched(true);
                            }} />
                        {problem && touched &&
                            <FormHelperText><HelperText><HelperTextItem variant="error" id="kvm-snapshot-name-error">
                                {nameProblemText(problem)}
                            </HelperTextItem></HelperText></FormHelperText>}
                    </FormGroup>
                    <FormGroup label={_("Description")} fieldId="kvm-snapshot-description">
                        <TextArea id="kvm-snapshot-description" value={description} resizeOrientation="vertical"
                            onChange={(_event, value) => setDescription(value)} />
                    </FormGroup>
                    <FormGroup role="radiogroup" isStack label={_("Kind")} fieldId="kvm-snapshot-kind">
                        {active
                            ? <Checkbox id="kvm-snapshot-memory" isChecked={kind === "internal"} isDisabled={!internal?.possible || !external?.possible}
                                label={_("Include memory state")}
                                description={kind === "internal"
                                    ? _("The running guest is saved with its disks, inside each qcow2 image; reverting resumes it where it was.")
                                    : _("Only the disks are saved, into new overlay files next to them; the guest sees a disk as after a power cut.")}
                                onChange={(_event, checked) => setKind(checked ? "internal" : "external-disk-only")} />
                            : <>
                                <Radio id="kvm-snapshot-kind-internal" name="kvm-snapshot-kind" isDisabled={!internal?.possible}
                                    isChecked={kind === "internal"} onChange={() => setKind("internal")}
                                    label={_("Internal (inside each qcow2 disk image)")} />
                                <Radio id="kvm-snapshot-kind-external" name="kvm-snapshot-kind" isDisabled={!external?.possible}
                                    isChecked={kind === "external-disk-only"} onChange={() => setKind("external-disk-only")}
                                    label={_("Disks only, external (new overlay files next to the disks)")} />
                            </>}
                    </FormGroup>
                    {internalWhyNot.length > 0 &&
                        <Alert isInline isPlain variant="info" id="kvm-snapshot-internal-impossible"
                            title={active ? _("Memory state cannot be included") : _("An internal snapshot is not possible")}>
                            <ul>{internalWhyNot.map(text => <li key={text}>{text}</li>)}</ul>
                            {external?.possible
                                ? <p>{_("A disk-only external snapshot is possible: each disk gets a new qcow2 overlay file next to it and the current image stays as it is. Reverting to an external snapshot needs libvirt 9.7 or later.")}</p>
                                : null}
                        </Alert>}
                    {external && !external.possible && !internal?.possible &&
                        <Alert isInline variant="warning" id="kvm-snapshot-impossible" title={_("No snapshot is possible for this virtual machine")}>
                            <ul>
                                {external.blockers.map(blocker => <li key={blocker.disk}>{blockerText(blocker)}</li>)}
                                {external.blockers.length === 0 && <li>{_("It has no disk that a snapshot could cover.")}</li>}
                            </ul>
                        </Alert>}
                </Form>
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" id="kvm-snapshot-create-confirm" isDisabled={problem !== null || kind === null}
                    onClick={() => {
                        if (kind !== null && problem === null) onCreate({ name, description, kind });
                    }}>{_("Create")}</Button>
                <Button variant="link" onClick={onCancel}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
