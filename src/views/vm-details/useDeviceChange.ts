// A details card's change to the VM's devices (a disk, a network interface): one at a time, with its
// pending state, libvirt's message when it fails, a notice when it returns one (a change that waits
// for the next boot), and a re-read of the definition afterwards: hot-plug and config-only changes
// send no lifecycle event for a running VM.
import { useState } from "react";
import type { ActionFailure } from "../../components/ActionStatus";
import { toLibvirtError } from "../../libvirt/connection";
import { vmStore } from "../../state/vm-store";

export function useDeviceChange<P>(name: string, onDefinitionChanged: () => void) {
    const [pending, setPending] = useState<P | null>(null);
    const [failure, setFailure] = useState<ActionFailure | null>(null);
    const [notice, setNotice] = useState<string | null>(null);

    const run = async (what: P, failureTitle: string, work: (domainPath: string) => Promise<string | null>): Promise<void> => {
        setFailure(null);
        setNotice(null);
        setPending(what);
        try {
            setNotice(await work(await vmStore.resolvePath(name)));
        } catch (err) {
            setFailure({ title: failureTitle, message: toLibvirtError(err).message });
        } finally {
            setPending(null);
            onDefinitionChanged();
        }
    };

    return { pending, failure, notice, run, dismissFailure: () => setFailure(null), dismissNotice: () => setNotice(null) };
}
