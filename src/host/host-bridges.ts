// The host's Linux bridges, for a network interface of type "bridge": every interface with a bridge/
// directory in sysfs. Reading sysfs needs no privileges.
import cockpit from "../lib/cockpit";
import { bridgeNamesOfSysPaths } from "../core/template/nic-sources";

// The glob stays unexpanded when there is no bridge: "[ -d ]" drops it.
const LIST_BRIDGES = 'for path in /sys/class/net/*/bridge; do [ -d "$path" ] && printf "%s\\n" "$path"; done; exit 0';

export async function readHostBridges(): Promise<string[]> {
    return bridgeNamesOfSysPaths(await cockpit.spawn(["sh", "-c", LIST_BRIDGES], { err: "message" }));
}
