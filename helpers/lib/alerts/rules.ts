// The alert rules for a tick. Every tick is a new process, and validating 50 documents with the schema
// each time would cost a good part of the tick's budget, so the validated rules are kept in
// STATE_DIR/alerts/rules-cache.json under each file's tag (inode and modification time, as the page's
// writes use) and size: a tick looks at each file with one lstat and reads only what changed. The
// cache is only a cache: a damaged or missing one means reading everything again.
import { lstatSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ALERT_RULE_KIND, type AlertRule } from "../../../src/core/alerts/alert-rule";
import { documentNameOfFile } from "../../../src/core/config/documents";
import { documentDirectory, fileTag, isValidDocument, readDocument } from "../config-documents";
import { readFileNoFollow, writeStateFile } from "../durable-fs";

export interface AlertRules {
    rules: { name: string; rule: AlertRule }[];
    // Rules whose files exist but are not valid now.
    unreadable: string[];
}

type Cache = Record<string, { key: string; rule: AlertRule }>;

function readCache(path: string): Cache {
    try {
        const value = JSON.parse(readFileNoFollow(path).toString("utf8")) as unknown;
        return typeof value === "object" && value !== null && !Array.isArray(value) ? value as Cache : {};
    } catch {
        return {};
    }
}

function ruleFileNames(directory: string): string[] {
    try {
        return readdirSync(directory).filter(f => documentNameOfFile(f) !== null).sort();
    } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR") return [];
        throw err;
    }
}

// cacheDir: null where nothing may be written (no rule files at all; a reader).
export function readAlertRules(configDir: string, cacheDir: string | null): AlertRules {
    const directory = documentDirectory(configDir, ALERT_RULE_KIND);
    const files = ruleFileNames(directory);
    const result: AlertRules = { rules: [], unreadable: [] };
    if (files.length === 0) return result;
    const cachePath = cacheDir === null ? null : join(cacheDir, "rules-cache.json");
    const cache = cachePath === null ? {} : readCache(cachePath);
    const next: Cache = {};
    let changed = false;
    for (const file of files) {
        const name = documentNameOfFile(file) as string;
        let key: string | null = null;
        try {
            const stats = lstatSync(join(directory, file), { bigint: true });
            if (stats.isFile()) key = `${fileTag(stats)}:${stats.size}`;
        } catch {
            continue;
        }
        const cached = Object.prototype.hasOwnProperty.call(cache, name) ? cache[name] : undefined;
        if (key !== null && cached?.key === key) {
            next[name] = cached;
            result.rules.push({ name, rule: cached.rule });
            continue;
        }
        changed = true;
        const entry = readDocument(configDir, ALERT_RULE_KIND, name);
        if (entry === null) continue;
        if (!isValidDocument(entry)) {
            result.unreadable.push(name);
            continue;
        }
        result.rules.push({ name, rule: entry.value });
        if (key !== null) next[name] = { key, rule: entry.value };
    }
    if (cachePath !== null && (changed || Object.keys(cache).length !== Object.keys(next).length)) {
        writeStateFile(cachePath, JSON.stringify(next), { fsync: false });
    }
    return result;
}
