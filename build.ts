// Builds dist/: the page (index.html, index.js, index.css, fonts, manifest.json, po.LANG.js,
// po.manifest.LANG.js) and one bundled file per helper command. `tsx build.ts --watch` rebuilds the page
// on change.
import * as esbuild from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { po } from "gettext-parser";
import { manifestMessages } from "./po/static-strings";

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, "dist");
const watch = process.argv.includes("--watch");
const production = !watch;

// po.LANG.js holds every translation: the page's, and the manifest's, which Cockpit up to 301 (this
// host has 287) looks up in every package's po.js. Cockpit 302 and later loads po.manifest.LANG.js
// (only the manifest's strings) into the shell instead of the whole po.js, when a package has one.
function buildTranslations(): void {
    const poDir = join(root, "po");
    const manifestIds = new Set(manifestMessages(readFileSync(join(root, "manifest.json"), "utf8")).map(m => m.msgid));
    for (const file of readdirSync(poDir).filter(f => f.endsWith(".po"))) {
        const lang = basename(file, ".po");
        const parsed = po.parse(readFileSync(join(poDir, file)));
        writeLocale(parsed, lang, `po.${lang}.js`, () => true);
        writeLocale(parsed, lang, `po.manifest.${lang}.js`, (context, msgid) => !context && manifestIds.has(msgid));
    }
}

function writeLocale(parsed: ReturnType<typeof po.parse>, lang: string, name: string,
    include: (context: string, msgid: string) => boolean): void {
    // Cockpit's locale format: msgid -> [context-or-null, singular, plural...]; empty translations
    // are left out so cockpit.gettext falls back to the English msgid.
    const messages: Record<string, unknown> = {};
    const pluralForms = parsed.headers["Plural-Forms"] ?? "nplurals=2; plural=(n != 1);";
    const pluralExpr = /plural=([^;]+)/.exec(pluralForms)?.[1] ?? "(n != 1)";
    for (const [context, entries] of Object.entries(parsed.translations)) {
        for (const [msgid, entry] of Object.entries(entries)) {
            if (!msgid || !include(context, msgid) || entry.msgstr.every(s => s === "")) continue;
            const key = context ? `${context}\u0004${msgid}` : msgid;
            messages[key] = [null, ...entry.msgstr];
        }
    }
    const header = `"":{"plural-forms":(n)=>${pluralExpr},"language":${JSON.stringify(lang)},"language-direction":"ltr"}`;
    const body = JSON.stringify(messages).slice(1, -1);
    const js = `cockpit.locale({${[header, body].filter(Boolean).join(",")}});\n`;
    // A syntax error here would silently leave the page in English: parse it now instead.
    new Function("cockpit", js);
    writeFileSync(join(dist, name), js);
}

// The bridge serves NAME.gz for a request of NAME: the page's 2 MiB of JS and CSS cross a real network
// as about 300 KiB. Only the compressed copy is kept, so there is no stale plain one to be served instead.
function compressPageBundles(): void {
    for (const name of ["index.js", "index.css"]) {
        const path = join(dist, name);
        writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
        rmSync(path);
    }
}

function helperEntries(): string[] {
    const dir = join(root, "helpers", "commands");
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter(f => f.endsWith(".ts")).map(f => join(dir, f));
}

async function main(): Promise<void> {
    rmSync(dist, { recursive: true, force: true });
    mkdirSync(dist, { recursive: true });
    copyFileSync(join(root, "src", "index.html"), join(dist, "index.html"));
    copyFileSync(join(root, "manifest.json"), join(dist, "manifest.json"));
    buildTranslations();

    const pageOptions: esbuild.BuildOptions = {
        entryPoints: { index: join(root, "src", "index.tsx") },
        bundle: true,
        outdir: dist,
        format: "iife",
        target: ["es2022"],
        minify: production,
        sourcemap: production ? false : "inline",
        legalComments: "external",
        loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".svg": "file", ".png": "file", ".jpg": "file" },
        assetNames: "assets/[name]-[hash]",
        define: { "process.env.NODE_ENV": production ? '"production"' : '"development"' },
        logLevel: "warning",
    };

    const helpers = helperEntries();
    const helperOptions: esbuild.BuildOptions = {
        entryPoints: helpers,
        bundle: true,
        platform: "node",
        target: ["node18"],
        format: "cjs",
        outdir: join(dist, "helpers"),
        banner: { js: "#!/usr/bin/env node" },
        logLevel: "warning",
    };

    if (watch) {
        const ctx = await esbuild.context(pageOptions);
        await ctx.watch();
        console.log("watching src/ ...");
        return;
    }
    await esbuild.build(pageOptions);
    compressPageBundles();
    if (helpers.length > 0) {
        await esbuild.build(helperOptions);
        // sql.js loads its WebAssembly at run time; the helpers look for it beside themselves
        // (helpers/lib/sqljs.ts), where `make install` puts every non-.js file of dist/helpers.
        copyFileSync(join(root, "node_modules", "sql.js", "dist", "sql-wasm.wasm"), join(dist, "helpers", "sql-wasm.wasm"));
    }
}

main().catch(err => {
    console.error(err);
    process.exit(1);
});
