// The fields of a VM description, shared by the template editor and "Create VM" from scratch: CPU and
// memory, firmware and machine type, disks (new, from a base image, an existing image, an ISO), network
// interfaces, console and autostart. Numbers stay as typed; wrong fields are named by the caller.
import {
    Button, Checkbox, Flex, FlexItem, FormFieldGroup, FormFieldGroupHeader, FormGroup, FormHelperText, FormSelect,
    FormSelectOption, Grid, GridItem, HelperText, HelperTextItem, TextInput,
} from "@patternfly/react-core";
import { PlusCircleIcon, TrashIcon } from "@patternfly/react-icons";
import type { ReactNode } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import type { FormDisk, SpecForm } from "../../core/template/spec-form";
import { DEFAULT_DISK_LOCATION, DISK_BUSES, NIC_MODELS, VCPUS_MAX, type TemplateNic } from "../../core/template/template-document";
import { defaultNicSource, nicSourceChoices, type NicSourceChoice } from "../../core/template/nic-sources";
import { NameSentence } from "../../components/DisplayName";
import { useHostNicSources, type HostNicSources, type NicSourceList } from "./useHostNicSources";

// The page's words for a wrong field, by the last part of its path.
export function fieldMessage(path: string): string {
    const field = path.split(".").pop() ?? "";
    switch (field) {
    case "vcpus": return cockpit.format(_("A whole number from 1 to $0."), VCPUS_MAX);
    case "memoryMiB": return _("A whole number of MiB, at least 16.");
    case "sizeGiB": return _("A size in GiB greater than 0, such as 20 or 0.5.");
    case "machine": case "network": case "bridge":
        return _("Letters, digits, “.”, “_”, “:” and “-”, at most 64, no spaces.");
    case "osVariant": return _("A libosinfo id without spaces, such as http://debian.org/debian/12, or empty.");
    case "image": case "location": return _("An absolute path, without “..” parts or a trailing “/”.");
    case "format": return _("A linked clone is always qcow2.");
    default: return _("This value is not valid.");
    }
}

function Invalid({ path, invalid }: { path: string; invalid: ReadonlySet<string> }) {
    if (!invalid.has(path)) return null;
    return <FormHelperText><HelperText><HelperTextItem variant="error">{fieldMessage(path)}</HelperTextItem></HelperText></FormHelperText>;
}

function validated(path: string, invalid: ReadonlySet<string>): "error" | "default" {
    return invalid.has(path) ? "error" : "default";
}

function Select<T extends string>({ id, label, value, options, onChange }: {
    id: string; label: string; value: T; options: readonly { value: T; label: string }[]; onChange: (value: T) => void;
}) {
    return (
        <FormSelect id={id} value={value} aria-label={label} onChange={(_event, v) => onChange(v as T)}>
            {options.map(o => <FormSelectOption key={o.value} value={o.value} label={o.label} />)}
        </FormSelect>
    );
}

function Field({ label, id, path, invalid, children }: { label: string; id: string; path: string; invalid: ReadonlySet<string>; children: ReactNode }) {
    return (
        <FormGroup label={label} fieldId={id}>
            {children}
            <Invalid path={path} invalid={invalid} />
        </FormGroup>
    );
}

function PathInput({ id, path, value, invalid, label, onChange }: {
    id: string; path: string; value: string; invalid: ReadonlySet<string>; label: string; onChange: (value: string) => void;
}) {
    return (
        <Field label={label} id={id} path={path} invalid={invalid}>
            <TextInput id={id} value={value} validated={validated(path, invalid)} onChange={(_event, v) => onChange(v)} />
        </Field>
    );
}

function LocationSelect({ id, path, value, locations, invalid, onChange }: {
    id: string; path: string; value: string; locations: readonly string[]; invalid: ReadonlySet<string>; onChange: (value: string) => void;
}) {
    const options = Array.from(new Set([DEFAULT_DISK_LOCATION, ...locations, value]));
    return (
        <Field label={_("Storage location")} id={id} path={path} invalid={invalid}>
            <Select id={id} label={_("Storage location")} value={value} onChange={onChange}
                options={options.map(o => ({ value: o, label: o }))} />
        </Field>
    );
}

function FormatSelect({ id, path, value, invalid, onChange }: {
    id: string; path: string; value: "qcow2" | "raw"; invalid: ReadonlySet<string>; onChange: (format: "qcow2" | "raw") => void;
}) {
    return (
        <Field label={_("Format")} id={id} path={path} invalid={invalid}>
            <Select id={id} label={_("Format")} value={value} onChange={onChange}
                options={[{ value: "qcow2", label: "qcow2" }, { value: "raw", label: "raw" }]} />
        </Field>
    );
}

// A whole number typed as text (vCPUs, MiB): kept as typed, its error named by `path`.
export function NumberField({ label, id, path, value, invalid, onChange }: {
    label: string; id: string; path: string; value: string; invalid: ReadonlySet<string>; onChange: (value: string) => void;
}) {
    return (
        <Field label={label} id={id} path={path} invalid={invalid}>
            <TextInput id={id} value={value} inputMode="numeric" validated={validated(path, invalid)} onChange={(_event, v) => onChange(v)} />
        </Field>
    );
}

const SOURCE_LABELS = (): Record<FormDisk["source"], string> => ({
    "new": _("New empty disk"),
    "base-image": _("New disk from a base image"),
    "existing": _("Existing disk image, used as it is"),
    "cdrom": _("Installation ISO (CD-ROM)"),
});

function diskOfSource(source: FormDisk["source"], location: string): FormDisk {
    switch (source) {
    case "new": return { source, sizeGiB: "10", format: "qcow2", location, bus: "virtio" };
    case "base-image": return { source, image: "", clone: "linked", format: "qcow2", location, bus: "virtio" };
    case "existing": return { source, image: "", bus: "virtio" };
    case "cdrom": return { source, image: "" };
    }
}

function DiskFields({ disk, index, locations, invalid, onChange }: {
    disk: FormDisk; index: number; locations: readonly string[]; invalid: ReadonlySet<string>; onChange: (disk: FormDisk) => void;
}) {
    const id = (field: string) => `kvm-spec-disk-${index}-${field}`;
    const path = (field: string) => `disks.${index}.${field}`;
    const busSelect = disk.source !== "cdrom" &&
        <GridItem md={3}>
            <Field label={_("Bus")} id={id("bus")} path={path("bus")} invalid={invalid}>
                <Select id={id("bus")} label={_("Bus")} value={disk.bus} onChange={bus => onChange({ ...disk, bus })}
                    options={DISK_BUSES.map(b => ({ value: b, label: b }))} />
            </Field>
        </GridItem>;
    const made = disk.source === "new" || disk.source === "base-image" ? disk : null;
    const formatItem = made &&
        <GridItem md={3}>
            <FormatSelect id={id("format")} path={path("format")} value={made.format} invalid={invalid} onChange={format => onChange({ ...made, format })} />
        </GridItem>;
    const locationItem = made &&
        <GridItem md={12}>
            <LocationSelect id={id("location")} path={path("location")} value={made.location} locations={locations} invalid={invalid}
                onChange={location => onChange({ ...made, location })} />
        </GridItem>;
    return (
        <Grid hasGutter>
            {disk.source === "new" && <>
                <GridItem md={3}>
                    <Field label={_("Size (GiB)")} id={id("size")} path={path("sizeGiB")} invalid={invalid}>
                        <TextInput id={id("size")} value={disk.sizeGiB} inputMode="decimal" validated={validated(path("sizeGiB"), invalid)}
                            onChange={(_event, sizeGiB) => onChange({ ...disk, sizeGiB })} />
                    </Field>
                </GridItem>
                {formatItem}
                {busSelect}
                {locationItem}
            </>}
            {disk.source === "base-image" && <>
                <GridItem md={12}>
                    <PathInput id={id("image")} path={path("image")} value={disk.image} invalid={invalid} label={_("Base image")}
                        onChange={image => onChange({ ...disk, image })} />
                </GridItem>
                <GridItem md={6}>
                    <Field label={_("Clone")} id={id("clone")} path={path("clone")} invalid={invalid}>
                        <Select id={id("clone")} label={_("Clone")} value={disk.clone}
                            onChange={clone => onChange({ ...disk, clone, format: clone === "linked" ? "qcow2" : disk.format })}
                            options={[
                                { value: "linked", label: _("Linked clone (qcow2 overlay; the base image must stay)") },
                                { value: "copy", label: _("Full copy") },
                            ]} />
                    </Field>
                </GridItem>
                {disk.clone === "copy" && formatItem}
                {busSelect}
                {locationItem}
            </>}
            {disk.source === "existing" && <>
                <GridItem md={9}>
                    <PathInput id={id("image")} path={path("image")} value={disk.image} invalid={invalid} label={_("Disk image")}
                        onChange={image => onChange({ ...disk, image })} />
                </GridItem>
                {busSelect}
            </>}
            {disk.source === "cdrom" &&
                <GridItem md={12}>
                    <PathInput id={id("image")} path={path("image")} value={disk.image} invalid={invalid} label={_("ISO image")}
                        onChange={image => onChange({ ...disk, image })} />
                </GridItem>}
        </Grid>
    );
}

const NIC_TYPE_LABELS = (): Record<TemplateNic["type"], string> => ({
    network: _("libvirt network"),
    bridge: _("Host bridge"),
    user: _("User-mode networking (no host setup)"),
});

function choiceLabel({ name, state }: NicSourceChoice): string {
    switch (state) {
    case "inactive": return cockpit.format(_("$0 (inactive)"), name);
    case "missing": return cockpit.format(_("$0 (not on this host)"), name);
    default: return name;
    }
}

// A note under the picker: the held name is missing here, the network is not running, or the list
// could not be read.
function sourceNote(kind: "network" | "bridge", choice: NicSourceChoice, error: string | null): ReactNode {
    if (error !== null) {
        return <HelperTextItem variant="warning">
            {cockpit.format(kind === "network" ? _("This host's libvirt networks could not be listed: $0") : _("This host's bridges could not be listed: $0"), error)}
        </HelperTextItem>;
    }
    switch (choice.state) {
    case "missing":
        return <HelperTextItem variant="warning">
            <NameSentence names={[choice.name]} template={kind === "network"
                ? _("No libvirt network $0 on this host: a VM made here does not start until it exists. Keep it, or pick another.")
                : _("No bridge $0 on this host: a VM made here does not start until it exists. Keep it, or pick another.")} />
        </HelperTextItem>;
    case "inactive":
        return <HelperTextItem variant="warning">{_("This network is not running: start it on the Networks page before the VM starts.")}</HelperTextItem>;
    default: return null;
    }
}

function NicSourceSelect({ id, kind, value, list, invalid, path, onChange }: {
    id: string; kind: "network" | "bridge"; value: string; list: NicSourceList; invalid: ReadonlySet<string>; path: string;
    onChange: (value: string) => void;
}) {
    const label = kind === "network" ? _("Network") : _("Bridge");
    const choices = nicSourceChoices(value, list.sources);
    const note = sourceNote(kind, choices.find(choice => choice.name === value) ?? { name: value, state: "unknown" }, list.error);
    return (
        <FormGroup label={label} fieldId={id}>
            <FormSelect id={id} value={value} validated={validated(path, invalid)} onChange={(_event, v) => onChange(v)}
                aria-describedby={note === null ? undefined : `${id}-note`}>
                {choices.map(choice => <FormSelectOption key={choice.name} value={choice.name} label={choiceLabel(choice)} />)}
            </FormSelect>
            {note !== null && <FormHelperText><HelperText id={`${id}-note`}>{note}</HelperText></FormHelperText>}
            <Invalid path={path} invalid={invalid} />
        </FormGroup>
    );
}

function NicFields({ nic, index, invalid, sources, onChange }: {
    nic: TemplateNic; index: number; invalid: ReadonlySet<string>; sources: HostNicSources; onChange: (nic: TemplateNic) => void;
}) {
    const id = (field: string) => `kvm-spec-nic-${index}-${field}`;
    const path = `interfaces.${index}.${nic.type === "bridge" ? "bridge" : "network"}`;
    return (
        <Grid hasGutter>
            <GridItem md={4}>
                <Field label={_("Type")} id={id("type")} path={`interfaces.${index}.type`} invalid={invalid}>
                    <Select id={id("type")} label={_("Type")} value={nic.type} onChange={type => onChange(
                        type === "network" ? { type, network: defaultNicSource(sources.networks.sources, "default"), model: nic.model }
                            : type === "bridge" ? { type, bridge: defaultNicSource(sources.bridges.sources, "br0"), model: nic.model }
                                : { type, model: nic.model })}
                    options={(Object.entries(NIC_TYPE_LABELS()) as [TemplateNic["type"], string][]).map(([value, label]) => ({ value, label }))} />
                </Field>
            </GridItem>
            {nic.type === "network" &&
                <GridItem md={4}>
                    <NicSourceSelect id={id("source")} kind="network" value={nic.network} list={sources.networks} path={path} invalid={invalid}
                        onChange={network => onChange({ ...nic, network })} />
                </GridItem>}
            {nic.type === "bridge" &&
                <GridItem md={4}>
                    <NicSourceSelect id={id("source")} kind="bridge" value={nic.bridge} list={sources.bridges} path={path} invalid={invalid}
                        onChange={bridge => onChange({ ...nic, bridge })} />
                </GridItem>}
            <GridItem md={4}>
                <Field label={_("Model")} id={id("model")} path={`interfaces.${index}.model`} invalid={invalid}>
                    <Select id={id("model")} label={_("Model")} value={nic.model} onChange={model => onChange({ ...nic, model })}
                        options={NIC_MODELS.map(m => ({ value: m, label: m }))} />
                </Field>
            </GridItem>
        </Grid>
    );
}

function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
    return <Button variant="plain" aria-label={label} icon={<TrashIcon />} onClick={onClick} />;
}

export function VmSpecFields({ form, onChange, invalid, locations }: {
    form: SpecForm; onChange: (form: SpecForm) => void; invalid: ReadonlySet<string>; locations: readonly string[];
}) {
    const set = <K extends keyof SpecForm>(key: K, value: SpecForm[K]) => onChange({ ...form, [key]: value });
    const setDisk = (index: number, disk: FormDisk) => set("disks", form.disks.map((d, i) => (i === index ? disk : d)));
    const setNic = (index: number, nic: TemplateNic) => set("interfaces", form.interfaces.map((n, i) => (i === index ? nic : n)));
    const defaultLocation = locations[0] ?? DEFAULT_DISK_LOCATION;
    const nicSources = useHostNicSources();
    return (
        <>
            <Grid hasGutter>
                <GridItem md={3}>
                    <NumberField label={_("vCPUs")} id="kvm-spec-vcpus" path="vcpus" value={form.vcpus} invalid={invalid} onChange={v => set("vcpus", v)} />
                </GridItem>
                <GridItem md={3}>
                    <NumberField label={_("Memory (MiB)")} id="kvm-spec-memory" path="memoryMiB" value={form.memoryMiB} invalid={invalid}
                        onChange={v => set("memoryMiB", v)} />
                </GridItem>
                <GridItem md={3}>
                    <Field label={_("Firmware")} id="kvm-spec-firmware" path="firmware" invalid={invalid}>
                        <Select id="kvm-spec-firmware" label={_("Firmware")} value={form.firmware} onChange={v => set("firmware", v)}
                            options={[{ value: "bios", label: _("BIOS") }, { value: "uefi", label: _("UEFI") }]} />
                    </Field>
                </GridItem>
                <GridItem md={3}>
                    <Field label={_("Machine type")} id="kvm-spec-machine" path="machine" invalid={invalid}>
                        <TextInput id="kvm-spec-machine" value={form.machine} validated={validated("machine", invalid)}
                            onChange={(_event, v) => set("machine", v)} />
                    </Field>
                </GridItem>
                <GridItem md={12}>
                    <Field label={_("Operating system (libosinfo id)")} id="kvm-spec-os-variant" path="osVariant" invalid={invalid}>
                        <TextInput id="kvm-spec-os-variant" value={form.osVariant} placeholder="http://debian.org/debian/12"
                            validated={validated("osVariant", invalid)} onChange={(_event, v) => set("osVariant", v)} />
                    </Field>
                </GridItem>
            </Grid>
            <FormFieldGroup header={<FormFieldGroupHeader titleText={{ text: _("Disks"), id: "kvm-spec-disks-title" }}
                actions={<Button variant="link" icon={<PlusCircleIcon />} id="kvm-spec-add-disk"
                    onClick={() => set("disks", [...form.disks, diskOfSource("new", defaultLocation)])}>{_("Add disk")}</Button>} />}>
                {form.disks.length === 0 && <span className="kvm-muted">{_("No disks")}</span>}
                {form.disks.map((disk, index) => (
                    <div key={index} className="kvm-spec-item kvm-spec-disk" data-disk-index={index}>
                        <Flex alignItems={{ default: "alignItemsFlexEnd" }} flexWrap={{ default: "nowrap" }}>
                            <FlexItem grow={{ default: "grow" }}>
                                <Field label={cockpit.format(_("Disk $0"), index + 1)} id={`kvm-spec-disk-${index}-source`} path={`disks.${index}.source`} invalid={invalid}>
                                    <Select id={`kvm-spec-disk-${index}-source`} label={cockpit.format(_("Disk $0"), index + 1)} value={disk.source}
                                        onChange={source => setDisk(index, diskOfSource(source, "location" in disk ? disk.location : defaultLocation))}
                                        options={(Object.entries(SOURCE_LABELS()) as [FormDisk["source"], string][]).map(([value, label]) => ({ value, label }))} />
                                </Field>
                            </FlexItem>
                            <FlexItem>
                                <RemoveButton label={cockpit.format(_("Remove disk $0"), index + 1)}
                                    onClick={() => set("disks", form.disks.filter((_d, i) => i !== index))} />
                            </FlexItem>
                        </Flex>
                        <DiskFields disk={disk} index={index} locations={locations} invalid={invalid} onChange={d => setDisk(index, d)} />
                    </div>
                ))}
            </FormFieldGroup>
            <FormFieldGroup header={<FormFieldGroupHeader titleText={{ text: _("Network interfaces"), id: "kvm-spec-nics-title" }}
                actions={<Button variant="link" icon={<PlusCircleIcon />} id="kvm-spec-add-nic"
                    onClick={() => set("interfaces", [...form.interfaces,
                        { type: "network", network: defaultNicSource(nicSources.networks.sources, "default"), model: "virtio" }])}>
                    {_("Add network interface")}</Button>} />}>
                {form.interfaces.length === 0 && <span className="kvm-muted">{_("No network interfaces")}</span>}
                {form.interfaces.map((nic, index) => (
                    <Flex key={index} alignItems={{ default: "alignItemsFlexEnd" }} flexWrap={{ default: "nowrap" }} className="kvm-spec-item">
                        <FlexItem grow={{ default: "grow" }}><NicFields nic={nic} index={index} invalid={invalid} sources={nicSources} onChange={n => setNic(index, n)} /></FlexItem>
                        <FlexItem>
                            <RemoveButton label={cockpit.format(_("Remove network interface $0"), index + 1)}
                                onClick={() => set("interfaces", form.interfaces.filter((_n, i) => i !== index))} />
                        </FlexItem>
                    </Flex>
                ))}
            </FormFieldGroup>
            <FormGroup label={_("Console and start")} fieldId="kvm-spec-vnc" role="group">
                <Checkbox id="kvm-spec-vnc" label={_("Graphical console (VNC, on this host only)")} isChecked={form.graphics.vnc}
                    onChange={(_event, vnc) => set("graphics", { ...form.graphics, vnc })} />
                <Checkbox id="kvm-spec-serial" label={_("Serial console")} isChecked={form.graphics.serial}
                    onChange={(_event, serial) => set("graphics", { ...form.graphics, serial })} />
                <Checkbox id="kvm-spec-autostart" label={_("Start when the host starts (autostart)")} isChecked={form.autostart}
                    onChange={(_event, autostart) => set("autostart", autostart)} />
            </FormGroup>
        </>
    );
}
