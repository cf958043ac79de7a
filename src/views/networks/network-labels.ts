// The page's words for network modes and for core's structured problems with a new network.
import cockpit, { _ } from "../../lib/cockpit";
import type { Ipv4Problem } from "../../core/network/ipv4";
import type { BridgeNameProblem, NetworkNameProblem } from "../../core/network/network-xml";

export function forwardModeLabel(mode: string): string {
    switch (mode) {
    case "nat": return _("NAT");
    case "isolated": return _("Isolated");
    case "route": return _("Routed");
    case "open": return _("Open");
    case "bridge": return _("Bridge");
    default: return mode;
    }
}

export function forwardModeDescription(mode: string): string {
    switch (mode) {
    case "nat": return _("Guests reach outside networks through the host's address (masquerading); nothing outside can reach them.");
    case "isolated": return _("Guests reach each other and the host only.");
    case "route": return _("Guests' traffic is routed by the host without address translation; other hosts need a route back.");
    case "open": return _("Like routed, but libvirt adds no firewall rules at all.");
    default: return "";
    }
}

export function ipv4ProblemText(problem: Ipv4Problem): string {
    switch (problem.code) {
    case "invalid":
        return problem.field === "prefix" ? _("A prefix length is a whole number, such as 24.") : _("Not an IPv4 address, such as 192.168.100.1.");
    case "too-short": case "too-long":
        return cockpit.format(_("Use a prefix from /$0 to /$1: the network needs room for the host and at least one guest."), problem.min, problem.max);
    case "network-address":
        return problem.field === "address"
            ? cockpit.format(_("This is the network address of $0; the host needs an address inside it, such as the next one."), problem.subnet)
            : _("The network address cannot be given to a guest.");
    case "broadcast-address":
        return problem.field === "address"
            ? cockpit.format(_("This is the broadcast address of $0."), problem.subnet)
            : _("The broadcast address cannot be given to a guest.");
    case "outside-subnet": return cockpit.format(_("Outside the network's subnet $0."), problem.subnet);
    case "reversed": return _("The range ends before it starts.");
    case "includes-gateway": return cockpit.format(_("The range includes the host's own address $0."), problem.gateway);
    case "overlaps-network": return cockpit.format(_("Overlaps network $0 ($1)."), problem.network, problem.subnet);
    case "overlaps-host": return cockpit.format(_("Overlaps the host's address $0 on $1."), problem.subnet, problem.interface);
    }
}

export function networkNameProblemText(problem: NetworkNameProblem): string {
    switch (problem) {
    case "empty": return _("A name is required.");
    case "slash": return _("A network name cannot contain “/”.");
    case "taken": return _("A network with this name exists already.");
    case "too-long": return _("At most 200 characters.");
    case "hash-after-space": return _("A “#” right after a space would cut the name short in the network's DHCP server (dnsmasq) configuration, and the network would not start.");
    }
}

export function bridgeNameProblemText(problem: BridgeNameProblem): string {
    switch (problem) {
    case "too-long": return _("A bridge name has at most 15 characters.");
    case "characters": return _("Use letters, digits, “-”, “_” and “.” only.");
    }
}
