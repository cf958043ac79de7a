// cockpit.location paths of pages that others link to (kept apart from routes.tsx, which imports the pages).
// Every route that carries a name goes through namedRoutePath and routeName, so any name libvirt accepts
// (with "#", "%", "?", "/", "..", spaces, RTL marks) opens that object and no other.
import { decodeRouteSegment, encodeRouteSegment } from "../core/route-segment";

// The first segment of each route that carries an object's name.
export type NamedRouteKind = "vm" | "template" | "schedule" | "pool" | "network";

export function namedRoutePath(kind: NamedRouteKind, name: string): string[] {
    return [kind, encodeRouteSegment(name)];
}

// The name in a route's second segment, as namedRoutePath put it there; null when there is none.
export function routeName(segment: string | undefined): string | null {
    return segment ? decodeRouteSegment(segment) : null;
}

export function vmDetailsPath(name: string): string[] {
    return namedRoutePath("vm", name);
}

export function networkDetailsPath(name: string): string[] {
    return namedRoutePath("network", name);
}
