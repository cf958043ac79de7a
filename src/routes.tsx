// The page's routes, addressed through cockpit.location (so the shell's URL and history follow them).
// A route appears in the navigation only once its page exists.
import type { ReactNode } from "react";
import { _ } from "./lib/cockpit";
import { VmListPage } from "./views/vm-list/VmListPage";

export interface RouteDefinition {
    // First path segment; "" is the landing page.
    segment: string;
    navLabel: () => string;
    render: (rest: string[]) => ReactNode;
}

export const ROUTES: readonly RouteDefinition[] = [
    { segment: "", navLabel: () => _("Virtual machines"), render: () => <VmListPage /> },
];

export function findRoute(path: readonly string[]): { route: RouteDefinition; rest: string[] } | null {
    const [first = "", ...rest] = path;
    const route = ROUTES.find(r => r.segment === first);
    return route ? { route, rest } : null;
}
