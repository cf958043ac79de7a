// Insert or change a CD/DVD drive's medium: an image from a pool's volumes or a file on the host.
import {
    Alert, Button, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, Modal, ModalBody,
    ModalFooter, ModalHeader, ModalVariant, Radio, Spinner, TextInput,
} from "@patternfly/react-core";
import { useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import type { VolumeEntry } from "../storage-pools/usePoolVolumes";
import { VolumeSelect } from "./AddDiskDialog";
import { usePoolChoices, usePoolVolumeChoices, type PoolChoice } from "./useStorageChoices";

export function ChangeMediumDialog({ target, current, onChange, onCancel }: {
    target: string;
    current: string | null;
    onChange: (isoPath: string) => void;
    onCancel: () => void;
}) {
    const { pools, error: poolsError } = usePoolChoices();
    const [source, setSource] = useState<"volume" | "file">("volume");
    const [pool, setPool] = useState<PoolChoice | null>(null);
    const { volumes } = usePoolVolumeChoices(source === "volume" ? pool : null);
    const [volume, setVolume] = useState<VolumeEntry | null>(null);
    const [path, setPath] = useState("");
    const chosen = source === "volume" ? volume?.volume.path ?? null : path.trim().startsWith("/") ? path.trim() : null;

    return (
        <Modal isOpen variant={ModalVariant.small} onClose={onCancel} aria-labelledby="kvm-medium-title" id="kvm-medium">
            <ModalHeader title={current ? cockpit.format(_("Change the medium in $0"), target) : cockpit.format(_("Insert a medium into $0"), target)}
                labelId="kvm-medium-title" description={current ? cockpit.format(_("Now: $0"), current) : undefined} />
            <ModalBody>
                <Form onSubmit={event => event.preventDefault()}>
                    <FormGroup role="radiogroup" isInline label={_("Image")} fieldId="kvm-medium-source">
                        <Radio id="kvm-medium-source-volume" name="kvm-medium-source" label={_("Volume in a pool")} isChecked={source === "volume"}
                            onChange={() => setSource("volume")} />
                        <Radio id="kvm-medium-source-file" name="kvm-medium-source" label={_("File on the host")} isChecked={source === "file"}
                            onChange={() => setSource("file")} />
                    </FormGroup>
                    {source === "volume" && poolsError && <Alert isInline variant="warning" title={_("Storage pools could not be read")}>{poolsError}</Alert>}
                    {source === "volume" && pools === null && !poolsError && <Spinner size="md" aria-label={_("Loading storage pools")} />}
                    {source === "volume" && pools !== null &&
                        <FormGroup label={_("Pool")} isRequired fieldId="kvm-medium-pool">
                            <FormSelect id="kvm-medium-pool" value={pool?.path ?? ""} onChange={(_event, value) => {
                                setPool(pools.find(p => p.path === value) ?? null);
                                setVolume(null);
                            }}>
                                <FormSelectOption value="" label={pools.length === 0 ? _("No active storage pool") : _("Choose a pool")} isPlaceholder />
                                {pools.map(p => <FormSelectOption key={p.path} value={p.path} label={p.name} />)}
                            </FormSelect>
                        </FormGroup>}
                    {source === "volume" && pool && volumes && <VolumeSelect volumes={volumes} value={volume} onChange={setVolume} label={_("Image")} />}
                    {source === "file" &&
                        <FormGroup label={_("Path on the host")} isRequired fieldId="kvm-medium-path">
                            <TextInput id="kvm-medium-path" value={path} placeholder="/var/lib/libvirt/images/install.iso"
                                validated={path !== "" && chosen === null ? "error" : "default"} onChange={(_event, value) => setPath(value)} />
                            {path !== "" && chosen === null &&
                                <FormHelperText><HelperText><HelperTextItem variant="error">{_("Enter an absolute path (starting with “/”).")}</HelperTextItem></HelperText></FormHelperText>}
                        </FormGroup>}
                </Form>
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" id="kvm-medium-confirm" isDisabled={chosen === null}
                    onClick={() => chosen && onChange(chosen)}>{current ? _("Change") : _("Insert")}</Button>
                <Button variant="link" onClick={onCancel}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
