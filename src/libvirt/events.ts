// libvirt-dbus emits DomainEvent on the connection object for every domain: one subscription covers
// all of them, so a change made elsewhere (virsh, another browser) reaches the page without polling.
import { domainEventFromCode, type DomainEventKind } from "../core/domain-state";
import { CONNECT_IFACE, CONNECT_PATH, libvirtClient } from "./connection";

export interface DomainEvent {
    path: string;
    kind: DomainEventKind;
    detail: number;
}

export function subscribeDomainEvents(onEvent: (event: DomainEvent) => void): () => void {
    const subscription = libvirtClient().subscribe(
        { path: CONNECT_PATH, interface: CONNECT_IFACE, member: "DomainEvent" },
        (_path, _iface, _signal, args) => {
            const [path, event, detail] = args as [string, number, number];
            onEvent({ path, kind: domainEventFromCode(event), detail });
        });
    return () => subscription.remove();
}
