// Builds dist/: the page (index.html, index.js, index.css, manifest.json, po.LANG.js, po.manifest.LANG.js)
// and one bundled file per helper command, then prints the size of every output. `tsx build.ts --watch`
// rebuilds the page on change. dist/metafile.json says which input takes how much of each bundle
// (load it into https://esbuild.github.io/analyze/).
import * as esbuild from "esbuild";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
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

// PatternFly's CSS brings its own Red Hat fonts (228 KiB) and Font Awesome (77 KiB). Cockpit already
// serves the Red Hat fonts to every page (src/lib/cockpit-fonts.css points at them), and the page's
// icons are SVG from @patternfly/react-icons, so nothing uses Font Awesome: Cockpit's own build leaves
// it out too. This drops those @font-face rules before esbuild sees the files they name. A PatternFly
// release that renames a family stops the build instead of quietly shipping the fonts again.
const FAMILIES_FROM_COCKPIT = ["Red Hat Text", "Red Hat Display", "Red Hat Mono", "Font Awesome 5 Free"];

const withoutBundledFonts: esbuild.Plugin = {
    name: "without-bundled-fonts",
    setup(build) {
        build.onLoad({ filter: /[\\/]@patternfly[\\/]patternfly[\\/]patternfly\.css$/ }, args => {
            const dropped = new Set<string>();
            const css = readFileSync(args.path, "utf8").replace(/@font-face\s*\{[^}]*\}/g, rule => {
                const family = /font-family:\s*"([^"]+)"/.exec(rule)?.[1];
                if (!family || !FAMILIES_FROM_COCKPIT.includes(family)) return rule;
                dropped.add(family);
                return "";
            });
            const missing = FAMILIES_FROM_COCKPIT.filter(family => !dropped.has(family));
            if (missing.length > 0) {
                return { errors: [{ text: `no @font-face for ${missing.join(", ")} in ${args.path}: update build.ts` }] };
            }
            return { contents: css, loader: "css", resolveDir: dirname(args.path) };
        });
    },
};

function filesUnder(dir: string): string[] {
    return readdirSync(dir).flatMap(entry => {
        const path = join(dir, entry);
        return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;

/**
 * Every file of dist/ with its size as built and gzipped (what the bridge sends for a .gz, or what a
 * compressing transport would), and the totals of the page's files and of the host-side helpers.
 */
function printSizes(): void {
    const rows = filesUnder(dist).filter(path => !path.endsWith("metafile.json")).sort().map(path => {
        const data = readFileSync(path);
        const gzipped = path.endsWith(".gz");
        return {
            name: relative(dist, path),
            plain: gzipped ? gunzipSync(data).length : data.length,
            gzip: gzipped ? data.length : gzipSync(data, { level: 9 }).length,
        };
    });
    const total = (name: string, part: typeof rows): (typeof rows)[number] => ({
        name, plain: part.reduce((sum, row) => sum + row.plain, 0), gzip: part.reduce((sum, row) => sum + row.gzip, 0),
    });
    const isHelper = (row: (typeof rows)[number]): boolean => row.name.startsWith(`helpers${sep}`);
    const table = [...rows, total("page total", rows.filter(row => !isHelper(row))), total("helpers total", rows.filter(isHelper))];
    const width = Math.max(...table.map(row => row.name.length));
    console.log(`${"dist/".padEnd(width)}  ${"size".padStart(10)}  ${"gzipped".padStart(10)}`);
    for (const row of table) {
        console.log(`${row.name.padEnd(width)}  ${kib(row.plain).padStart(10)}  ${kib(row.gzip).padStart(10)}`);
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
        // Cockpit's own files beside the package, requested by the browser, never bundled.
        external: ["../../static/fonts/*"],
        plugins: [withoutBundledFonts],
        metafile: true,
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
    const page = await esbuild.build(pageOptions);
    compressPageBundles();
    const metafile: esbuild.Metafile = { inputs: { ...page.metafile?.inputs }, outputs: { ...page.metafile?.outputs } };
    if (helpers.length > 0) {
        const helpersBuilt = await esbuild.build({ ...helperOptions, metafile: true });
        Object.assign(metafile.inputs, helpersBuilt.metafile?.inputs);
        Object.assign(metafile.outputs, helpersBuilt.metafile?.outputs);
        // sql.js loads its WebAssembly at run time; the helpers look for it beside themselves
        // (helpers/lib/sqljs.ts), where `make install` puts every non-.js file of dist/helpers.
        copyFileSync(join(root, "node_modules", "sql.js", "dist", "sql-wasm.wasm"), join(dist, "helpers", "sql-wasm.wasm"));
    }
    writeFileSync(join(dist, "metafile.json"), JSON.stringify(metafile));
    printSizes();
}

main().catch(err => {
    console.error(err);
    process.exit(1);
});
