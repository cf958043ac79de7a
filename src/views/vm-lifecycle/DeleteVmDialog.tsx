// The confirmation before deleting one VM: each disk file with a checkbox (checked for the files only this
// VM uses; a file another VM uses is not removable and names that VM; a CD-ROM image stays unless chosen),
// what goes with the VM (its snapshots) and what stays (its usage history, until retention removes it).
import {
    Alert, Button, Checkbox, Content, Modal, ModalBody, ModalFooter, ModalHeader, ModalVariant, Spinner, Title,
} from "@patternfly/react-core";
import { useEffect, useState } from "react";
import cockpit, { _, ngettext } from "../../lib/cockpit";
import type { DiskRemoval } from "../../core/vm-delete";
import { NameSentence } from "../../components/DisplayName";
import { toLibvirtError } from "../../libvirt/connection";
import { deleteVm, readDeletePlan, type DeletePlan } from "../../state/vm-delete";

function deviceText(removal: DiskRemoval): string {
    return removal.device === "disk" ? removal.target : cockpit.format(_("$0 ($1)"), removal.target, removal.device);
}

function DiskChoice({ removal, index, checked, disabled, onChange }: {
    removal: DiskRemoval;
    index: number;
    checked: boolean;
    disabled: boolean;
    onChange: (checked: boolean) => void;
}) {
    const removable = removal.choice === "remove" || removal.choice === "offer";
    const description = removal.choice === "in-use"
        ? <NameSentence template={removal.usedBy.length === 1
            ? _("Kept: virtual machine $0 uses it too.")
            : _("Kept: other virtual machines use it too: $0")} names={[removal.usedBy.join(", ")]} />
        : removal.choice === "not-file"
            ? _("Kept: not a disk file on this host.")
            : deviceText(removal);
    return (
        <Checkbox id={`kvm-delete-disk-${index}`} data-disk-path={removal.path ?? ""} data-choice={removal.choice}
            isChecked={removable && checked} isDisabled={!removable || disabled}
            label={<span className="kvm-disk-source">{removal.path ?? _("Empty drive")}</span>}
            description={removal.choice === "in-use" || removal.choice === "not-file"
                ? <>{deviceText(removal)}. {description}</>
                : description}
            onChange={(_event, value) => onChange(value)} />
    );
}

export function DeleteVmDialog({ name, onDeleted, onCancel }: { name: string; onDeleted: () => void; onCancel: () => void }) {
    const [plan, setPlan] = useState<DeletePlan | null>(null);
    const [readError, setReadError] = useState<string | null>(null);
    const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
    const [pending, setPending] = useState(false);
    const [failure, setFailure] = useState<string | null>(null);

    useEffect(() => {
        let current = true;
        readDeletePlan(name).then(read => {
            if (!current) return;
            setPlan(read);
            setChosen(new Set(read.removals.filter(r => r.choice === "remove" && r.path !== null).map(r => r.path as string)));
        }, (error: unknown) => {
            if (current) setReadError(toLibvirtError(error).message);
        });
        return () => {
            current = false;
        };
    }, [name]);

    const confirm = async () => {
        if (!plan) return;
        setPending(true);
        setFailure(null);
        const result = await deleteVm(name, plan.removals.map(r => r.path).filter((p): p is string => p !== null && chosen.has(p)));
        setPending(false);
        if (result.outcome === "done") onDeleted();
        else setFailure(result.message ?? null);
    };

    return (
        <Modal isOpen variant={ModalVariant.medium} onClose={pending ? undefined : onCancel} aria-labelledby="kvm-delete-title" id="kvm-delete-dialog">
            <ModalHeader title={<NameSentence template={_("Delete $0?")} names={[name]} />} titleIconVariant="warning" labelId="kvm-delete-title" />
            <ModalBody>
                {readError && <Alert isInline variant="danger" title={_("The virtual machine could not be read")}>{readError}</Alert>}
                {!plan && !readError && <Spinner size="md" aria-label={_("Reading the virtual machine")} />}
                {plan && <>
                    {plan.active &&
                        <Alert isInline isPlain variant="warning" id="kvm-delete-running"
                            title={_("It is running: it is forced off first, like pulling its power cord.")} />}
                    <Title headingLevel="h3" size="md">{_("Remove these disk files too")}</Title>
                    <div id="kvm-delete-disks" className="kvm-delete-disks">
                        {plan.removals.length === 0 && <span className="kvm-muted">{_("No disks")}</span>}
                        {plan.removals.map((removal, index) => (
                            <DiskChoice key={`${removal.target}-${index}`} removal={removal} index={index} disabled={pending}
                                checked={removal.path !== null && chosen.has(removal.path)}
                                onChange={checked => setChosen(current => {
                                    const next = new Set(current);
                                    if (removal.path === null) return current;
                                    if (checked) next.add(removal.path);
                                    else next.delete(removal.path);
                                    return next;
                                })} />
                        ))}
                    </div>
                    <Content component="ul" id="kvm-delete-consequences">
                        <Content component="li">
                            {plan.snapshots > 0
                                ? cockpit.format(ngettext("Its $0 snapshot is deleted with it.", "Its $0 snapshots are deleted with it.", plan.snapshots), plan.snapshots)
                                : _("It has no snapshots.")}
                        </Content>
                        <Content component="li">{_("Its usage history is kept until the retention policy removes it.")}</Content>
                        <Content component="li">{_("Disk files left unchecked stay where they are.")}</Content>
                    </Content>
                </>}
                {failure && <Alert isInline variant="danger" id="kvm-delete-failure" title={_("Deleting failed")}>{failure}</Alert>}
            </ModalBody>
            <ModalFooter>
                <Button variant="danger" id="kvm-delete-confirm" isDisabled={!plan || pending} isLoading={pending}
                    onClick={() => void confirm()}>{pending ? _("Deleting…") : _("Delete")}</Button>
                <Button variant="link" onClick={onCancel} isDisabled={pending}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
