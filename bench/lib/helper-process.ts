// Host helpers as the benchmarks run them: bundled exactly as build.ts bundles them, into a directory
// of the benchmark's own (dist/ belongs to whoever builds the page), and run as real processes with
// their wall time, CPU time and peak RSS.
import { spawnSync } from "node:child_process";
import { copyFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as esbuild from "esbuild";

const root = join(__dirname, "..", "..");

export async function bundleHelpers(outdir: string, names: readonly string[]): Promise<void> {
    await esbuild.build({
        entryPoints: names.map(n => join(root, "helpers", "commands", `${n}.ts`)),
        bundle: true, platform: "node", target: ["node18"], format: "cjs", outdir, logLevel: "warning",
    });
    copyFileSync(join(root, "node_modules", "sql.js", "dist", "sql-wasm.wasm"), join(outdir, "sql-wasm.wasm"));
    // Prints the process's peak RSS as it exits: node only, no /usr/bin/time needed.
    writeFileSync(join(outdir, "report-rss.js"),
        "process.on('exit', () => { const u = process.resourceUsage(); process.stderr.write('\\nBENCH-MAXRSS-KIB ' + u.maxRSS +\n" +
        "  ' CPU-MS ' + Math.round((u.userCPUTime + u.systemCPUTime) / 1000) + '\\n'); });\n");
}

export interface ProcessRun {
    wallMs: number;
    // User + system time of all the process's threads: less at the mercy of other load than wall time.
    cpuMs: number;
    maxRssKiB: number;
    stdout: string;
    status: number | null;
}

export function runHelper(binDir: string, name: string, argv: string[], env: NodeJS.ProcessEnv): ProcessRun {
    const started = performance.now();
    const result = spawnSync(process.execPath, ["-r", join(binDir, "report-rss.js"), join(binDir, `${name}.js`), ...argv],
        { encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    const wallMs = performance.now() - started;
    const usage = /BENCH-MAXRSS-KIB (\d+) CPU-MS (\d+)/.exec(result.stderr ?? "");
    if (result.status !== 0) process.stderr.write(result.stderr);
    return {
        wallMs, cpuMs: usage ? Number(usage[2]) : NaN, maxRssKiB: usage ? Number(usage[1]) : NaN,
        stdout: result.stdout, status: result.status,
    };
}
