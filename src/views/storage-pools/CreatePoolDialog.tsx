// Create a storage pool: name, type (types this host cannot create are greyed, with the reason), the
// fields that type needs, and whether to start it now and with the host. Problems are shown as typed.
import {
    Alert, Button, Checkbox, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, Modal,
    ModalBody, ModalFooter, ModalHeader, ModalVariant, Spinner, TextInput,
} from "@patternfly/react-core";
import { useState } from "react";
import { _ } from "../../lib/cockpit";
import {
    CREATABLE_POOL_TYPES, POOL_TYPE_FIELDS, poolDefinitionProblems, type CreatablePoolType, type PoolDefinition, type PoolField,
} from "../../core/storage/pool-xml";
import type { PoolTypeAvailability } from "../../core/storage/pool-types";
import { poolProblemText, poolTypeLabel, unavailableReason } from "./storage-labels";

export interface CreatePoolRequest {
    definition: PoolDefinition;
    start: boolean;
    autostart: boolean;
}

const FIELD_LABELS: Record<PoolField, () => string> = {
    targetPath: () => _("Target path"),
    sourceHost: () => _("Host"),
    sourceDir: () => _("Exported directory"),
    sourceDevice: () => _("Source device"),
    sourceName: () => _("Volume group"),
    sourceFormat: () => _("Protocol"),
};

function fieldHint(type: CreatablePoolType, field: PoolField): string | null {
    if (field === "targetPath") {
        return type === "dir" ? _("The directory that holds the volumes; created if it does not exist.")
            : type === "disk" || type === "iscsi" ? _("Where the devices appear, usually /dev/disk/by-path.")
                : _("Where the file system is mounted; created if it does not exist.");
    }
    if (field === "sourceDevice") return type === "iscsi" ? _("The target's IQN.") : _("A block device, e.g. /dev/sdb.");
    if (field === "sourceName") return _("An existing LVM volume group on this host.");
    return null;
}

export function CreatePoolDialog({ availability, taken, onCreate, onCancel }: {
    availability: PoolTypeAvailability[] | null;
    taken: string[];
    onCreate: (request: CreatePoolRequest) => void;
    onCancel: () => void;
}) {
    const [definition, setDefinition] = useState<PoolDefinition>({ name: "", type: "dir", targetPath: "", sourceFormat: "nfs" });
    const [start, setStart] = useState(true);
    const [autostart, setAutostart] = useState(true);
    const [touched, setTouched] = useState<Set<string>>(new Set());
    const problems = poolDefinitionProblems(definition, taken);
    const problemOf = (field: string) => problems.find(p => p.field === field);
    const unavailable = (availability ?? []).filter(a => !a.available);
    const typeAvailable = availability?.find(a => a.type === definition.type)?.available ?? false;

    const set = (field: keyof PoolDefinition, value: string): void => {
        setDefinition(d => ({ ...d, [field]: value }));
        setTouched(t => new Set(t).add(field));
    };
    const shownProblem = (field: string) => touched.has(field) ? problemOf(field) : undefined;

    return (
        <Modal isOpen variant={ModalVariant.medium} onClose={onCancel} aria-labelledby="kvm-pool-create-title" id="kvm-pool-create">
            <ModalHeader title={_("Create storage pool")} labelId="kvm-pool-create-title" />
            <ModalBody>
                {availability === null
                    ? <Spinner size="md" aria-label={_("Checking which pool types this host supports")} />
                    : <Form onSubmit={event => event.preventDefault()}>
                        <FormGroup label={_("Name")} isRequired fieldId="kvm-pool-name">
                            <TextInput id="kvm-pool-name" value={definition.name} isRequired
                                validated={shownProblem("name") ? "error" : "default"} onChange={(_event, value) => set("name", value)} />
                            {shownProblem("name") &&
                                <FormHelperText><HelperText><HelperTextItem variant="error" id="kvm-pool-name-error">
                                    {poolProblemText(shownProblem("name")!)}
                                </HelperTextItem></HelperText></FormHelperText>}
                        </FormGroup>
                        <FormGroup label={_("Type")} fieldId="kvm-pool-type">
                            <FormSelect id="kvm-pool-type" value={definition.type}
                                onChange={(_event, value) => setDefinition(d => ({ ...d, type: value as CreatablePoolType }))}>
                                {CREATABLE_POOL_TYPES.map(type => {
                                    const entry = availability.find(a => a.type === type);
                                    return <FormSelectOption key={type} value={type} label={poolTypeLabel(type)} isDisabled={!entry?.available} />;
                                })}
                            </FormSelect>
                            {unavailable.length > 0 &&
                                <FormHelperText><HelperText id="kvm-pool-type-unavailable">
                                    {unavailable.map(entry => (
                                        <HelperTextItem key={entry.type} data-pool-type={entry.type}>
                                            {`${poolTypeLabel(entry.type)}: ${unavailableReason(entry) ?? ""}`}
                                        </HelperTextItem>
                                    ))}
                                </HelperText></FormHelperText>}
                        </FormGroup>
                        {POOL_TYPE_FIELDS[definition.type].map(field => {
                            const id = `kvm-pool-${field}`;
                            const hint = fieldHint(definition.type, field);
                            if (field === "sourceFormat") {
                                return (
                                    <FormGroup key={field} label={FIELD_LABELS[field]()} fieldId={id}>
                                        <FormSelect id={id} value={definition.sourceFormat ?? "nfs"} onChange={(_event, value) => set(field, value)}>
                                            <FormSelectOption value="nfs" label="NFS" />
                                            <FormSelectOption value="cifs" label="CIFS (SMB)" />
                                            <FormSelectOption value="glusterfs" label="GlusterFS" />
                                        </FormSelect>
                                    </FormGroup>
                                );
                            }
                            const problem = shownProblem(field);
                            return (
                                <FormGroup key={field} label={FIELD_LABELS[field]()} isRequired fieldId={id}>
                                    <TextInput id={id} value={definition[field] ?? ""} isRequired validated={problem ? "error" : "default"}
                                        onChange={(_event, value) => set(field, value)} />
                                    <FormHelperText><HelperText>
                                        {problem
                                            ? <HelperTextItem variant="error" id={`${id}-error`}>{poolProblemText(problem)}</HelperTextItem>
                                            : hint && <HelperTextItem>{hint}</HelperTextItem>}
                                    </HelperText></FormHelperText>
                                </FormGroup>
                            );
                        })}
                        <FormGroup role="group" isStack fieldId="kvm-pool-start" label={_("Start")}>
                            <Checkbox id="kvm-pool-start" label={_("Start the pool now")} isChecked={start}
                                onChange={(_event, checked) => setStart(checked)} />
                            <Checkbox id="kvm-pool-autostart" label={_("Start with the host")} isChecked={autostart}
                                onChange={(_event, checked) => setAutostart(checked)} />
                        </FormGroup>
                        {!typeAvailable &&
                            <Alert isInline variant="warning" title={_("This pool type cannot be created on this host")} />}
                    </Form>}
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" id="kvm-pool-create-confirm" isDisabled={availability === null || !typeAvailable || problems.length > 0}
                    onClick={() => onCreate({ definition, start, autostart })}>{_("Create")}</Button>
                <Button variant="link" onClick={onCancel}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
