// cockpit.location paths of pages that others link to (kept apart from routes.tsx, which imports the pages).
export function vmDetailsPath(name: string): string[] {
    return ["vm", name];
}
