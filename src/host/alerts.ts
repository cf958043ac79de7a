// The page's side of the alerts: the rules are configuration documents (config-documents.ts); what
// fired and when comes from `kvm-manager-alerts --active --history --json`, one call for both.
import { ALERT_RULE_KIND, type AlertRule } from "../core/alerts/alert-rule";
import type { ActiveAlert, AlertEvent } from "../core/alerts/evaluate";
import { listDocuments, type DocumentListing } from "./config-documents";
import { runHelperJson } from "./helper-commands";

export type ActiveAlertRow = ActiveAlert & { rule: string; vm: string };

export interface AlertsAnswer {
    active: ActiveAlertRow[];
    // Newest first.
    history: AlertEvent[];
}

export interface HistoryQuery {
    // false: the fired alerts only.
    history?: boolean;
    vm?: string;
    limit?: number;
}

export async function fetchAlerts(query: HistoryQuery = {}): Promise<AlertsAnswer> {
    const argv = ["kvm-manager-alerts", "--active", ...(query.history === false ? [] : ["--history"]), "--json"];
    // --vm=NAME as one argument: a VM named "--json" stays a name.
    if (query.vm !== undefined) argv.push(`--vm=${query.vm}`);
    if (query.limit !== undefined) argv.push(`--limit=${query.limit}`);
    const answer = await runHelperJson<{ active?: ActiveAlertRow[]; history?: AlertEvent[] }>(argv);
    return { active: answer.active ?? [], history: answer.history ?? [] };
}

export function listAlertRules(): Promise<DocumentListing<AlertRule, object>> {
    return listDocuments(ALERT_RULE_KIND, ["kvm-manager-config", "--list", ALERT_RULE_KIND.directory, "--json"]);
}
