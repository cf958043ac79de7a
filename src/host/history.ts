import { HISTORY_RESPONSE_VERSION, type HistoryResponse } from "../core/metrics/history";
import type { HistoryRange } from "../core/metrics/tiers";
import cockpit, { _ } from "../lib/cockpit";
import { HelperCommandError, runHelperJson } from "./helper-commands";

export async function fetchHistory({ vm, range }: { vm: string; range: HistoryRange }): Promise<HistoryResponse> {
    // --vm=NAME keeps a name that starts with "-" a value.
    const response = await runHelperJson<HistoryResponse>(["kvm-manager-history", `--vm=${vm}`, "--range", range, "--json"]);
    if (response.version !== HISTORY_RESPONSE_VERSION) {
        throw new HelperCommandError(cockpit.format(_("kvm-manager-history answered in format $0, the page reads $1"),
            response.version, HISTORY_RESPONSE_VERSION), null);
    }
    return response;
}
