import { INSIGHTS_RESPONSE_VERSION, type InsightsRange, type InsightsResponse } from "../core/insights/summary";
import cockpit, { _ } from "../lib/cockpit";
import { HelperCommandError, runHelperJson } from "./helper-commands";

// One helper run for the whole host (or one VM of it): the history of every VM is read on the host
// in one pass, never one request per VM from the browser.
export async function fetchInsights({ range, vm }: { range: InsightsRange; vm?: string }): Promise<InsightsResponse> {
    // --vm=NAME keeps a name that starts with "-" a value.
    const argv = ["kvm-manager-insights", "--range", range, "--json", ...(vm === undefined ? [] : [`--vm=${vm}`])];
    const response = await runHelperJson<InsightsResponse>(argv);
    if (response.version !== INSIGHTS_RESPONSE_VERSION) {
        throw new HelperCommandError(cockpit.format(_("kvm-manager-insights answered in format $0, the page reads $1"),
            response.version, INSIGHTS_RESPONSE_VERSION), null);
    }
    return response;
}
