// Create a volume in a pool: name, size and (for file pools) format, each checked as typed.
import {
    Button, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, InputGroup, InputGroupItem,
    Modal, ModalBody, ModalFooter, ModalHeader, ModalVariant, TextInput,
} from "@patternfly/react-core";
import { useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { formatBytes } from "../../core/format";
import { sizeInBytes, volumeNameProblem } from "../../core/storage/volume-xml";
import { volumeNameProblemText } from "./storage-labels";

export interface CreateVolumeRequest {
    name: string;
    capacityBytes: number;
    format: string | null;
}

export type SizeUnit = "MiB" | "GiB" | "TiB";

// Size with its unit, shared by the create-volume and add-disk dialogs.
export function SizeField({ id, amount, unit, onChange, invalid }: {
    id: string;
    amount: string;
    unit: SizeUnit;
    onChange: (amount: string, unit: SizeUnit) => void;
    invalid: boolean;
}) {
    return (
        <FormGroup label={_("Size")} isRequired fieldId={id}>
            <InputGroup>
                <InputGroupItem isFill>
                    <TextInput id={id} value={amount} inputMode="decimal" validated={invalid ? "error" : "default"}
                        onChange={(_event, value) => onChange(value, unit)} />
                </InputGroupItem>
                <InputGroupItem>
                    <FormSelect id={`${id}-unit`} aria-label={_("Unit")} value={unit} onChange={(_event, value) => onChange(amount, value as SizeUnit)}>
                        {(["MiB", "GiB", "TiB"] as const).map(u => <FormSelectOption key={u} value={u} label={u} />)}
                    </FormSelect>
                </InputGroupItem>
            </InputGroup>
            {invalid &&
                <FormHelperText><HelperText><HelperTextItem variant="error" id={`${id}-error`}>
                    {_("Enter a size greater than zero.")}
                </HelperTextItem></HelperText></FormHelperText>}
        </FormGroup>
    );
}

export function CreateVolumeDialog({ poolName, formats, taken, available, onCreate, onCancel }: {
    poolName: string;
    formats: string[];
    taken: string[];
    available: number | null;
    onCreate: (request: CreateVolumeRequest) => void;
    onCancel: () => void;
}) {
    const [name, setName] = useState("");
    const [touched, setTouched] = useState(false);
    const [amount, setAmount] = useState("10");
    const [unit, setUnit] = useState<SizeUnit>("GiB");
    const [format, setFormat] = useState<string | null>(formats.includes("qcow2") ? "qcow2" : formats[0] ?? null);
    const problem = volumeNameProblem(name, taken);
    const capacityBytes = sizeInBytes(amount, unit);
    // A thin qcow2 may be larger than the free space; a raw volume is written in full on most pools.
    const tooLarge = capacityBytes !== null && available !== null && format !== "qcow2" && capacityBytes > available;

    return (
        <Modal isOpen variant={ModalVariant.small} onClose={onCancel} aria-labelledby="kvm-volume-create-title" id="kvm-volume-create">
            <ModalHeader title={cockpit.format(_("Create volume in $0"), poolName)} labelId="kvm-volume-create-title" />
            <ModalBody>
                <Form onSubmit={event => event.preventDefault()}>
                    <FormGroup label={_("Name")} isRequired fieldId="kvm-volume-name">
                        <TextInput id="kvm-volume-name" value={name} isRequired validated={problem && touched ? "error" : "default"}
                            onChange={(_event, value) => {
                                setName(value);
                                setTouched(true);
                            }} />
                        {problem && touched &&
                            <FormHelperText><HelperText><HelperTextItem variant="error" id="kvm-volume-name-error">
                                {volumeNameProblemText(problem)}
                            </HelperTextItem></HelperText></FormHelperText>}
                    </FormGroup>
                    <SizeField id="kvm-volume-size" amount={amount} unit={unit} invalid={capacityBytes === null}
                        onChange={(a, u) => {
                            setAmount(a);
                            setUnit(u);
                        }} />
                    {formats.length > 0 &&
                        <FormGroup label={_("Format")} fieldId="kvm-volume-format">
                            <FormSelect id="kvm-volume-format" value={format ?? ""} onChange={(_event, value) => setFormat(value)}>
                                {formats.map(f => <FormSelectOption key={f} value={f} label={f} />)}
                            </FormSelect>
                        </FormGroup>}
                    {available !== null &&
                        <HelperText><HelperTextItem variant={tooLarge ? "warning" : "default"} id="kvm-volume-available">
                            {cockpit.format(_("$0 available in the pool."), formatBytes(available, cockpit.language))}
                        </HelperTextItem></HelperText>}
                </Form>
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" id="kvm-volume-create-confirm" isDisabled={problem !== null || capacityBytes === null}
                    onClick={() => {
                        if (problem === null && capacityBytes !== null) onCreate({ name, capacityBytes, format });
                    }}>{_("Create")}</Button>
                <Button variant="link" onClick={onCancel}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
