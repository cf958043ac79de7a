// A VM's network interfaces: model, source, MAC, addresses and link state, with add, remove, change of
// source and link up/down. A running VM is changed live and in its saved definition; a shut-off one in
// its definition only, used from its next start. The dialogs say which.
import {
    Alert, AlertActionCloseButton, Button, Card, CardBody, CardHeader, CardTitle, Flex, Form, FormGroup, FormHelperText,
    FormSelect, FormSelectOption, HelperText, HelperTextItem, Label, Modal, ModalBody, ModalFooter, ModalHeader, ModalVariant,
    Radio, Spinner, TextInput,
} from "@patternfly/react-core";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useEffect, useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { isActive, type DomainState } from "../../core/domain-state";
import type { DomainDescription, InterfaceDescription } from "../../core/domain-xml";
import {
    buildInterfaceXml, changedInterfaceXml, interfaceXmlByMac, macProblem, NIC_MODELS, type InterfaceChange,
    type InterfaceSourceType, type MacInUse, type MacProblem,
} from "../../core/network/interface-xml";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { NameSentence } from "../../components/DisplayName";
import { toLibvirtError } from "../../libvirt/connection";
import { AFFECT_CONFIG, AFFECT_LIVE } from "../../core/domain-modify-flags";
import { attachDevice, detachDevice, updateDevice } from "../../libvirt/domain-devices";
import { getDomainXml, type InterfaceAddresses } from "../../libvirt/domains";
import { readDomainInterfaces, readNetworks } from "../../state/networks";
import { useDeviceChange } from "./useDeviceChange";

const dash = "–";

function interfaceSource(nic: InterfaceDescription): string {
    switch (nic.type) {
    case "network": return cockpit.format(_("Network $0"), nic.source ?? dash);
    case "bridge": return cockpit.format(_("Bridge $0"), nic.source ?? dash);
    case "direct": return cockpit.format(_("Direct $0"), nic.source ?? dash);
    case "user": return _("User-mode (NAT by QEMU)");
    default: return nic.source ? `${nic.type} ${nic.source}` : nic.type;
    }
}

function macProblemText(problem: MacProblem): string {
    switch (problem.code) {
    case "invalid": return _("Six pairs of hexadecimal digits, such as 52:54:00:12:34:56.");
    case "multicast": return _("This is a multicast address; an interface needs a unicast one (the first pair even).");
    case "zero": return _("00:00:00:00:00:00 is not a usable address.");
    case "in-use": return cockpit.format(_("Already used by virtual machine $0."), problem.vm);
    }
}

function scopeText(running: boolean): string {
    return running
        ? _("The virtual machine is running: the change applies now and is kept in its saved definition.")
        : _("The virtual machine is shut off: the change is saved in its definition and applies from its next start.");
}

// The networks to choose from and every MAC in use, read when a dialog opens.
function useChoices(vmName: string) {
    const [networks, setNetworks] = useState<string[] | null>(null);
    const [macs, setMacs] = useState<MacInUse[]>([]);
    const [error, setError] = useState<string | null>(null);
    useEffect(() => {
        let cancelled = false;
        Promise.all([readNetworks(), readDomainInterfaces()]).then(([networkList, domains]) => {
            if (cancelled) return;
            setNetworks(networkList.map(n => n.name));
            setMacs(domains.flatMap(d => d.interfaces.flatMap(nic => nic.mac ? [{ mac: nic.mac, vm: d.name }] : [])));
        }, (err: unknown) => {
            if (cancelled) return;
            setNetworks([]);
            setError(toLibvirtError(err).message);
        });
        return () => {
            cancelled = true;
        };
    }, [vmName]);
    return { networks, macs, error };
}

function SourceFields({ sourceType, source, networks, onChange }: {
    sourceType: InterfaceSourceType;
    source: string;
    networks: string[];
    onChange: (sourceType: InterfaceSourceType, source: string) => void;
}) {
    return (
        <>
            <FormGroup role="radiogroup" isInline label={_("Connect to")} fieldId="kvm-nic-source-type">
                <Radio id="kvm-nic-source-network" name="kvm-nic-source-type" label={_("Virtual network")} isChecked={sourceType === "network"}
                    onChange={() => onChange("network", networks[0] ?? "")} />
                <Radio id="kvm-nic-source-bridge" name="kvm-nic-source-type" label={_("Host bridge")} isChecked={sourceType === "bridge"}
                    onChange={() => onChange("bridge", "")} />
            </FormGroup>
            {sourceType === "network"
                ? <FormGroup label={_("Network")} isRequired fieldId="kvm-nic-network">
                    <FormSelect id="kvm-nic-network" value={source} onChange={(_event, value) => onChange("network", value)}>
                        {networks.length === 0 && <FormSelectOption value="" label={_("No virtual networks")} isDisabled />}
                        {networks.map(n => <FormSelectOption key={n} value={n} label={n} />)}
                    </FormSelect>
                </FormGroup>
                : <FormGroup label={_("Bridge")} isRequired fieldId="kvm-nic-bridge">
                    <TextInput id="kvm-nic-bridge" value={source} placeholder="br0" onChange={(_event, value) => onChange("bridge", value)} />
                </FormGroup>}
        </>
    );
}

function InterfaceDialog({ vmName, running, nic, onSubmit, onCancel }: {
    vmName: string;
    running: boolean;
    // null: a new interface; else the one whose source changes.
    nic: InterfaceDescription | null;
    onSubmit: (fields: { sourceType: InterfaceSourceType; source: string; model: string; mac: string }) => void;
    onCancel: () => void;
}) {
    const choices = useChoices(vmName);
    const [sourceType, setSourceType] = useState<InterfaceSourceType>(nic?.type === "bridge" ? "bridge" : "network");
    const [source, setSource] = useState<string | null>(nic && (nic.type === "network" || nic.type === "bridge") ? nic.source : null);
    const [model, setModel] = useState<string>(NIC_MODELS[0]);
    const [mac, setMac] = useState("");
    // The first network is the default once the list is known.
    const chosen = source ?? (sourceType === "network" ? choices.networks?.[0] ?? "" : "");
    const problem = nic ? null : macProblem(mac, choices.macs);
    const ready = choices.networks !== null && chosen.trim() !== "" && problem === null;
    const title = nic ? _("Change interface source") : _("Add network interface");
    return (
        <Modal isOpen variant={ModalVariant.small} onClose={onCancel} aria-labelledby="kvm-nic-dialog-title" id="kvm-nic-dialog">
            <ModalHeader title={title} labelId="kvm-nic-dialog-title"
                description={nic ? cockpit.format(_("Interface $0 of $1"), nic.mac ?? dash, vmName) : vmName} />
            <ModalBody>
                {choices.networks === null
                    ? <Spinner size="md" aria-label={_("Loading networks")} />
                    : <Form id="kvm-nic-form" onSubmit={event => {
                        event.preventDefault();
                        if (ready) onSubmit({ sourceType, source: chosen.trim(), model, mac: mac.trim() });
                    }}>
                        {choices.error && <Alert isInline variant="warning" title={_("Networks could not be listed")}>{choices.error}</Alert>}
                        <SourceFields sourceType={sourceType} source={chosen} networks={choices.networks}
                            onChange={(type, value) => {
                                setSourceType(type);
                                setSource(value);
                            }} />
                        {!nic &&
                            <>
                                <FormGroup label={_("Model")} fieldId="kvm-nic-model">
                                    <FormSelect id="kvm-nic-model" value={model} onChange={(_event, value) => setModel(value)}>
                                        {NIC_MODELS.map(m => <FormSelectOption key={m} value={m} label={m} />)}
                                    </FormSelect>
                                </FormGroup>
                                <FormGroup label={_("MAC address")} fieldId="kvm-nic-mac">
                                    <TextInput id="kvm-nic-mac" value={mac} placeholder={_("Generated by libvirt")}
                                        validated={problem ? "error" : "default"} onChange={(_event, value) => setMac(value)} />
                                    {problem &&
                                        <FormHelperText><HelperText><HelperTextItem variant="error" id="kvm-nic-mac-error">
                                            {macProblemText(problem)}
                                        </HelperTextItem></HelperText></FormHelperText>}
                                </FormGroup>
                            </>}
                        <Alert isInline isPlain variant="info" title={scopeText(running)} id="kvm-nic-scope" />
                    </Form>}
            </ModalBody>
            <ModalFooter>
                <Button variant="primary" type="submit" form="kvm-nic-form" id="kvm-nic-dialog-confirm" isDisabled={!ready}>
                    {nic ? _("Change") : _("Add")}
                </Button>
                <Button variant="link" onClick={onCancel}>{_("Cancel")}</Button>
            </ModalFooter>
        </Modal>
    );
}

type Pending = { action: "add" | "remove" | "source" | "link"; mac: string };
type Dialog = { kind: "add" } | { kind: "source" | "remove"; nic: InterfaceDescription };

function pendingText(pending: Pending): string {
    switch (pending.action) {
    case "add": return _("Adding network interface…");
    case "remove": return cockpit.format(_("Removing interface $0…"), pending.mac);
    case "source": return cockpit.format(_("Changing the source of interface $0…"), pending.mac);
    case "link": return cockpit.format(_("Changing the link of interface $0…"), pending.mac);
    }
}

function failureTitle(pending: Pending): string {
    switch (pending.action) {
    case "add": return _("The network interface could not be added");
    case "remove": return cockpit.format(_("Interface $0 could not be removed"), pending.mac);
    case "source": return cockpit.format(_("The source of interface $0 could not be changed"), pending.mac);
    case "link": return cockpit.format(_("The link of interface $0 could not be changed"), pending.mac);
    }
}

// Detach or update one interface in the running VM and in its saved definition, each with its own copy
// of the interface (the live one carries the tap device and alias, the saved one does not). An interface
// that exists in only one of them (hot-plugged live only) is changed where it is.
async function changeEverywhere(path: string, running: boolean, mac: string,
    apply: (args: { path: string; xml: string; flags: number }) => Promise<void>, change?: InterfaceChange): Promise<void> {
    const scopes = running ? [AFFECT_LIVE, AFFECT_CONFIG] : [AFFECT_CONFIG];
    let found = false;
    for (const flags of scopes) {
        const xml = interfaceXmlByMac(await getDomainXml({ path, inactive: flags === AFFECT_CONFIG }), mac);
        if (xml === null) continue;
        found = true;
        await apply({ path, xml: change ? changedInterfaceXml(xml, change) : xml, flags });
    }
    if (!found) throw new Error(cockpit.format(_("The virtual machine has no interface with MAC address $0 any more."), mac));
}

export function NetworkInterfacesCard({ name, state, description, addresses, readOnly, onDefinitionChanged }: {
    name: string;
    state: DomainState;
    description: DomainDescription | null;
    addresses: InterfaceAddresses[];
    readOnly: boolean;
    // Hot-plug and config-only changes send no lifecycle event for a running VM: the page re-reads.
    onDefinitionChanged: () => void;
}) {
    const nics = description?.interfaces ?? [];
    const running = isActive(state);
    const [dialog, setDialog] = useState<Dialog | null>(null);
    const change = useDeviceChange<Pending>(name, onDefinitionChanged);
    const { pending, failure, notice } = change;
    const run = (what: Pending, work: (path: string) => Promise<string | null>): Promise<void> => {
        setDialog(null);
        return change.run(what, failureTitle(what), work);
    };

    const remove = (mac: string) => void run({ action: "remove", mac }, async path => {
        await changeEverywhere(path, running, mac, detachDevice);
        // libvirt only asks the guest to let go of a hot-plugged device; a guest without an OS (or
        // without PCI hot-plug) never does, and the interface stays until the VM stops.
        if (running && interfaceXmlByMac(await getDomainXml({ path }), mac) !== null) {
            return cockpit.format(_("Interface $0 is removed from the saved definition. The running guest has not released it yet; it goes when the guest does or when the virtual machine stops."), mac);
        }
        return null;
    });

    const busy = readOnly || pending !== null || description === null;
    return (
        <Card id="kvm-interfaces">
            <CardHeader actions={{
                actions: <Button variant="secondary" size="sm" id="kvm-nic-add-open" isDisabled={busy}
                    onClick={() => setDialog({ kind: "add" })}>{_("Add network interface")}</Button>,
                hasNoOffset: true,
            }}>
                <CardTitle>{_("Network interfaces")}</CardTitle>
            </CardHeader>
            <CardBody>
                {pending && <div className="kvm-pending" id="kvm-nic-pending"><Spinner size="sm" /> {pendingText(pending)}</div>}
                {failure &&
                    <Alert isInline variant="danger" id="kvm-nic-failure" title={failure.title}
                        actionClose={<AlertActionCloseButton onClose={change.dismissFailure} />}>{failure.message}</Alert>}
                {notice &&
                    <Alert isInline variant="info" id="kvm-nic-notice" title={notice}
                        actionClose={<AlertActionCloseButton onClose={change.dismissNotice} />} />}
                {nics.length === 0
                    ? <span className="kvm-muted" id="kvm-nic-none">{_("No network interfaces")}</span>
                    : <Table variant="compact" aria-label={_("Network interfaces")}>
                        <Thead>
                            <Tr>
                                <Th>{_("Model")}</Th><Th>{_("Source")}</Th><Th>{_("MAC address")}</Th><Th>{_("IP addresses")}</Th>
                                <Th modifier="fitContent">{_("Link")}</Th><Th screenReaderText={_("Actions")} />
                            </Tr>
                        </Thead>
                        <Tbody>
                            {nics.map((nic, index) => {
                                const mac = nic.mac;
                                const ips = addresses.find(a => mac !== null && a.mac.toLowerCase() === mac.toLowerCase())?.addresses ?? [];
                                return (
                                    <Tr key={mac ?? index} data-mac={mac ?? ""} data-link={nic.linkUp ? "up" : "down"}>
                                        <Td dataLabel={_("Model")}>{nic.model ?? dash}</Td>
                                        <Td dataLabel={_("Source")} className="kvm-nic-source">{interfaceSource(nic)}</Td>
                                        <Td dataLabel={_("MAC address")}>{mac ?? dash}</Td>
                                        <Td dataLabel={_("IP addresses")}>
                                            {ips.length > 0
                                                ? ips.map(ip => <div key={ip.address}>{`${ip.address}/${ip.prefix}`}</div>)
                                                : <span className="kvm-muted">{_("Unknown")}</span>}
                                        </Td>
                                        <Td dataLabel={_("Link")}>
                                            <Label isCompact color={nic.linkUp ? "green" : "grey"} className="kvm-nic-link">{nic.linkUp ? _("Up") : _("Down")}</Label>
                                        </Td>
                                        <Td isActionCell>
                                            {mac !== null &&
                                                <Flex flexWrap={{ default: "nowrap" }} spaceItems={{ default: "spaceItemsSm" }} justifyContent={{ default: "justifyContentFlexEnd" }}>
                                                    <Button variant="secondary" size="sm" data-action="link" isDisabled={busy}
                                                        onClick={() => void run({ action: "link", mac }, async path => {
                                                            await changeEverywhere(path, running, mac, updateDevice, { kind: "link", up: !nic.linkUp });
                                                            return null;
                                                        })}>
                                                        {nic.linkUp ? _("Set link down") : _("Set link up")}
                                                    </Button>
                                                    <Button variant="secondary" size="sm" data-action="source" isDisabled={busy}
                                                        onClick={() => setDialog({ kind: "source", nic })}>{_("Change source")}</Button>
                                                    <Button variant="secondary" isDanger size="sm" data-action="remove" isDisabled={busy}
                                                        onClick={() => setDialog({ kind: "remove", nic })}>{_("Remove")}</Button>
                                                </Flex>}
                                        </Td>
                                    </Tr>
                                );
                            })}
                        </Tbody>
                    </Table>}
            </CardBody>
            {dialog?.kind === "add" &&
                <InterfaceDialog vmName={name} running={running} nic={null} onCancel={() => setDialog(null)}
                    onSubmit={fields => void run({ action: "add", mac: fields.mac }, async path => {
                        await attachDevice({ path, xml: buildInterfaceXml(fields), flags: running ? AFFECT_LIVE | AFFECT_CONFIG : AFFECT_CONFIG });
                        return null;
                    })} />}
            {dialog?.kind === "source" &&
                <InterfaceDialog vmName={name} running={running} nic={dialog.nic} onCancel={() => setDialog(null)}
                    onSubmit={({ sourceType, source }) => {
                        const mac = dialog.nic.mac ?? "";
                        void run({ action: "source", mac }, async path => {
                            await changeEverywhere(path, running, mac, updateDevice, { kind: "source", sourceType, source });
                            return null;
                        });
                    }} />}
            {dialog?.kind === "remove" &&
                <ConfirmDialog title={_("Remove network interface?")} danger confirmLabel={_("Remove")}
                    body={<>
                        <p><NameSentence names={[dialog.nic.mac ?? dash, interfaceSource(dialog.nic), name]}
                            template={_("Interface $0 ($1) is removed from $2.")} /></p>
                        <p>{scopeText(running)}</p>
                    </>}
                    onCancel={() => setDialog(null)}
                    onConfirm={() => remove(dialog.nic.mac ?? "")} />}
        </Card>
    );
}
