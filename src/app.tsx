import { Nav, NavItem, NavList, PageSection } from "@patternfly/react-core";
import { useEffect, useState } from "react";
import cockpit from "./lib/cockpit";
import { isPlainClick } from "./components/RouteLink";
import { routeHash } from "./core/route-segment";
import { findRoute, NAV_ROUTES, ROUTES } from "./routes";

function useLocationPath(): string[] {
    const [path, setPath] = useState<string[]>(cockpit.location.path);
    useEffect(() => {
        const update = (): void => setPath(cockpit.location.path);
        cockpit.addEventListener("locationchanged", update);
        return () => cockpit.removeEventListener("locationchanged", update);
    }, []);
    return path;
}

export function App() {
    const path = useLocationPath();
    const match = findRoute(path);

    useEffect(() => {
        // An old bookmark or a typo lands on the VM list rather than on a blank page.
        if (!match) cockpit.location.replace("/");
    }, [match]);

    const active = match?.route ?? ROUTES[0];
    return (
        // No PF Page frame: Cockpit's shell already provides masthead and sidebar around this iframe.
        <div className="kvm-manager">
            {NAV_ROUTES.length > 1 &&
                <PageSection type="subnav" padding={{ default: "noPadding" }}>
                    <Nav variant="horizontal" aria-label="KVM Manager">
                        <NavList>
                            {NAV_ROUTES.map(route => {
                                const path = route.segment ? [route.segment] : [];
                                return (
                                    <NavItem key={route.segment} to={routeHash(path)}
                                        // Pages outside the navigation belong to their navParent (a VM's details: the VM list).
                                        isActive={route === active || (active.navLabel === null && route.segment === (active.navParent ?? ""))}
                                        onClick={event => {
                                            if (!isPlainClick(event)) return;
                                            event.preventDefault();
                                            cockpit.location.go(path);
                                        }}>
                                        {route.navLabel?.()}
                                    </NavItem>
                                );
                            })}
                        </NavList>
                    </Nav>
                </PageSection>}
            {match?.content ?? ROUTES[0].render([])}
        </div>
    );
}
