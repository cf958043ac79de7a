// The host's own IPv4 addresses, so a new virtual network's subnet can be checked against them. `ip`
// needs no privileges to list addresses.
import cockpit from "../lib/cockpit";
import { parseIpAddrJson, type HostAddress } from "../core/network/ipv4";

export async function readHostAddresses(): Promise<HostAddress[]> {
    const output = await cockpit.spawn(["ip", "-j", "addr", "show"], { err: "message" });
    return parseIpAddrJson(output);
}
