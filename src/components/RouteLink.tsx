// A link to one of the page's routes: a real <a href="#/..."> (focusable, can be opened in a new tab),
// while a plain click navigates through cockpit.location so Cockpit's shell keeps its URL in step.
import type { ReactNode } from "react";
import cockpit from "../lib/cockpit";
import { routeHash } from "../core/route-segment";

// A click the page handles itself; a middle click or one with a modifier key is left to the browser (new
// tab, new window). Takes React's synthetic event of any type: PF's NavItem types its click as a FormEvent.
export function isPlainClick(event: { nativeEvent: Event }): boolean {
    const click = event.nativeEvent;
    return click instanceof MouseEvent && click.button === 0 &&
        !click.ctrlKey && !click.metaKey && !click.shiftKey && !click.altKey;
}

export function RouteLink({ path, className, title, children }: {
    path: string[];
    className?: string;
    title?: string;
    children: ReactNode;
}) {
    return (
        <a href={routeHash(path)} className={className} title={title} onClick={event => {
            if (!isPlainClick(event)) return;
            event.preventDefault();
            cockpit.location.go(path);
        }}>
            {children}
        </a>
    );
}
