// Delete a storage pool: its definition only (the volumes stay where they are), or its volumes too, which
// the dialog lists by name before anything is deleted. Volumes a VM uses are never deleted: the dialog
// names the VM and offers the definition-only removal instead.
import { Alert, Button, List, ListItem, Modal, ModalBody, ModalFooter, ModalHeader, ModalVariant, Radio, Spinner } from "@patternfly/react-core";
import { useEffect, useState } from "react";
import cockpit, { _, ngettext } from "../../lib/cockpit";
import { DisplayName, NameSentence } from "../../components/DisplayName";
import { toLibvirtError } from "../../libvirt/connection";
import type { PoolRow } from "./useStoragePools";
import { readPoolVolumes, type VolumeEntry } from "./usePoolVolumes";

const SHOWN_VOLUMES = 20;

export function DeletePoolDialog({ pool, name, onDelete, onCancel }: {
    pool: PoolRow;
    name: string;
    onDelete: (withVolumes: boolean) => void;
    onCancel: () => void;
}) {
    const [volumes, setVolumes] = useState<VolumeEntry[] | null>(null);
    const [readError, setReadError] = useState<string | null>(null);
    const [withVolumes, setWithVolumes] = useState(false);

    useEffect(() => {
        if (!pool.active) return;
        readPoolVolumes({ poolPath: pool.path, poolName: name }).then(setVolumes, error => setReadError(toLibvirtError(error).message));
    }, [pool.path, pool.active, name]);

    const inUse = (volumes ?? []).filter(v => v.users.length > 0);
    const canDeleteVolumes = pool.active && volumes !== null && volumes.length > 0 && inUse.length === 0;

    return (
        <Modal isOpen variant={ModalVariant.medium} onClose={onCancel} aria-labelledby="kvm-pool-delete-title" id="kvm-pool-delete">
            <ModalHeader title={<NameSentence template={_("Delete storage pool $0?")} names={[name]} />} titleIconVariant="warning"
                labelId="kvm-pool-delete-title" />
            <ModalBody>
                <Radio id="kvm-pool-delete-definition" name="kvm-pool-delete-mode" isChecked={!withVolumes} onChange={() => setWithVolumes(false)}
                    label={_("Remove the pool's definition only")}
                    description={_("The volumes and the pool's directory stay on the host; a new pool on the same place finds them again.")} />
                <Radio id="kvm-pool-delete-volumes" name="kvm-pool-delete-mode" isChecked={withVolumes} isDisabled={!canDeleteVolumes}
                    onChange={() => setWithVolumes(true)}
                    label={volumes === null ? _("Also delete its volumes")
                        : cockpit.format(ngettext("Also delete its $0 volume", "Also delete its $0 volumes", volumes.length), volumes.length)}
                    description={!pool.active ? _("The pool is not active, so its volumes cannot be listed: start it first to delete them.")
                        : volumes !== null && volumes.length === 0 ? _("The pool has no volumes.") : undefined} />
                {pool.active && volumes === null && !readError && <Spinner size="md" aria-label={_("Loading volumes")} />}
                {readError && <Alert isInline variant="warning" title={_("The volumes could not be read")}>{readError}</Alert>}
                {inUse.length > 0 &&
                    <Alert isInline variant="info" id="kvm-pool-delete-in-use" title={_("Volumes in use are not deleted")}>
                        <List>
                            {inUse.map(v => (
                                <ListItem key={v.path}>
                                    <NameSentence template={ngettext("$0 is used by VM $1", "$0 is used by VMs $1", v.users.length)}
                                        names={[v.volume.name, v.users.join(", ")]} />
                                </ListItem>
                            ))}
                        </List>
                        {_("Remove these disks from their VMs first, or remove only the pool's definition.")}
                    </Alert>}
                {withVolumes && volumes &&
                    <Alert isInline variant="danger" id="kvm-pool-delete-list"
                        title={cockpit.format(ngettext("This volume is deleted for good:", "These $0 volumes are deleted for good:", volumes.length), volumes.length)}>
                        <List>
                            {volumes.slice(0, SHOWN_VOLUMES).map(v => <ListItem key={v.path}><DisplayName name={v.volume.name} /></ListItem>)}
                            {volumes.length > SHOWN_VOLUMES &&
                                <ListItem>{cockpit.format(_("and $0 more"), volumes.length - SHOWN_VOLUMES)}</ListItem>}
                        </List>
                    </Alert>}
            </ModalBody>
            <ModalFooter>
                <Button variant="danger" id="kvm-pool-delete-confirm" isDisabled={withVolumes && !canDeleteVolumes}
                    onClick={() => onDelete(withVolumes)}>{withVolumes ? _("Delete pool and volumes") : _("Delete pool")}</Button>
                <Button variant="link" onClick={onCancel}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
