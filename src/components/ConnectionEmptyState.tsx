// What the page shows instead of the list when libvirt cannot be reached, each with its own cause and
// remedy. The store keeps retrying, so the list comes back by itself once libvirt answers again.
import { Alert, Button, EmptyState, EmptyStateActions, EmptyStateBody, EmptyStateFooter, Spinner } from "@patternfly/react-core";
import { ExclamationCircleIcon, LockIcon, PowerOffIcon } from "@patternfly/react-icons";
import { useEffect, useState } from "react";
import cockpit, { _, N_ } from "../lib/cockpit";
import { hostUsesSystemd, startLibvirtd } from "../libvirt/service";
import type { ConnectionStatus } from "../state/vm-store";

export const ADMIN_ACCESS_HINT = N_(
    "Turn on administrative access with the “Limited access” button in Cockpit's top bar, then come back to this page.");

function LibvirtDownState({ message, admin, onRetry }: { message: string | null; admin: boolean | null; onRetry: () => void }) {
    const [systemd, setSystemd] = useState(false);
    const [starting, setStarting] = useState(false);
    const [startError, setStartError] = useState<string | null>(null);
    useEffect(() => {
        void hostUsesSystemd().then(setSystemd);
    }, []);

    const start = async (): Promise<void> => {
        setStarting(true);
        setStartError(null);
        try {
            await startLibvirtd();
            onRetry();
        } catch (error) {
            setStartError((error as { message?: string }).message ?? String(error));
        } finally {
            setStarting(false);
        }
    };

    return (
        <EmptyState titleText={_("libvirt is not running")} headingLevel="h2" icon={PowerOffIcon} id="kvm-libvirt-down">
            <EmptyStateBody>
                {_("The libvirt daemon (libvirtd) on this host does not answer, so virtual machines cannot be listed or controlled. The page reconnects by itself as soon as it is running again.")}
                {message && <div className="kvm-technical">{message}</div>}
                {!systemd && <div>{_("Start it on the host, for example with “libvirtd -d”.")}</div>}
                {systemd && admin === false && <div>{_(ADMIN_ACCESS_HINT)}</div>}
                {startError && <Alert isInline variant="danger" title={_("libvirt could not be started")}>{startError}</Alert>}
            </EmptyStateBody>
            <EmptyStateFooter>
                <EmptyStateActions>
                    {systemd && admin === true &&
                        <Button variant="primary" isLoading={starting} isDisabled={starting} onClick={() => void start()}>
                            {_("Start libvirt")}
                        </Button>}
                    <Button variant="link" onClick={onRetry}>{_("Try again")}</Button>
                </EmptyStateActions>
            </EmptyStateFooter>
        </EmptyState>
    );
}

export function ConnectionEmptyState({ status, message, admin, onRetry }: {
    status: Exclude<ConnectionStatus, "ready">;
    message: string | null;
    admin: boolean | null;
    onRetry: () => void;
}) {
    switch (status) {
    case "loading":
        return (
            <EmptyState titleText={_("Loading virtual machines")} headingLevel="h2" icon={Spinner} id="kvm-loading" />
        );
    case "libvirt-down":
        return <LibvirtDownState message={message} admin={admin} onRetry={onRetry} />;
    case "access-denied":
        return (
            <EmptyState titleText={_("Administrative access required")} headingLevel="h2" icon={LockIcon} id="kvm-access-denied">
                <EmptyStateBody>
                    {_("Your account may not talk to libvirt on this host, so virtual machines cannot be listed.")}
                    <div>{_(ADMIN_ACCESS_HINT)}</div>
                    {message && <div className="kvm-technical">{message}</div>}
                </EmptyStateBody>
                <EmptyStateFooter>
                    <Button variant="link" onClick={onRetry}>{_("Try again")}</Button>
                </EmptyStateFooter>
            </EmptyState>
        );
    case "service-missing":
        return (
            <EmptyState titleText={_("libvirt-dbus is not available")} headingLevel="h2" icon={ExclamationCircleIcon} id="kvm-service-missing">
                <EmptyStateBody>
                    {cockpit.format(_("KVM Manager talks to libvirt through the libvirt-dbus service, which could not be started on this host: $0"), message ?? "")}
                </EmptyStateBody>
                <EmptyStateFooter>
                    <Button variant="link" onClick={onRetry}>{_("Try again")}</Button>
                </EmptyStateFooter>
            </EmptyState>
        );
    case "other":
        return (
            <EmptyState titleText={_("Virtual machines could not be loaded")} headingLevel="h2" icon={ExclamationCircleIcon} id="kvm-load-error">
                <EmptyStateBody>{message}</EmptyStateBody>
                <EmptyStateFooter>
                    <Button variant="link" onClick={onRetry}>{_("Try again")}</Button>
                </EmptyStateFooter>
            </EmptyState>
        );
    }
}
