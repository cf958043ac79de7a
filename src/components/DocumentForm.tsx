// What the forms that write one configuration document (a schedule, a backup job) share: the state of
// what was typed and touched, errors shown on a field once it was touched or Save was pressed, the save
// with its pending state and the writer's message (a "changed elsewhere" conflict among them), and the
// dialog around the fields. IDs derive from `idPrefix`: PREFIX-form, PREFIX-save, PREFIX-save-error.
import {
    Alert, Button, Form, FormHelperText, HelperText, HelperTextItem, Modal, ModalBody, ModalFooter, ModalHeader, ModalVariant,
} from "@patternfly/react-core";
import { useState, type ReactNode } from "react";
import { _ } from "../lib/cockpit";
import { DocumentWriteError } from "../host/config-documents";

export function useDocumentForm<F>(initial: () => F) {
    const [form, setForm] = useState<F>(initial);
    const [saving, setSaving] = useState(false);
    const [saveError, setSaveError] = useState<string | null>(null);
    const [touched, setTouched] = useState<Set<string>>(new Set());
    const [submitted, setSubmitted] = useState(false);
    const set = (change: Partial<F>, ...fields: string[]): void => {
        setForm(f => ({ ...f, ...change }));
        setTouched(t => new Set([...t, ...fields]));
        setSaveError(null);
    };
    const visible = (key: string): boolean => submitted || touched.has(key);
    // `write` runs only when the form is valid.
    const submit = async (valid: boolean, write: () => Promise<void>): Promise<void> => {
        setSubmitted(true);
        if (!valid) return;
        setSaving(true);
        setSaveError(null);
        try {
            await write();
        } catch (error) {
            setSaveError(error instanceof DocumentWriteError ? error.message : String((error as Error).message ?? error));
        } finally {
            setSaving(false);
        }
    };
    return { form, set, visible, submitted, saving, saveError, submit };
}

// The error of a field (by key) once it is visible, else its normal helper text if it has one.
export function fieldIssues(issues: ReadonlyMap<string, string>, visible: (key: string) => boolean) {
    const show = (key: string): boolean => visible(key) && issues.has(key);
    const validated = (key: string): "error" | "default" => (show(key) ? "error" : "default");
    const helper = (key: string, normal?: string) => (show(key) || normal
        ? <FormHelperText><HelperText><HelperTextItem variant={show(key) ? "error" : "default"}>{show(key) ? issues.get(key) : normal}</HelperTextItem></HelperText></FormHelperText>
        : null);
    return { show, validated, helper };
}

export function DocumentFormModal({ idPrefix, title, saving, saveError, saveErrorTitle, formError, onSubmit, onClose, children }: {
    idPrefix: string;
    title: string;
    saving: boolean;
    saveError: string | null;
    saveErrorTitle: string;
    // A problem of the whole document (no field to show it on), or null.
    formError: string | null;
    onSubmit: () => void;
    onClose: () => void;
    children: ReactNode;
}) {
    return (
        <Modal isOpen variant={ModalVariant.medium} onClose={onClose} aria-labelledby={`${idPrefix}-form-title`} id={`${idPrefix}-form`}>
            <ModalHeader title={title} labelId={`${idPrefix}-form-title`} />
            <ModalBody>
                <Form id={`${idPrefix}-form-fields`} isHorizontal onSubmit={event => {
                    event.preventDefault();
                    onSubmit();
                }}>
                    {children}
                    {formError && <Alert isInline variant="danger" title={formError} />}
                    {saveError && <Alert isInline variant="danger" id={`${idPrefix}-save-error`} title={saveErrorTitle}>{saveError}</Alert>}
                </Form>
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" id={`${idPrefix}-save`} type="submit" form={`${idPrefix}-form-fields`} isLoading={saving} isDisabled={saving}>
                    {_("Save")}
                </Button>
                <Button variant="link" onClick={onClose}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
