// The page's routes, addressed through cockpit.location (so the shell's URL and history follow them).
// A route appears in the navigation only once its page exists; detail routes never do.
import type { ReactNode } from "react";
import { _ } from "./lib/cockpit";
import { routeName } from "./lib/paths";
import { SettingsPage } from "./views/settings/SettingsPage";
import { TemplatesPage } from "./views/templates/TemplatesPage";
import { VmDetailsPage } from "./views/vm-details/VmDetailsPage";
import { VmListPage } from "./views/vm-list/VmListPage";

export interface RouteDefinition {
    // First path segment; "" is the landing page.
    segment: string;
    navLabel: (() => string) | null;
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
        segment: "template", navLabel: null, render: ([segment]) => {
            const name = routeName(segment);
            return name ? <TemplatesPage editing={name} /> : null;
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
