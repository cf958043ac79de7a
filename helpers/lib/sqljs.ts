// Loads sql.js (SQLite compiled to WebAssembly). The bundled helpers find sql-wasm.wasm next to
// themselves (build.ts copies it there, `make install` installs it beside them); run from source
// (tests, tsx) it comes from node_modules.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import initSqlJs, { type SqlJsStatic } from "sql.js";

let loading: Promise<SqlJsStatic> | null = null;

function wasmPath(): string {
    const beside = join(__dirname, "sql-wasm.wasm");
    if (existsSync(beside)) return beside;
    // From source, __dirname is helpers/lib. (require.resolve would make esbuild try to bundle the file.)
    return join(__dirname, "..", "..", "node_modules", "sql.js", "dist", "sql-wasm.wasm");
}

export function loadSqlJs(): Promise<SqlJsStatic> {
    if (!loading) {
        // Our processes live for a fraction of a second. V8 would recompile SQLite's hot functions with
        // its optimising compiler in the background, which costs more time than it saves here and some
        // 25 MiB of memory; its baseline compiler alone halves a fold step's time and keeps the
        // collector under its memory budget. Read when the module is compiled, so set it just before.
        setFlagsFromString("--liftoff-only");
        const wasm = readFileSync(wasmPath());
        loading = initSqlJs({ wasmBinary: wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer });
    }
    return loading;
}
