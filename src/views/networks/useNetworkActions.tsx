// Start, stop, autostart and delete of a network, shared by the list and the details page: a pending
// state per network, libvirt's message on failure, and the confirmations. Deleting is refused while a
// running VM uses the network (naming them); stopping it under running VMs asks first, naming them.
import { Alert, Button, List, ListItem, Modal, ModalBody, ModalFooter, ModalHeader, ModalVariant } from "@patternfly/react-core";
import { useState, type ReactNode } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import type { AttachedVm } from "../../core/network/attachments";
import { DisplayName, NameSentence } from "../../components/DisplayName";
import { toLibvirtError } from "../../libvirt/connection";
import { setNetworkAutostart, startNetwork, stopNetwork, undefineNetwork } from "../../libvirt/networks";
import type { NetworkEntry } from "./useNetworks";

export type NetworkAction = "start" | "stop" | "delete" | "autostart-on" | "autostart-off";

export interface NetworkFailure {
    network: string;
    action: NetworkAction;
    message: string;
}

export function actionFailureTitle(failure: NetworkFailure): string {
    switch (failure.action) {
    case "start": return cockpit.format(_("Network $0 could not be started"), failure.network);
    case "stop": return cockpit.format(_("Network $0 could not be stopped"), failure.network);
    case "delete": return cockpit.format(_("Network $0 could not be deleted"), failure.network);
    case "autostart-on": case "autostart-off": return cockpit.format(_("Autostart of network $0 could not be changed"), failure.network);
    }
}

export function pendingText(action: NetworkAction): string {
    switch (action) {
    case "start": return _("Starting…");
    case "stop": return _("Stopping…");
    case "delete": return _("Deleting…");
    case "autostart-on": case "autostart-off": return _("Changing autostart…");
    }
}

function VmList({ vms }: { vms: AttachedVm[] }) {
    return <List id="kvm-network-vms-in-use">{vms.map(vm => <ListItem key={vm.name}><DisplayName name={vm.name} /></ListItem>)}</List>;
}

async function perform(action: NetworkAction, network: NetworkEntry): Promise<void> {
    const { path } = network;
    switch (action) {
    case "start": return startNetwork({ path });
    case "stop": return stopNetwork({ path });
    case "autostart-on": case "autostart-off": return setNetworkAutostart({ path, autostart: action === "autostart-on" });
    case "delete":
        if (network.active) await stopNetwork({ path });
        // A transient network is gone once stopped.
        if (network.persistent) await undefineNetwork({ path });
    }
}

export function useNetworkActions({ onDone, onDeleted }: { onDone: () => Promise<void>; onDeleted?: (name: string) => void }) {
    const [pending, setPending] = useState<Map<string, NetworkAction>>(new Map());
    const [failures, setFailures] = useState<NetworkFailure[]>([]);
    const [confirm, setConfirm] = useState<{ action: "stop" | "delete"; network: NetworkEntry; vms: AttachedVm[] } | null>(null);

    const run = async (action: NetworkAction, network: NetworkEntry): Promise<void> => {
        setConfirm(null);
        setFailures(list => list.filter(f => f.network !== network.name));
        setPending(map => new Map(map).set(network.name, action));
        try {
            await perform(action, network);
            if (action === "delete") onDeleted?.(network.name);
        } catch (error) {
            setFailures(list => [...list, { network: network.name, action, message: toLibvirtError(error).message }]);
        } finally {
            setPending(map => {
                const next = new Map(map);
                next.delete(network.name);
                return next;
            });
            await onDone();
        }
    };

    // `vms`: the VMs attached to the network, running or not.
    const request = (action: NetworkAction, network: NetworkEntry, vms: AttachedVm[]): void => {
        const running = vms.filter(vm => vm.active);
        if (action === "delete" || (action === "stop" && running.length > 0)) setConfirm({ action, network, vms });
        else void run(action, network);
    };

    let dialog: ReactNode = null;
    if (confirm) {
        const running = confirm.vms.filter(vm => vm.active);
        const stopped = confirm.vms.filter(vm => !vm.active);
        const refused = confirm.action === "delete" && running.length > 0;
        const close = () => setConfirm(null);
        dialog = (
            <Modal isOpen variant={ModalVariant.small} onClose={close} aria-labelledby="kvm-network-confirm-title" id="kvm-network-confirm">
                <ModalHeader labelId="kvm-network-confirm-title" titleIconVariant="warning"
                    title={<NameSentence names={[confirm.network.name]}
                        template={confirm.action === "stop" ? _("Stop network $0?") : refused ? _("Network $0 cannot be deleted") : _("Delete network $0?")} />} />
                <ModalBody>
                    {confirm.action === "stop" &&
                        <>
                            <p>{_("These running virtual machines lose their connection on this network until it is started again:")}</p>
                            <VmList vms={running} />
                        </>}
                    {refused &&
                        <Alert isInline isPlain variant="danger" id="kvm-network-delete-refused"
                            title={_("Running virtual machines use this network")}>
                            <VmList vms={running} />
                            <p>{_("Shut them down, or move their interfaces to another network, then delete it.")}</p>
                        </Alert>}
                    {confirm.action === "delete" && !refused &&
                        <>
                            <p>{confirm.network.active
                                ? _("The network is stopped and its definition removed. This cannot be undone.")
                                : _("The network's definition is removed. This cannot be undone.")}</p>
                            {stopped.length > 0 &&
                                <Alert isInline isPlain variant="warning" id="kvm-network-delete-stopped-vms"
                                    title={_("These shut-off virtual machines have an interface on it and will not start until it is changed:")}>
                                    <VmList vms={stopped} />
                                </Alert>}
                        </>}
                </ModalBody>
                <ModalFooter>
                    {refused
                        ? <Button variant="primary" onClick={close} id="kvm-network-confirm-close">{_("Close")}</Button>
                        : <>
                            <Button variant="danger" id="kvm-network-confirm-button" onClick={() => void run(confirm.action, confirm.network)}>
                                {confirm.action === "stop" ? _("Stop") : _("Delete")}
                            </Button>
                            <Button variant="link" onClick={close}>{_("Cancel")}</Button>
                        </>}
                </ModalFooter>
            </Modal>
        );
    }

    return {
        request,
        pendingOf: (name: string) => pending.get(name) ?? null,
        failures,
        dismiss: (name: string) => setFailures(list => list.filter(f => f.network !== name)),
        dialog,
    };
}
