import { TIMERS_STATUS_VERSION, type TimersStatus } from "../core/collection-status";
import cockpit, { _ } from "../lib/cockpit";
import { HelperCommandError, runHelperJson } from "./helper-commands";

// Whether the metrics collector has been running lately, and what runs the timers on this host.
export async function fetchTimersStatus(): Promise<TimersStatus> {
    const status = await runHelperJson<TimersStatus>(["kvm-manager-timers", "--status", "--json"]);
    if (status.version !== TIMERS_STATUS_VERSION) {
        throw new HelperCommandError(cockpit.format(_("kvm-manager-timers answered in format $0, the page reads $1"),
            status.version, TIMERS_STATUS_VERSION), null);
    }
    return status;
}
