// Clone a shut-off VM: a new name (libvirt's rules, unique on the host), a full copy of each disk or a linked
// clone on top of the original's qcow2 disks, and where each copy goes (beside the original, named after
// the new VM). The clone gets a new UUID and new MAC addresses from libvirt.
import {
    Alert, Button, Form, FormGroup, FormHelperText, HelperText, HelperTextItem, Modal, ModalBody, ModalFooter, ModalHeader,
    ModalVariant, Radio, Spinner, TextInput,
} from "@patternfly/react-core";
import { useEffect, useMemo, useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { parseDomainXml, type DomainDescription } from "../../core/domain-xml";
import { defaultCloneName, planClone, type CloneMode } from "../../core/vm-clone";
import { vmNameProblem } from "../../core/vm-name";
import { NameSentence } from "../../components/DisplayName";
import { vmNameProblemText } from "../../lib/labels";
import { toLibvirtError } from "../../libvirt/connection";
import { getDomainXml } from "../../libvirt/domains";
import { cloneVm } from "../../state/vm-clone";
import { vmStore } from "../../state/vm-store";

export function CloneVmDialog({ name, onCloned, onCancel }: { name: string; onCloned: (newName: string) => void; onCancel: () => void }) {
    const existing = useMemo(() => vmStore.getSnapshot().vms.map(vm => vm.name), []);
    const [newName, setNewName] = useState(() => defaultCloneName(name, existing));
    const [mode, setMode] = useState<CloneMode>("full");
    const [domain, setDomain] = useState<DomainDescription | null>(null);
    const [readError, setReadError] = useState<string | null>(null);
    const [pending, setPending] = useState(false);
    const [failure, setFailure] = useState<string | null>(null);

    useEffect(() => {
        let current = true;
        vmStore.resolvePath(name).then(path => getDomainXml({ path, inactive: true })).then(xml => {
            if (current) setDomain(parseDomainXml(xml));
        }, (error: unknown) => {
            if (current) setReadError(toLibvirtError(error).message);
        });
        return () => {
            current = false;
        };
    }, [name]);

    const problem = vmNameProblem(newName, "new", existing);
    const plan = domain ? planClone(domain, problem === null ? newName : name, mode) : null;
    const linkedPossible = domain ? planClone(domain, name, "linked").linkedPossible : false;

    const confirm = async () => {
        setPending(true);
        setFailure(null);
        try {
            await cloneVm({ name, newName, mode });
            onCloned(newName);
        } catch (error) {
            setFailure(toLibvirtError(error).message);
            setPending(false);
        }
    };

    return (
        <Modal isOpen variant={ModalVariant.medium} onClose={pending ? undefined : onCancel} aria-labelledby="kvm-clone-title" id="kvm-clone-dialog">
            <ModalHeader title={<NameSentence template={_("Clone $0")} names={[name]} />} labelId="kvm-clone-title" />
            <ModalBody>
                {readError && <Alert isInline variant="danger" title={_("The virtual machine could not be read")}>{readError}</Alert>}
                {!domain && !readError && <Spinner size="md" aria-label={_("Reading the virtual machine")} />}
                {domain && plan &&
                    <Form onSubmit={event => event.preventDefault()}>
                        <FormGroup label={_("Name")} isRequired fieldId="kvm-clone-name">
                            <TextInput id="kvm-clone-name" value={newName} isRequired isDisabled={pending}
                                validated={problem ? "error" : "default"} onChange={(_event, value) => setNewName(value)} />
                            {problem &&
                                <FormHelperText><HelperText><HelperTextItem variant="error" id="kvm-clone-name-error">
                                    {vmNameProblemText(problem)}
                                </HelperTextItem></HelperText></FormHelperText>}
                        </FormGroup>
                        <FormGroup role="radiogroup" isStack label={_("Disks")} fieldId="kvm-clone-mode">
                            <Radio id="kvm-clone-full" name="kvm-clone-mode" isChecked={mode === "full"} isDisabled={pending}
                                onChange={() => setMode("full")} label={_("Full copy")}
                                description={_("Each disk is copied: the clone is independent of the original.")} />
                            <Radio id="kvm-clone-linked" name="kvm-clone-mode" isChecked={mode === "linked"}
                                isDisabled={pending || !linkedPossible} onChange={() => setMode("linked")} label={_("Linked clone")}
                                description={linkedPossible
                                    ? _("Quick and small: each new disk only records its differences from the original's disk.")
                                    : _("Needs qcow2 disks: this virtual machine has others.")} />
                        </FormGroup>
                        {mode === "linked" &&
                            <Alert isInline variant="warning" id="kvm-clone-linked-warning"
                                title={_("The original must stay unchanged while the clone exists")}>
                                {_("Its disks become the base of the clone's disks. Starting the original, reverting it to a snapshot or deleting its disks breaks the clone.")}
                            </Alert>}
                        {plan.blockers.length > 0 &&
                            <Alert isInline variant="danger" id="kvm-clone-impossible" title={_("This virtual machine cannot be cloned")}>
                                <ul>{plan.blockers.map(b => <li key={b.target}>
                                    {cockpit.format(_("Disk $0 is a $1 disk, not a local file: two virtual machines must not write to one disk."), b.target, b.sourceType)}
                                </li>)}</ul>
                            </Alert>}
                        {plan.copies.length > 0 &&
                            <FormGroup label={_("New disk files")} fieldId="kvm-clone-files">
                                <ul id="kvm-clone-files" className="kvm-name-list">
                                    {plan.copies.map(copy => <li key={copy.target} className="kvm-disk-source">
                                        {cockpit.format(_("$0: $1"), copy.target, copy.to)}
                                    </li>)}
                                </ul>
                            </FormGroup>}
                        <HelperText><HelperTextItem>
                            {_("The clone gets a new UUID and new MAC addresses. CD-ROM images are shared with the original.")}
                        </HelperTextItem></HelperText>
                    </Form>}
                {failure && <Alert isInline variant="danger" id="kvm-clone-failure" title={_("Cloning failed")}>{failure}</Alert>}
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" id="kvm-clone-confirm" isLoading={pending}
                    isDisabled={!plan || problem !== null || plan.blockers.length > 0 || pending}
                    onClick={() => void confirm()}>{pending ? _("Cloning…") : _("Clone")}</Button>
                <Button variant="link" onClick={onCancel} isDisabled={pending}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
