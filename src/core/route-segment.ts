// A name (of a VM, and later of a template, schedule, pool or network) as one segment of a page route.
// Cockpit's location builds the URL with encodeURIComponent but then turns "%23" back into a raw "#",
// and reads the hash only up to a second "#"; on reading it also drops "." segments and resolves "..".
// Escaping "%" and "#" (and whole "." / ".." segments) before Cockpit sees the name makes what Cockpit
// gives back exactly what it was given, for every name.

export function encodeRouteSegment(name: string): string {
    if (name === "." || name === "..") return name.replace(/\./g, "%2E");
    return name.replace(/[%#]/g, char => (char === "%" ? "%25" : "%23"));
}

// The inverse of encodeRouteSegment. One left-to-right pass, so "%2523" decodes to "%23", not "#".
// A segment that was never encoded (an old bookmark) comes back unchanged unless it holds these escapes.
export function decodeRouteSegment(segment: string): string {
    return segment.replace(/%(25|23|2E)/gi, (_escape, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

// The URL hash for a route path, for links: the same path Cockpit reads back from cockpit.location.
export function routeHash(path: readonly string[]): string {
    return `#/${path.map(encodeURIComponent).join("/")}`;
}
