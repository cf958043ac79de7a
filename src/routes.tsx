// The page's routes, addressed through cockpit.location (so the shell's URL and history follow them).
// A route appears in the navigation only once its page exists; detail routes never do.
import type { ReactNode } from "react";
import { _ } from "./lib/cockpit";
import { routeName } from "./lib/paths";
import { AlertsPage } from "./views/alerts/AlertsPage";
import { BackupsPage } from "./views/backups/BackupsPage";
import { InsightsPage } from "./views/insights/InsightsPage";
import { NetworkDetailsPage } from "./views/networks/NetworkDetailsPage";
import { NetworksPage } from "./views/networks/NetworksPage";
import { SchedulesPage } from "./views/schedules/SchedulesPage";
import { SettingsPage } from "./views/settings/SettingsPage";
import { PoolDetailsPage } from "./views/storage-pools/PoolDetailsPage";
import { StoragePoolsPage } from "./views/storage-pools/StoragePoolsPage";
import { TemplatesPage } from "./views/templates/TemplatesPage";
import { VmDetailsPage } from "./views/vm-details/VmDetailsPage";
import { VmListPage } from "./views/vm-list/VmListPage";

export interface RouteDefinition {
    // First path segment; "" is the landing page.
    segment: string;
    navLabel: (() => string) | null;
    // For a route outside the navigation: the segment of the page it belongs to ("" when not given).
    navParent?: string;
    // Returns null when the rest of the path does not name anything, so the app falls back to the list.
    render: (rest: string[]) => ReactNode | null;
}

export const ROUTES: readonly RouteDefinition[] = [
    { segment: "", navLabel: () => _("Virtual machines"), render: () => <VmListPage /> },
    {
        segment: "vm", navLabel: null, render: ([segment]) => {
            const name = routeName(segment);
            return name ? <VmDetailsPage key={name} name={name} /> : null;
        },
    },
    { segment: "templates", navLabel: () => _("Templates"), render: () => <TemplatesPage /> },
    {
        segment: "template", navLabel: null, navParent: "templates", render: ([segment]) => {
            const name = routeName(segment);
            return name ? <TemplatesPage editing={name} /> : null;
        },
    },
    { segment: "schedules", navLabel: () => _("Schedules"), render: () => <SchedulesPage /> },
    {
        segment: "schedule", navLabel: null, navParent: "schedules", render: ([segment]) => {
            const name = routeName(segment);
            return name ? <SchedulesPage editName={name} /> : null;
        },
    },
    { segment: "backups", navLabel: () => _("Backups"), render: () => <BackupsPage /> },
    { segment: "alerts", navLabel: () => _("Alerts"), render: () => <AlertsPage /> },
    { segment: "insights", navLabel: () => _("Insights"), render: () => <InsightsPage /> },
    { segment: "storage", navLabel: () => _("Storage pools"), render: () => <StoragePoolsPage /> },
    {
        segment: "pool", navLabel: null, navParent: "storage", render: ([segment]) => {
            const name = routeName(segment);
            return name ? <PoolDetailsPage key={name} name={name} /> : null;
        },
    },
    { segment: "networks", navLabel: () => _("Networks"), render: () => <NetworksPage /> },
    {
        segment: "network", navLabel: null, navParent: "networks", render: ([segment]) => {
            const name = routeName(segment);
            return name ? <NetworkDetailsPage key={name} name={name} /> : null;
        },
    },
    { segment: "settings", navLabel: () => _("Settings"), render: () => <SettingsPage /> },
];

export const NAV_ROUTES = ROUTES.filter(route => route.navLabel !== null);

export function findRoute(path: readonly string[]): { route: RouteDefinition; content: ReactNode } | null {
    const [first = "", ...rest] = path;
    const route = ROUTES.find(r => r.segment === first);
    const content = route?.render(rest) ?? null;
    return route && content !== null ? { route, content } : null;
}
