// Add a disk to a VM: a new volume in a pool, an existing volume, or an image file on the host; as a disk
// or a CD/DVD drive, on a bus. The dialog says before the click whether the running VM gets the disk now
// (hot-plug) or at its next boot.
import {
    Alert, Button, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption, HelperText, HelperTextItem, Modal, ModalBody,
    ModalFooter, ModalHeader, ModalVariant, Radio, Spinner, TextInput,
} from "@patternfly/react-core";
import { useMemo, useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { isActive, type DomainState } from "../../core/domain-state";
import { attachPlan, DISK_BUSES, type DiskBus } from "../../core/storage/disk-device";
import { volumeFormatsFor } from "../../core/storage/pool-types";
import { sizeInBytes, volumeNameProblem } from "../../core/storage/volume-xml";
import type { VolumeEntry } from "../storage-pools/usePoolVolumes";
import { SizeField, type SizeUnit } from "../storage-pools/CreateVolumeDialog";
import { volumeNameProblemText } from "../storage-pools/storage-labels";
import { usePoolTypes } from "../storage-pools/usePoolTypes";
import { usePoolChoices, usePoolVolumeChoices, type PoolChoice } from "./useStorageChoices";

export type AddDiskRequest =
    | { source: "new"; pool: PoolChoice; name: string; capacityBytes: number; format: string | null; bus: DiskBus }
    | { source: "volume"; pool: PoolChoice; volume: VolumeEntry; device: "disk" | "cdrom"; bus: DiskBus }
    | { source: "file"; path: string; format: string; device: "disk" | "cdrom"; bus: DiskBus };

type SourceKind = AddDiskRequest["source"];

export function timingText(state: DomainState, bus: string): string {
    const plan = attachPlan(state, bus);
    if (!isActive(state)) return _("The disk is added to the virtual machine's definition; the guest sees it at its next start.");
    return plan.timing === "now"
        ? _("The disk is plugged into the running virtual machine now, and kept in its definition.")
        : cockpit.format(_("A $0 disk cannot be plugged into a running virtual machine: it is added to the definition and the guest sees it only after the VM is shut down and started again."), bus.toUpperCase());
}

function PoolSelect({ pools, value, onChange }: { pools: PoolChoice[]; value: PoolChoice | null; onChange: (pool: PoolChoice | null) => void }) {
    return (
        <FormGroup label={_("Pool")} isRequired fieldId="kvm-disk-pool">
            <FormSelect id="kvm-disk-pool" value={value?.path ?? ""} onChange={(_event, path) => onChange(pools.find(p => p.path === path) ?? null)}>
                <FormSelectOption value="" label={_("Choose a pool")} isPlaceholder />
                {pools.map(pool => <FormSelectOption key={pool.path} value={pool.path} label={pool.name} />)}
            </FormSelect>
        </FormGroup>
    );
}

export function VolumeSelect({ volumes, value, onChange, label }: {
    volumes: VolumeEntry[];
    value: VolumeEntry | null;
    onChange: (volume: VolumeEntry | null) => void;
    label: string;
}) {
    return (
        <FormGroup label={label} isRequired fieldId="kvm-disk-volume">
            <FormSelect id="kvm-disk-volume" value={value?.path ?? ""} onChange={(_event, path) => onChange(volumes.find(v => v.path === path) ?? null)}>
                <FormSelectOption value="" label={volumes.length === 0 ? _("The pool has no volumes") : _("Choose a volume")} isPlaceholder />
                {volumes.map(v => (
                    <FormSelectOption key={v.path} value={v.path}
                        label={v.users.length > 0 ? cockpit.format(_("$0 (used by $1)"), v.volume.name, v.users.join(", ")) : v.volume.name} />
                ))}
            </FormSelect>
        </FormGroup>
    );
}

export function AddDiskDialog({ vmName, state, onAdd, onCancel }: {
    vmName: string;
    state: DomainState;
    onAdd: (request: AddDiskRequest) => void;
    onCancel: () => void;
}) {
    const { pools, error: poolsError } = usePoolChoices();
    const types = usePoolTypes();
    const [source, setSource] = useState<SourceKind>("new");
    const [pool, setPool] = useState<PoolChoice | null>(null);
    const { volumes } = usePoolVolumeChoices(source !== "file" ? pool : null);
    const [volume, setVolume] = useState<VolumeEntry | null>(null);
    const [name, setName] = useState(`${vmName.replace(/[/\s]+/g, "-")}-disk.qcow2`);
    const [amount, setAmount] = useState("10");
    const [unit, setUnit] = useState<SizeUnit>("GiB");
    const formats = useMemo(() => volumeFormatsFor(types.capabilities, pool?.type ?? ""), [types.capabilities, pool]);
    const [chosenFormat, setFormat] = useState<string | null>(null);
    const format = chosenFormat !== null && formats.includes(chosenFormat) ? chosenFormat : formats.includes("qcow2") ? "qcow2" : formats[0] ?? null;
    const [path, setPath] = useState("");
    const [fileFormat, setFileFormat] = useState("qcow2");
    const [device, setDevice] = useState<"disk" | "cdrom">("disk");
    const [bus, setBus] = useState<DiskBus>("virtio");
    const effectiveDevice = source === "new" ? "disk" : device;
    // A CD/DVD drive on virtio does not exist: such drives sit on SATA, SCSI or USB.
    const buses = effectiveDevice === "cdrom" ? DISK_BUSES.filter(b => b !== "virtio") : DISK_BUSES;
    const effectiveBus = buses.includes(bus) ? bus : buses[0];

    const takenNames = (volumes ?? []).map(v => v.volume.name);
    const nameProblem = source === "new" ? volumeNameProblem(name, takenNames) : null;
    const capacityBytes = sizeInBytes(amount, unit);

    const request: AddDiskRequest | null =
        source === "new" ? (pool && nameProblem === null && capacityBytes !== null
            ? { source, pool, name, capacityBytes, format, bus: effectiveBus } : null)
            : source === "volume" ? (pool && volume ? { source, pool, volume, device: effectiveDevice, bus: effectiveBus } : null)
                : path.trim().startsWith("/") ? { source, path: path.trim(), format: effectiveDevice === "cdrom" ? "raw" : fileFormat, device: effectiveDevice, bus: effectiveBus } : null;

    return (
        <Modal isOpen variant={ModalVariant.medium} onClose={onCancel} aria-labelledby="kvm-disk-add-title" id="kvm-disk-add">
            <ModalHeader title={cockpit.format(_("Add disk to $0"), vmName)} labelId="kvm-disk-add-title" />
            <ModalBody>
                <Form onSubmit={event => event.preventDefault()}>
                    <FormGroup role="radiogroup" isInline label={_("Source")} fieldId="kvm-disk-source">
                        <Radio id="kvm-disk-source-new" name="kvm-disk-source" label={_("New volume")} isChecked={source === "new"} onChange={() => setSource("new")} />
                        <Radio id="kvm-disk-source-volume" name="kvm-disk-source" label={_("Existing volume")} isChecked={source === "volume"}
                            onChange={() => setSource("volume")} />
                        <Radio id="kvm-disk-source-file" name="kvm-disk-source" label={_("Image file")} isChecked={source === "file"} onChange={() => setSource("file")} />
                    </FormGroup>
                    {poolsError && source !== "file" && <Alert isInline variant="warning" title={_("Storage pools could not be read")}>{poolsError}</Alert>}
                    {source !== "file" && pools === null && !poolsError && <Spinner size="md" aria-label={_("Loading storage pools")} />}
                    {source !== "file" && pools !== null && pools.length === 0 &&
                        <Alert isInline variant="info" title={_("No active storage pool")}>{_("Create or start a storage pool on the Storage pools page, or use an image file.")}</Alert>}
                    {source !== "file" && pools !== null && pools.length > 0 &&
                        <PoolSelect pools={pools} value={pool} onChange={p => {
                            setPool(p);
                            setVolume(null);
                        }} />}
                    {source === "new" && <>
                        <FormGroup label={_("Name")} isRequired fieldId="kvm-disk-name">
                            <TextInput id="kvm-disk-name" value={name} validated={nameProblem ? "error" : "default"} onChange={(_event, value) => setName(value)} />
                            {nameProblem &&
                                <FormHelperText><HelperText><HelperTextItem variant="error" id="kvm-disk-name-error">
                                    {volumeNameProblemText(nameProblem)}
                                </HelperTextItem></HelperText></FormHelperText>}
                        </FormGroup>
                        <SizeField id="kvm-disk-size" amount={amount} unit={unit} invalid={capacityBytes === null} onChange={(a, u) => {
                            setAmount(a);
                            setUnit(u);
                        }} />
                        {formats.length > 0 &&
                            <FormGroup label={_("Format")} fieldId="kvm-disk-format">
                                <FormSelect id="kvm-disk-format" value={format ?? ""} onChange={(_event, value) => setFormat(value)}>
                                    {formats.map(f => <FormSelectOption key={f} value={f} label={f} />)}
                                </FormSelect>
                            </FormGroup>}
                    </>}
                    {source === "volume" && pool && volumes &&
                        <VolumeSelect volumes={volumes} value={volume} onChange={setVolume} label={_("Volume")} />}
                    {source === "volume" && volume && volume.users.length > 0 &&
                        <Alert isInline variant="warning" id="kvm-disk-volume-shared" title={cockpit.format(_("This volume is already used by $0"), volume.users.join(", "))}>
                            {_("Two running virtual machines writing to one disk corrupt it, unless the guests are made for shared disks.")}
                        </Alert>}
                    {source === "file" && <>
                        <FormGroup label={_("Path on the host")} isRequired fieldId="kvm-disk-path">
                            <TextInput id="kvm-disk-path" value={path} placeholder="/var/lib/libvirt/images/disk.qcow2"
                                validated={path !== "" && !path.trim().startsWith("/") ? "error" : "default"} onChange={(_event, value) => setPath(value)} />
                            {path !== "" && !path.trim().startsWith("/") &&
                                <FormHelperText><HelperText><HelperTextItem variant="error">{_("Enter an absolute path (starting with “/”).")}</HelperTextItem></HelperText></FormHelperText>}
                        </FormGroup>
                        {device === "disk" &&
                            <FormGroup label={_("Format")} fieldId="kvm-disk-file-format">
                                <FormSelect id="kvm-disk-file-format" value={fileFormat} onChange={(_event, value) => setFileFormat(value)}>
                                    {["qcow2", "raw", "vmdk", "vdi", "vpc"].map(f => <FormSelectOption key={f} value={f} label={f} />)}
                                </FormSelect>
                            </FormGroup>}
                    </>}
                    {source !== "new" &&
                        <FormGroup label={_("Device")} fieldId="kvm-disk-device">
                            <FormSelect id="kvm-disk-device" value={device} onChange={(_event, value) => setDevice(value as "disk" | "cdrom")}>
                                <FormSelectOption value="disk" label={_("Disk")} />
                                <FormSelectOption value="cdrom" label={_("CD/DVD drive (read-only)")} />
                            </FormSelect>
                        </FormGroup>}
                    <FormGroup label={_("Bus")} fieldId="kvm-disk-bus">
                        <FormSelect id="kvm-disk-bus" value={effectiveBus} onChange={(_event, value) => setBus(value as DiskBus)}>
                            {buses.map(b => <FormSelectOption key={b} value={b} label={b === "virtio" ? "VirtIO" : b.toUpperCase()} />)}
                        </FormSelect>
                    </FormGroup>
                    <Alert isInline isPlain variant={attachPlan(state, effectiveBus).timing === "now" ? "info" : "warning"} id="kvm-disk-timing"
                        title={timingText(state, effectiveBus)} />
                </Form>
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" id="kvm-disk-add-confirm" isDisabled={request === null}
                    onClick={() => request && onAdd(request)}>{_("Add")}</Button>
                <Button variant="link" onClick={onCancel}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}
