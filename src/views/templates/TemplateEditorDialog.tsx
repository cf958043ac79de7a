// Create, edit or duplicate a template. Saves with the tag read with the listing: when another tab
// saved the same template since, the save is refused with a message and nothing is lost or overwritten.
import {
    Alert, Button, Form, FormGroup, FormHelperText, HelperText, HelperTextItem, Modal, ModalBody, ModalFooter,
    ModalHeader, ModalVariant, TextArea, TextInput,
} from "@patternfly/react-core";
import { useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { documentNameProblem } from "../../core/config/documents";
import { formOfSpec, specOfForm, type SpecForm } from "../../core/template/spec-form";
import { specOfTemplate, TEMPLATE_KIND, type TemplateDocument } from "../../core/template/template-document";
import { NEW_DOCUMENT_TAG, writeDocument } from "../../host/config-documents";
import { VmSpecFields } from "./VmSpecFields";

export interface TemplateEdit {
    // "edit": the name is fixed and the tag is the file's; "new" and "duplicate" write a new file.
    mode: "new" | "edit" | "duplicate";
    name: string;
    tag: string;
    template: TemplateDocument;
}

export function TemplateEditorDialog({ edit, existingNames, locations, onSaved, onCancel }: {
    edit: TemplateEdit; existingNames: ReadonlySet<string>; locations: readonly string[];
    onSaved: (name: string) => void; onCancel: () => void;
}) {
    const [name, setName] = useState(edit.name);
    const [description, setDescription] = useState(edit.template.description);
    const [form, setForm] = useState<SpecForm>(formOfSpec(specOfTemplate(edit.template)));
    const [invalid, setInvalid] = useState<ReadonlySet<string>>(new Set());
    const [saving, setSaving] = useState(false);
    const [error, setError] = useState<{ message: string; conflict: boolean } | null>(null);

    const creating = edit.mode !== "edit";
    const nameProblem = !creating ? null
        : name.trim() === "" ? _("Give the template a name.")
            : existingNames.has(name) ? _("A template with this name exists already.")
                : documentNameProblem(name) ? cockpit.format(_("This name cannot be used: $0."), documentNameProblem(name)) : null;

    const save = async (): Promise<void> => {
        const checked = specOfForm(form);
        if (!checked.ok) {
            setInvalid(new Set(checked.fields));
            return;
        }
        setInvalid(new Set());
        if (nameProblem) return;
        setSaving(true);
        setError(null);
        try {
            await writeDocument(TEMPLATE_KIND, name, { version: 1, description, ...checked.spec }, creating ? NEW_DOCUMENT_TAG : edit.tag);
            onSaved(name);
        } catch (e) {
            setError({ message: (e as Error).message, conflict: Boolean((e as { conflict?: boolean }).conflict) });
            setSaving(false);
        }
    };

    const title = edit.mode === "edit" ? cockpit.format(_("Edit template $0"), edit.name)
        : edit.mode === "duplicate" ? _("Duplicate template") : _("New template");
    return (
        <Modal isOpen variant={ModalVariant.large} onClose={onCancel} aria-labelledby="kvm-template-editor-title" id="kvm-template-editor">
            <ModalHeader title={title} labelId="kvm-template-editor-title" />
            <ModalBody>
                <Form id="kvm-template-form" onSubmit={event => {
                    event.preventDefault();
                    void save();
                }}>
                    {error &&
                        <Alert isInline variant="danger" id="kvm-template-save-error"
                            title={error.conflict ? _("The template was changed elsewhere") : _("The template could not be saved")}>
                            {error.message}
                        </Alert>}
                    <FormGroup label={_("Name")} fieldId="kvm-template-name" isRequired>
                        <TextInput id="kvm-template-name" value={name} isDisabled={!creating} isRequired
                            validated={creating && nameProblem && name !== "" ? "error" : "default"}
                            onChange={(_event, v) => setName(v)} />
                        {creating && nameProblem && name !== "" &&
                            <FormHelperText><HelperText><HelperTextItem variant="error">{nameProblem}</HelperTextItem></HelperText></FormHelperText>}
                    </FormGroup>
                    <FormGroup label={_("Description")} fieldId="kvm-template-description">
                        <TextArea id="kvm-template-description" value={description} resizeOrientation="vertical" rows={2}
                            onChange={(_event, v) => setDescription(v)} />
                    </FormGroup>
                    <VmSpecFields form={form} onChange={setForm} invalid={invalid} locations={locations} />
                </Form>
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" id="kvm-template-save" isLoading={saving} isDisabled={saving || nameProblem !== null}
                    onClick={() => void save()}>{saving ? _("Saving…") : _("Save")}</Button>
                <Button variant="link" onClick={onCancel}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
