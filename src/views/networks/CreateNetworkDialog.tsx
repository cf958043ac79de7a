// Create a virtual network: name, mode, optional bridge name, IPv4 address with prefix and DHCP range.
// Everything core can check (range inside the subnet, no overlap with another network or an address of
// the host) is shown next to its field as the user types, so libvirt's refusal is the exception.
import {
    Alert, Button, Checkbox, Form, FormGroup, FormHelperText, Grid, GridItem, HelperText, HelperTextItem, Modal, ModalBody,
    ModalFooter, ModalHeader, ModalVariant, Radio, TextInput,
} from "@patternfly/react-core";
import { useEffect, useMemo, useState } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import {
    ipv4SettingsProblems, suggestIpv4Settings, type HostAddress, type Ipv4Problem, type OtherNetwork,
} from "../../core/network/ipv4";
import {
    bridgeNameProblem, buildNetworkXml, CREATABLE_FORWARD_MODES, networkNameProblem, type CreatableForwardMode,
} from "../../core/network/network-xml";
import { readHostAddresses } from "../../host/host-addresses";
import { toLibvirtError } from "../../libvirt/connection";
import { defineNetwork, startNetwork } from "../../libvirt/networks";
import {
    bridgeNameProblemText, forwardModeDescription, forwardModeLabel, ipv4ProblemText, networkNameProblemText,
} from "./network-labels";

type FieldId = Ipv4Problem["field"];

function FieldErrors({ id, problems }: { id: string; problems: string[] }) {
    if (problems.length === 0) return null;
    return (
        <FormHelperText>
            <HelperText id={id}>
                {problems.map(text => <HelperTextItem key={text} variant="error">{text}</HelperTextItem>)}
            </HelperText>
        </FormHelperText>
    );
}

export function CreateNetworkDialog({ taken, others, bridges, onCreated, onCancel }: {
    taken: string[];
    others: OtherNetwork[];
    // Bridges of existing networks: their host addresses are reported as the network, once.
    bridges: string[];
    onCreated: (name: string) => void;
    onCancel: () => void;
}) {
    const [host, setHost] = useState<HostAddress[] | null>(null);
    const [hostError, setHostError] = useState<string | null>(null);
    const [name, setName] = useState("");
    const [mode, setMode] = useState<CreatableForwardMode>("nat");
    const [bridge, setBridge] = useState("");
    const [address, setAddress] = useState("");
    const [prefix, setPrefix] = useState("24");
    const [dhcp, setDhcp] = useState(true);
    const [start, setStart] = useState("");
    const [end, setEnd] = useState("");
    const [startNow, setStartNow] = useState(true);
    const [autostart, setAutostart] = useState(true);
    const [pending, setPending] = useState(false);
    const [failure, setFailure] = useState<{ title: string; message: string } | null>(null);
    const [created, setCreated] = useState(false);
    const [touched, setTouched] = useState<Set<string>>(new Set());

    useEffect(() => {
        let cancelled = false;
        readHostAddresses().then(addresses => {
            if (cancelled) return;
            setHost(addresses);
            // A free subnet to start from; the user's typing wins if it came first.
            const suggestion = suggestIpv4Settings(others, addresses, bridges);
            if (suggestion) {
                setAddress(a => a || suggestion.address);
                setStart(s => s || (suggestion.dhcp?.start ?? ""));
                setEnd(e => e || (suggestion.dhcp?.end ?? ""));
            }
        }, (error: { message?: string }) => {
            if (cancelled) return;
            setHost([]);
            setHostError(error.message ?? String(error));
        });
        return () => {
            cancelled = true;
        };
    }, [others, bridges]);

    const touch = (field: string) => setTouched(t => new Set(t).add(field));
    const nameProblem = networkNameProblem(name, taken);
    const bridgeProblem = bridgeNameProblem(bridge);
    const ipv4 = useMemo(() => ({ address, prefix, dhcp: dhcp ? { start, end } : null }), [address, prefix, dhcp, start, end]);
    const problems = useMemo(() => ipv4SettingsProblems(ipv4, others, host ?? [], bridges), [ipv4, others, host, bridges]);
    const isOverlap = (p: Ipv4Problem) => p.code === "overlaps-network" || p.code === "overlaps-host";
    // Overlaps are shown together below the address; the rest under their field once it was left.
    const problemsOf = (field: FieldId) => touched.has(field) || touched.has("all")
        ? problems.filter(p => p.field === field && !isOverlap(p)).map(ipv4ProblemText) : [];
    const overlapProblems = problems.filter(isOverlap);
    const invalid = nameProblem !== null || bridgeProblem !== null || problems.length > 0 || host === null;

    const create = async (): Promise<void> => {
        setTouched(new Set(["all", "name"]));
        if (invalid) return;
        setPending(true);
        setFailure(null);
        let path: string;
        try {
            path = await defineNetwork({ xml: buildNetworkXml({ name, mode, bridge, ipv4 }), autostart });
        } catch (error) {
            setFailure({ title: cockpit.format(_("Network $0 could not be created"), name), message: toLibvirtError(error).message });
            setPending(false);
            return;
        }
        try {
            if (startNow) await startNetwork({ path });
            onCreated(name);
        } catch (error) {
            // The definition stays: the list shows it stopped, and Start tries again after a fix.
            setFailure({ title: cockpit.format(_("Network $0 was created but could not be started"), name), message: toLibvirtError(error).message });
            setCreated(true);
        } finally {
            setPending(false);
        }
    };

    const showName = touched.has("name") && nameProblem !== null;
    return (
        <Modal isOpen variant={ModalVariant.medium} onClose={onCancel} aria-labelledby="kvm-network-create-title" id="kvm-network-create">
            <ModalHeader title={_("Create virtual network")} labelId="kvm-network-create-title" />
            <ModalBody>
                <Form id="kvm-network-create-form" onSubmit={event => {
                    event.preventDefault();
                    void create();
                }}>
                    <FormGroup label={_("Name")} isRequired fieldId="kvm-network-name">
                        <TextInput id="kvm-network-name" value={name} isRequired validated={showName ? "error" : "default"}
                            onChange={(_event, value) => setName(value)} onBlur={() => touch("name")} />
                        <FieldErrors id="kvm-network-name-error" problems={showName && nameProblem ? [networkNameProblemText(nameProblem)] : []} />
                    </FormGroup>
                    <FormGroup role="radiogroup" isStack label={_("Mode")} fieldId="kvm-network-mode">
                        {CREATABLE_FORWARD_MODES.map(m => (
                            <Radio key={m} id={`kvm-network-mode-${m}`} name="kvm-network-mode" isChecked={mode === m}
                                onChange={() => setMode(m)} label={forwardModeLabel(m)} description={forwardModeDescription(m)} />
                        ))}
                    </FormGroup>
                    <FormGroup label={_("Bridge name")} fieldId="kvm-network-bridge">
                        <TextInput id="kvm-network-bridge" value={bridge} validated={bridgeProblem ? "error" : "default"}
                            placeholder={_("Chosen by libvirt (virbrN)")} onChange={(_event, value) => setBridge(value)} />
                        <FieldErrors id="kvm-network-bridge-error" problems={bridgeProblem ? [bridgeNameProblemText(bridgeProblem)] : []} />
                    </FormGroup>
                    <Grid hasGutter>
                        <GridItem span={8}>
                            <FormGroup label={_("IPv4 address of the host")} isRequired fieldId="kvm-network-address">
                                <TextInput id="kvm-network-address" value={address} isRequired
                                    validated={problemsOf("address").length > 0 ? "error" : "default"}
                                    onChange={(_event, value) => setAddress(value)} onBlur={() => touch("address")} />
                                <FieldErrors id="kvm-network-address-error" problems={problemsOf("address")} />
                            </FormGroup>
                        </GridItem>
                        <GridItem span={4}>
                            <FormGroup label={_("Prefix length")} isRequired fieldId="kvm-network-prefix">
                                <TextInput id="kvm-network-prefix" value={prefix} isRequired inputMode="numeric"
                                    validated={problemsOf("prefix").length > 0 ? "error" : "default"}
                                    onChange={(_event, value) => setPrefix(value)} onBlur={() => touch("prefix")} />
                                <FieldErrors id="kvm-network-prefix-error" problems={problemsOf("prefix")} />
                            </FormGroup>
                        </GridItem>
                    </Grid>
                    {overlapProblems.length > 0 &&
                        <Alert isInline variant="danger" id="kvm-network-overlap" title={_("The subnet is already in use")}>
                            <ul>{overlapProblems.map(p => <li key={ipv4ProblemText(p)}>{ipv4ProblemText(p)}</li>)}</ul>
                            {_("Two networks with overlapping addresses would make the host send guests' traffic to the wrong place. Choose another subnet.")}
                        </Alert>}
                    {hostError &&
                        <Alert isInline variant="warning" title={_("The host's addresses could not be read; overlaps with them are not checked")}>
                            {hostError}
                        </Alert>}
                    <Checkbox id="kvm-network-dhcp" isChecked={dhcp} onChange={(_event, checked) => setDhcp(checked)}
                        label={_("Hand out addresses with DHCP")} />
                    {dhcp &&
                        <Grid hasGutter>
                            <GridItem span={6}>
                                <FormGroup label={_("DHCP range start")} isRequired fieldId="kvm-network-dhcp-start">
                                    <TextInput id="kvm-network-dhcp-start" value={start} isRequired
                                        validated={problemsOf("dhcp-start").length > 0 ? "error" : "default"}
                                        onChange={(_event, value) => setStart(value)} onBlur={() => touch("dhcp-start")} />
                                    <FieldErrors id="kvm-network-dhcp-start-error" problems={problemsOf("dhcp-start")} />
                                </FormGroup>
                            </GridItem>
                            <GridItem span={6}>
                                <FormGroup label={_("DHCP range end")} isRequired fieldId="kvm-network-dhcp-end">
                                    <TextInput id="kvm-network-dhcp-end" value={end} isRequired
                                        validated={problemsOf("dhcp-end").length > 0 ? "error" : "default"}
                                        onChange={(_event, value) => setEnd(value)} onBlur={() => touch("dhcp-end")} />
                                    <FieldErrors id="kvm-network-dhcp-end-error" problems={problemsOf("dhcp-end")} />
                                </FormGroup>
                            </GridItem>
                        </Grid>}
                    <Checkbox id="kvm-network-start" isChecked={startNow} onChange={(_event, checked) => setStartNow(checked)}
                        label={_("Start now")} />
                    <Checkbox id="kvm-network-autostart" isChecked={autostart} onChange={(_event, checked) => setAutostart(checked)}
                        label={_("Start with the host")} />
                    {failure &&
                        <Alert isInline variant="danger" id="kvm-network-create-failure" title={failure.title}>{failure.message}</Alert>}
                </Form>
            </ModalBody>
            <ModalFooter>
                {created
                    ? <Button variant="primary" onClick={() => onCreated(name)}>{_("Close")}</Button>
                    : <>
                        <Button variant="primary" id="kvm-network-create-confirm" type="submit" form="kvm-network-create-form"
                            isLoading={pending} isDisabled={pending || host === null}>{pending ? _("Creating…") : _("Create")}</Button>
                        <Button variant="link" onClick={onCancel} isDisabled={pending}>{_("Cancel")}</Button>
                    </>}
            </ModalFooter>
        </Modal>
    );
}
