// Extracts every translatable string of the page into po/kvm-manager.pot. It reads the sources with the
// TypeScript compiler's own parser (TSX included, which xgettext cannot read) and recognises
// _("..."), N_("..."), cockpit.gettext("...") and (cockpit.)ngettext("...", "...", n); manifest.json and
// index.html add theirs through po/static-strings.ts.
import { readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { po, type GetTextTranslation } from "gettext-parser";
import ts from "typescript";
import { htmlMessages, manifestMessages, type StaticMessage } from "./static-strings";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function sourceFiles(dir: string): string[] {
    return readdirSync(dir).flatMap(entry => {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) return sourceFiles(path);
        return /\.tsx?$/.test(entry) && !entry.endsWith(".d.ts") ? [path] : [];
    });
}

function calleeName(expression: ts.Expression): string | null {
    if (ts.isIdentifier(expression)) return expression.text;
    if (ts.isPropertyAccessExpression(expression) && ts.isIdentifier(expression.expression) &&
        expression.expression.text === "cockpit") {
        return `cockpit.${expression.name.text}`;
    }
    return null;
}

function literal(node: ts.Expression | undefined): string | null {
    return node && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) ? node.text : null;
}

export function extractMessages(files: string[]): Map<string, GetTextTranslation> {
    const messages = new Map<string, GetTextTranslation>();
    const add = (msgid: string, plural: string | null, reference: string): void => {
        const existing = messages.get(msgid);
        if (existing) {
            existing.comments = { ...existing.comments, reference: `${existing.comments?.reference ?? ""}\n${reference}`.trim() };
            return;
        }
        messages.set(msgid, {
            msgid,
            ...(plural ? { msgid_plural: plural } : {}),
            msgstr: plural ? ["", ""] : [""],
            comments: { reference },
        } as GetTextTranslation);
    };

    for (const file of files) {
        const text = ts.sys.readFile(file) ?? "";
        const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true,
            file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
        const visit = (node: ts.Node): void => {
            if (ts.isCallExpression(node)) {
                const name = calleeName(node.expression);
                const reference = `${relative(root, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
                if (name === "_" || name === "N_" || name === "cockpit.gettext") {
                    const msgid = literal(node.arguments[0]);
                    if (msgid) add(msgid, null, reference);
                } else if (name === "ngettext" || name === "cockpit.ngettext") {
                    const singular = literal(node.arguments[0]);
                    const plural = literal(node.arguments[1]);
                    if (singular && plural) add(singular, plural, reference);
                }
            }
            ts.forEachChild(node, visit);
        };
        visit(source);
    }
    return messages;
}

/** The TypeScript messages plus the static ones; a static string also used in code keeps one entry. */
export function mergeStaticMessages(code: Map<string, GetTextTranslation>,
    statics: StaticMessage[]): GetTextTranslation[] {
    const all = [...code.values()];
    for (const { msgid, context, reference } of statics) {
        const existing = all.find(m => m.msgid === msgid && (m.msgctxt ?? null) === context);
        if (existing) {
            existing.comments = { ...existing.comments, reference: `${existing.comments?.reference ?? ""}\n${reference}`.trim() };
        } else {
            all.push({ msgid, ...(context ? { msgctxt: context } : {}), msgstr: [""], comments: { reference } } as GetTextTranslation);
        }
    }
    return all;
}

function main(): void {
    const statics = [
        ...manifestMessages(readFileSync(join(root, "manifest.json"), "utf8")),
        ...htmlMessages(readFileSync(join(root, "src", "index.html"), "utf8"), "src/index.html"),
    ];
    const sorted = mergeStaticMessages(extractMessages(sourceFiles(join(root, "src"))), statics)
        .sort((a, b) => a.msgid.localeCompare(b.msgid) || (a.msgctxt ?? "").localeCompare(b.msgctxt ?? ""));
    const translations: Record<string, Record<string, GetTextTranslation>> = {};
    for (const message of sorted) (translations[message.msgctxt ?? ""] ??= {})[message.msgid] = message;
    const pot = po.compile({
        charset: "utf-8",
        headers: {
            "Project-Id-Version": "kvm-manager",
            "Content-Type": "text/plain; charset=UTF-8",
            "Content-Transfer-Encoding": "8bit",
            "Plural-Forms": "nplurals=2; plural=(n != 1);",
        },
        translations,
    }, { sort: false });
    writeFileSync(join(root, "po", "kvm-manager.pot"), pot);
    console.log(`po/kvm-manager.pot: ${sorted.length} messages`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
