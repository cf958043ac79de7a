// Restore a backup: over the VM it came from (which must be shut off; its disks and definition are
// replaced, after a confirmation) or as a new VM with a new name, UUID and MAC addresses, its disks in
// a chosen directory. Progress while it runs; the helper's message when it fails.
import {
    Alert, Button, Form, FormGroup, FormHelperText, HelperText, HelperTextItem, Modal, ModalBody, ModalFooter,
    ModalHeader, ModalVariant, Progress, Radio, TextInput,
} from "@patternfly/react-core";
import { useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { NameSentence } from "../../components/DisplayName";
import { restoreBackup, type BackupRow, type RestoreProgress } from "../../host/backups";

const DEFAULT_DIRECTORY = "/var/lib/libvirt/images";

function progressLabel(p: RestoreProgress): string {
    if (p.step === "define") return _("Defining the VM");
    if (p.step.startsWith("verify")) return _("Verifying the backup");
    return cockpit.format(_("Copying disk $0"), p.step.replace(/^disk /, ""));
}

export function RestoreDialog({ backup, onClose }: { backup: BackupRow; onClose: (restored: string | null) => void }) {
    const vm = backup.vm ?? "";
    const [mode, setMode] = useState<"new" | "over">("new");
    const [newName, setNewName] = useState(`${vm}-restored`);
    const [directory, setDirectory] = useState(DEFAULT_DIRECTORY);
    const [progress, setProgress] = useState<RestoreProgress | null>(null);
    const [running, setRunning] = useState(false);
    const [error, setError] = useState<string | null>(null);
    const nameProblem = mode === "new" && newName.trim() === "" ? _("Give the new VM a name.") : null;
    const dirProblem = mode === "new" && !directory.startsWith("/") ? _("An absolute directory path, such as /var/lib/libvirt/images.") : null;

    const start = async () => {
        setRunning(true);
        setError(null);
        try {
            const restored = await restoreBackup(backup.path, mode === "new" ? { newName, directory } : {}, setProgress);
            onClose(restored);
        } catch (err) {
            setError((err as Error).message);
            setRunning(false);
            setProgress(null);
        }
    };

    return (
        <Modal isOpen variant={ModalVariant.medium} onClose={() => { if (!running) onClose(null); }} aria-labelledby="kvm-restore-title" id="kvm-restore-dialog">
            <ModalHeader labelId="kvm-restore-title" title={<NameSentence template={_("Restore $0")} names={[vm]} />}
                description={backup.time ? cockpit.format(_("Backup of $0"), new Date(backup.time).toLocaleString(cockpit.language)) : undefined} />
            <ModalBody>
                <Form id="kvm-restore-form" onSubmit={event => { event.preventDefault(); if (!nameProblem && !dirProblem) void start(); }}>
                    <FormGroup role="radiogroup" isStack fieldId="kvm-restore-mode" label={_("Restore")}>
                        <Radio id="kvm-restore-new" name="kvm-restore-mode" isChecked={mode === "new"} isDisabled={running}
                            label={_("As a new VM")} description={_("A new name, UUID and MAC addresses; the original VM is not touched.")}
                            onChange={() => setMode("new")} />
                        <Radio id="kvm-restore-over" name="kvm-restore-mode" isChecked={mode === "over"} isDisabled={running}
                            label={_("Over the same VM")} description={_("Replaces the VM's disks and definition with the backup's. The VM must be shut off.")}
                            onChange={() => setMode("over")} />
                    </FormGroup>
                    {mode === "new" && <>
                        <FormGroup label={_("Name of the new VM")} isRequired fieldId="kvm-restore-name">
                            <TextInput id="kvm-restore-name" value={newName} isDisabled={running} validated={nameProblem ? "error" : "default"}
                                onChange={(_event, value) => setNewName(value)} />
                            {nameProblem && <FormHelperText><HelperText><HelperTextItem variant="error">{nameProblem}</HelperTextItem></HelperText></FormHelperText>}
                        </FormGroup>
                        <FormGroup label={_("Directory for its disks")} isRequired fieldId="kvm-restore-directory">
                            <TextInput id="kvm-restore-directory" value={directory} isDisabled={running} validated={dirProblem ? "error" : "default"}
                                onChange={(_event, value) => setDirectory(value)} />
                            {dirProblem && <FormHelperText><HelperText><HelperTextItem variant="error">{dirProblem}</HelperTextItem></HelperText></FormHelperText>}
                        </FormGroup>
                    </>}
                    {mode === "over" &&
                        <Alert isInline variant="warning" title={<NameSentence template={_("$0's disks are overwritten")} names={[vm]} />}>
                            {_("Everything written to the VM's disks since this backup is lost. Shut the VM off first.")}
                        </Alert>}
                    {progress && <Progress id="kvm-restore-progress" title={progressLabel(progress)} value={progress.percent ?? undefined}
                        measureLocation={progress.percent === null ? "none" : "outside"} aria-label={progressLabel(progress)} />}
                    {error && <Alert isInline variant="danger" title={_("The restore failed")} id="kvm-restore-error">{error}</Alert>}
                </Form>
            </ModalBody>
            <ModalFooter>
                <Button variant={mode === "over" ? "danger" : "primary"} type="submit" form="kvm-restore-form" id="kvm-restore-start"
                    isLoading={running} isDisabled={running || !!nameProblem || !!dirProblem}>
                    {mode === "over" ? _("Overwrite and restore") : _("Restore")}
                </Button>
                <Button variant="link" isDisabled={running} onClick={() => onClose(null)}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
