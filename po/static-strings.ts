// The translatable strings that live outside the TypeScript sources: manifest.json (read by Cockpit's
// shell for its menu and search) and index.html (the <title> before React runs). The shell translates
// manifest labels and keywords with cockpit.gettext and no context; cockpit.translate() translates
// elements marked `translate` in the page. Both the extractor and the build use these lists.

export interface StaticMessage {
    msgid: string;
    /** msgctxt, from an HTML element's translate-context (or context) attribute. */
    context: string | null;
    /** "file:line" for the .pot reference comment. */
    reference: string;
}

interface ManifestKeyword {
    matches?: unknown;
    translate?: unknown;
}

interface ManifestEntry {
    label?: unknown;
    keywords?: unknown;
    docs?: unknown;
}

function lineOf(text: string, needle: string): number {
    const index = text.indexOf(needle);
    return index < 0 ? 0 : text.slice(0, index).split("\n").length;
}

function strings(values: unknown): string[] {
    return Array.isArray(values) ? values.filter((v): v is string => typeof v === "string" && v !== "") : [];
}

/**
 * Labels, docs labels and search keywords of the manifest's "menu" and "tools" sections. A keyword
 * group with `"translate": false` (product names such as "qemu") is left out: the shell does not
 * translate it either.
 */
export function manifestMessages(manifestText: string, file = "manifest.json"): StaticMessage[] {
    const manifest = JSON.parse(manifestText) as Record<string, unknown>;
    const found: string[] = [];
    for (const section of [manifest.menu, manifest.tools]) {
        if (typeof section !== "object" || section === null) continue;
        for (const entry of Object.values(section as Record<string, ManifestEntry>)) {
            if (typeof entry.label === "string" && entry.label !== "") found.push(entry.label);
            for (const keyword of (Array.isArray(entry.keywords) ? entry.keywords : []) as ManifestKeyword[]) {
                if (keyword.translate !== false) found.push(...strings(keyword.matches));
            }
            for (const doc of (Array.isArray(entry.docs) ? entry.docs : []) as ManifestEntry[]) {
                if (typeof doc.label === "string" && doc.label !== "") found.push(doc.label);
            }
        }
    }
    return [...new Set(found)].map(msgid => ({
        msgid,
        context: null,
        reference: `${file}:${lineOf(manifestText, JSON.stringify(msgid))}`,
    }));
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function decodeEntities(text: string): string {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
        if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16));
        if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
        return ENTITIES[name.toLowerCase()] ?? whole;
    });
}

function attribute(attributes: string, name: string): string | null {
    const match = new RegExp(`(?:^|\\s)${name}(?:\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+)))?(?=\\s|$)`, "i")
        .exec(attributes);
    if (!match) return null;
    return decodeEntities(match[1] ?? match[2] ?? match[3] ?? "");
}

/**
 * The text of every element marked `translate` or `translate="yes"`, as cockpit.translate() looks it up:
 * the element's text content, with translate-context (or context) as msgctxt. The page's HTML is one
 * small hand-written file, so plain elements without nested markup are all this needs to read; an
 * element it cannot read is an error rather than a string silently left untranslated.
 */
export function htmlMessages(html: string, file = "index.html"): StaticMessage[] {
    const messages: StaticMessage[] = [];
    const opening = /<([a-z][a-z0-9-]*)(\s[^>]*)?>/gi;
    for (let match = opening.exec(html); match; match = opening.exec(html)) {
        const attributes = match[2] ?? "";
        const translate = attribute(attributes, "translate") ?? attribute(attributes, "translatable");
        if (translate === null || translate === "no") continue;
        const line = html.slice(0, match.index).split("\n").length;
        const tasks = translate === "" ? ["yes"] : translate.split(/\s+/);
        if (tasks.some(task => task !== "yes" && task !== "translate")) {
            throw new Error(`${file}:${line}: only element text is extracted; translate="${translate}" names attributes`);
        }
        const rest = html.slice(opening.lastIndex);
        const end = rest.search(new RegExp(`</${match[1]}\\s*>`, "i"));
        const text = end < 0 ? null : rest.slice(0, end);
        if (text === null || text.includes("<")) {
            throw new Error(`${file}:${line}: a translatable <${match[1]}> must hold plain text`);
        }
        messages.push({
            msgid: decodeEntities(text),
            context: attribute(attributes, "translate-context") ?? attribute(attributes, "context"),
            reference: `${file}:${line}`,
        });
    }
    return messages;
}
