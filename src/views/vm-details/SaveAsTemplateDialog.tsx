// "Save as template" on a VM's page: a template from the VM's definition (CPUs, memory, firmware,
// machine type, disks, NICs, console). Its disks become new empty disks of the same size, or, when
// asked, copies of the VM's disks become the template's base images (made on the host; a running VM
// keeps running). If the template then cannot be saved, those copies are removed again.
import {
    Alert, Button, Checkbox, Form, FormGroup, FormHelperText, HelperText, HelperTextItem, Modal, ModalBody, ModalFooter,
    ModalHeader, ModalVariant, TextArea, TextInput,
} from "@patternfly/react-core";
import { useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { documentNameProblem } from "../../core/config/documents";
import { templateFromDomain } from "../../core/template/from-domain";
import { DEFAULT_DISK_LOCATION, TEMPLATE_KIND } from "../../core/template/template-document";
import { NameSentence } from "../../components/DisplayName";
import { NEW_DOCUMENT_TAG, writeDocument } from "../../host/config-documents";
import { removeBaseImages, templateDiskFacts } from "../../host/vm-create";
import { getDomainXml, lookupDomainPath } from "../../libvirt/domains";

function SaveAsTemplateDialog({ vmName, uuid, onClose }: { vmName: string; uuid: string; onClose: () => void }) {
    const [name, setName] = useState(vmName.replace(/\//g, "-"));
    const [description, setDescription] = useState("");
    const [useDisks, setUseDisks] = useState(false);
    const [saving, setSaving] = useState(false);
    const [error, setError] = useState<string | null>(null);
    const [saved, setSaved] = useState<{ name: string; leftOut: string[] } | null>(null);
    const problem = documentNameProblem(name);

    const save = async (): Promise<void> => {
        setSaving(true);
        setError(null);
        let copies: string[] = [];
        try {
            const xml = await getDomainXml({ path: await lookupDomainPath({ name: vmName }), inactive: true });
            const facts = await templateDiskFacts(uuid, useDisks ? { directory: DEFAULT_DISK_LOCATION, templateName: name } : null);
            copies = Object.values(facts).flatMap(f => ("baseImage" in f ? [f.baseImage] : []));
            const { template, leftOut } = templateFromDomain(xml, facts, description);
            await writeDocument(TEMPLATE_KIND, name, template, NEW_DOCUMENT_TAG);
            setSaved({ name, leftOut });
        } catch (e) {
            await removeBaseImages(copies).catch(() => undefined);
            setError((e as Error).message);
        } finally {
            setSaving(false);
        }
    };

    return (
        <Modal isOpen variant={ModalVariant.medium} onClose={saving ? undefined : onClose} aria-labelledby="kvm-save-template-title" id="kvm-save-template">
            <ModalHeader title={<NameSentence template={_("Save $0 as a template")} names={[vmName]} />} labelId="kvm-save-template-title" />
            <ModalBody>
                {saved ? (
                    <Alert isInline variant="success" id="kvm-save-template-done" title={cockpit.format(_("Template “$0” saved"), saved.name)}>
                        {saved.leftOut.length > 0 && cockpit.format(_("Left out (a template cannot describe them): $0"), saved.leftOut.join(", "))}
                    </Alert>
                ) : (
                    <Form id="kvm-save-template-form" onSubmit={event => {
                        event.preventDefault();
                        if (!problem) void save();
                    }}>
                        {error && <Alert isInline variant="danger" id="kvm-save-template-error" title={_("The template was not saved")}>{error}</Alert>}
                        <FormGroup label={_("Template name")} fieldId="kvm-save-template-name" isRequired>
                            <TextInput id="kvm-save-template-name" value={name} isRequired validated={problem && name !== "" ? "error" : "default"}
                                onChange={(_event, v) => setName(v)} />
                            {problem && name !== "" &&
                                <FormHelperText><HelperText><HelperTextItem variant="error">{cockpit.format(_("This name cannot be used: $0."), problem)}</HelperTextItem></HelperText></FormHelperText>}
                        </FormGroup>
                        <FormGroup label={_("Description")} fieldId="kvm-save-template-description">
                            <TextArea id="kvm-save-template-description" value={description} rows={2} onChange={(_event, v) => setDescription(v)} />
                        </FormGroup>
                        <Checkbox id="kvm-save-template-use-disks" isChecked={useDisks} onChange={(_event, v) => setUseDisks(v)}
                            label={_("Use this VM's disks as base images")}
                            description={cockpit.format(_("Copies each disk to $0 now (the VM can keep running); VMs made from the template start as linked clones of the copies. Without this, the template gets new empty disks of the same sizes."), DEFAULT_DISK_LOCATION)} />
                    </Form>
                )}
            </ModalBody>
            <ModalFooter>
                {saved ? <>
                    <Button variant="primary" onClick={() => cockpit.location.go(["templates"])} id="kvm-save-template-open">{_("Go to templates")}</Button>
                    <Button variant="link" onClick={onClose}>{_("Close")}</Button>
                </> : <>
                    <Button variant="primary" id="kvm-save-template-save" isLoading={saving} isDisabled={saving || problem !== null}
                        onClick={() => void save()}>{saving ? _("Saving…") : _("Save template")}</Button>
                    <Button variant="link" isDisabled={saving} onClick={onClose}>{_("Cancel")}</Button>
                </>}
            </ModalFooter>
        </Modal>
    );
}

export function SaveAsTemplateButton({ vmName, uuid, readOnly }: { vmName: string; uuid: string | null; readOnly: boolean }) {
    const [open, setOpen] = useState(false);
    return (
        <>
            <Button variant="secondary" size="sm" id="kvm-save-as-template" isDisabled={readOnly || uuid === null} onClick={() => setOpen(true)}>
                {_("Save as template")}
            </Button>
            {open && uuid && <SaveAsTemplateDialog vmName={vmName} uuid={uuid} onClose={() => setOpen(false)} />}
        </>
    );
}

