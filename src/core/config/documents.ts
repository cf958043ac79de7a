// Configuration documents: templates, schedules, backup jobs, alert rules, the retention policy. Each
// kind is a directory of NAME.json files under /etc/kvm-manager with one zod schema, a version field and
// migrations from older versions. This file is the pure part the page and the helpers share: which
// names are allowed, turning a file's text into a valid current document or an error that says what
// and where (never quoting the text: a file may hold anything), and the text a writer puts on disk.
import type { z } from "zod";
import { describeJsonSyntaxError, parseJsonText, type JsonSyntaxError } from "../json-text";

export const DOCUMENT_SUFFIX = ".json";

// Bytes of UTF-8, before the suffix. Leaves room within NAME_MAX (255) for the suffix and the
// writer's temporary name (NAME.json.tmp-PID-MS).
export const DOCUMENT_NAME_MAX_BYTES = 200;

// Far above any real document; a file larger than this is reported, not read.
export const DOCUMENT_MAX_BYTES = 256 * 1024;

export interface DocumentKind<T> {
    // The directory under the configuration directory, e.g. "schedules"; also used in messages.
    directory: string;
    version: number;
    schema: z.ZodType<T>;
    // migrations[n] turns a version n document (already JSON, not yet validated) into version n + 1.
    migrations: Record<number, (old: Record<string, unknown>) => Record<string, unknown>>;
}

export interface DocumentIssue {
    // "vms.0", "operation.timeoutSeconds"; "" for the document as a whole.
    path: string;
    message: string;
}

export type DocumentError =
    | { problem: "json"; json: JsonSyntaxError }
    | { problem: "not-an-object" }
    | { problem: "version"; found: number | null; supported: number }
    | { problem: "schema"; issues: DocumentIssue[] }
    // Reported by whoever reads the file (helpers/lib/config-documents.ts): the entry is a FIFO, a
    // symbolic link, a directory, too large, not UTF-8, unreadable.
    | { problem: "file"; message: string };

export type DocumentResult<T> = { ok: true; value: T; migratedFrom: number | null } | { ok: false; error: DocumentError };

// Why `name` cannot name a document; null if it can. Unicode is welcome; what could escape the
// directory, hide the file, or make a name that looks like another is not.
export function documentNameProblem(name: string): string | null {
    if (name.length === 0) return "the name is empty";
    if (name.includes("/")) return "a name cannot contain \"/\"";
    if (name === "." || name === "..") return "a name cannot be \".\" or \"..\"";
    if (name.startsWith(".")) return "a name cannot start with \".\"";
    if (name.trim() !== name) return "a name cannot start or end with a space";
    if (hasControlCharacter(name)) return "a name cannot contain control characters";
    if (new TextEncoder().encode(name).length > DOCUMENT_NAME_MAX_BYTES) {
        return `a name can be at most ${DOCUMENT_NAME_MAX_BYTES} bytes long`;
    }
    if (!isWellFormed(name)) return "a name cannot contain unpaired surrogates";
    return null;
}

// C0 and C1 controls (NUL among them), DEL, and the bidirectional overrides and isolates, with which
// a name displays as another.
export function hasControlCharacter(text: string): boolean {
    for (const char of text) {
        const c = char.codePointAt(0) ?? 0;
        if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) return true;
    }
    return false;
}

function isWellFormed(text: string): boolean {
    return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text);
}

export function documentFileName(name: string): string {
    const problem = documentNameProblem(name);
    if (problem) throw new Error(`not a document name: ${problem}`);
    return name + DOCUMENT_SUFFIX;
}

// The document name of a directory entry; null for an entry that is not a document file (the
// writer's temporary files, editor backups, hidden files).
export function documentNameOfFile(fileName: string): string | null {
    if (!fileName.endsWith(DOCUMENT_SUFFIX)) return null;
    const name = fileName.slice(0, -DOCUMENT_SUFFIX.length);
    return documentNameProblem(name) === null ? name : null;
}

function issuesOf(error: z.ZodError): DocumentIssue[] {
    return error.issues.map(issue => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

// Validates an already parsed value, migrating it from an older version first.
export function validateDocument<T>(kind: DocumentKind<T>, input: unknown): DocumentResult<T> {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
        return { ok: false, error: { problem: "not-an-object" } };
    }
    let doc = input as Record<string, unknown>;
    const found = doc.version;
    if (typeof found !== "number" || !Number.isInteger(found) || found < 1 || found > kind.version) {
        return {
            ok: false,
            error: { problem: "version", found: typeof found === "number" ? found : null, supported: kind.version },
        };
    }
    for (let v = found; v < kind.version; v++) {
        const migrate = kind.migrations[v];
        if (!migrate) return { ok: false, error: { problem: "version", found, supported: kind.version } };
        doc = { ...migrate(doc), version: v + 1 };
    }
    const parsed = kind.schema.safeParse(doc);
    if (!parsed.success) return { ok: false, error: { problem: "schema", issues: issuesOf(parsed.error) } };
    return { ok: true, value: parsed.data, migratedFrom: found === kind.version ? null : found };
}

export function parseDocument<T>(kind: DocumentKind<T>, text: string): DocumentResult<T> {
    const json = parseJsonText(text);
    if (!json.ok) return { ok: false, error: { problem: "json", json: json.error } };
    return validateDocument(kind, json.value);
}

// The text a writer stores: validated (a document that would not read back is never written), in the
// current version, two-space indented with a final newline so it is pleasant to edit by hand.
export function serialiseDocument<T>(kind: DocumentKind<T>, value: T): string {
    const checked = validateDocument(kind, value);
    if (!checked.ok) throw new DocumentInvalidError(kind.directory, checked.error);
    return JSON.stringify(checked.value, null, 2) + "\n";
}

// English, for logs and the helpers' --json answers; the page words its own through gettext.
export function describeDocumentError(error: DocumentError): string {
    switch (error.problem) {
    case "json":
        return `not valid JSON: ${describeJsonSyntaxError(error.json)}`;
    case "not-an-object":
        return "not a JSON object";
    case "version":
        return error.found === null
            ? "it has no version number"
            : `version ${error.found} is not one this KVM Manager reads (it reads 1 to ${error.supported})`;
    case "schema":
        return error.issues.map(i => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    case "file":
        return error.message;
    }
}

export class DocumentInvalidError extends Error {
    constructor(readonly directory: string, readonly error: DocumentError) {
        super(`not a valid ${directory} document: ${describeDocumentError(error)}`);
        this.name = "DocumentInvalidError";
    }
}
