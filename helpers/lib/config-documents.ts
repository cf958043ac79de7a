// The helpers' reader and writer of configuration documents (src/core/config/documents.ts): a
// directory of NAME.json files under /etc/kvm-manager. The helpers run as root, and an administrator
// (or a mistake) may leave anything there: a FIFO (a plain open would wait for a writer forever), a
// device, a symbolic link to a file of secrets, a huge file. Entries are looked at without following
// links and opened without blocking; whatever is not a valid document is reported with what is wrong
// and left exactly as it is.
//
// Tags are the ones cockpit.file uses ("1:INODE-SECONDS.NANOSECONDS" of the file, "-" for no file), so
// the page can list through a helper and replace a file through cockpit.file with the tag it got here;
// the writer here compares them the same way. A writer replaces the file by rename, so every write
// makes a new inode and a new tag.
import { lstatSync, mkdirSync, readdirSync, type BigIntStats, type Stats } from "node:fs";
import { join } from "node:path";
import {
    DOCUMENT_MAX_BYTES, documentFileName, documentNameOfFile, documentNameProblem, parseDocument,
    serialiseDocument, type DocumentError, type DocumentKind,
} from "../../src/core/config/documents";
import { writeFileAtomic } from "./durable-fs";
import { fileKind, readRegularFile, type CarefulRead } from "./json-config";

export const NO_FILE_TAG = "-";

export interface ValidDocument<T> {
    name: string;
    path: string;
    tag: string;
    value: T;
    // Modification time (epoch ms).
    modified: number;
    migratedFrom: number | null;
}

export interface DamagedDocument {
    name: string;
    path: string;
    // null when the entry is not a regular file (it is never replaced) or could not be looked at.
    tag: string | null;
    error: DocumentError;
}

export interface DocumentListing<T> {
    directory: string;
    documents: ValidDocument<T>[];
    damaged: DamagedDocument[];
}

export class DocumentConflictError extends Error {
    constructor(readonly path: string) {
        super(`${path} was changed since it was read; nothing was written (read it again and repeat the change)`);
        this.name = "DocumentConflictError";
    }
}

export class DocumentRefusedError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "DocumentRefusedError";
    }
}

export function fileTag(stats: BigIntStats): string {
    const ns = stats.mtimeNs;
    return `1:${stats.ino}-${ns / 1_000_000_000n}.${ns % 1_000_000_000n}`;
}

function kindOf(stats: Stats): string {
    return stats.isSymbolicLink() ? "a symbolic link, which is not followed" : fileKind(stats);
}

type FileRead = { kind: "missing" } | { kind: "damaged"; tag: string | null; message: string } | { kind: "text"; text: string; tag: string; modified: number };

function readDocumentText(path: string): FileRead {
    let read: CarefulRead;
    try {
        read = readRegularFile(path, { followSymlinks: false, maxBytes: DOCUMENT_MAX_BYTES });
    } catch (err) {
        return { kind: "damaged", tag: null, message: `it could not be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
    }
    switch (read.kind) {
    case "missing": return read;
    case "text": return { kind: "text", text: read.text, tag: fileTag(read.stats), modified: Number(read.stats.mtimeMs) };
    case "symlink-loop": return { kind: "damaged", tag: null, message: "it is a symbolic link, which is not followed; it was not read" };
    case "not-regular": return { kind: "damaged", tag: null, message: `it is ${kindOf(read.stats)}; it was not read` };
    case "too-large":
        return { kind: "damaged", tag: fileTag(read.stats), message: `it is larger than ${DOCUMENT_MAX_BYTES / 1024} KiB, far too large for this file; it was not read` };
    case "not-utf8": return { kind: "damaged", tag: fileTag(read.stats), message: "it is not UTF-8 text" };
    }
}

export function documentDirectory<T>(configDir: string, kind: DocumentKind<T>): string {
    return join(configDir, kind.directory);
}

function readEntry<T>(directory: string, kind: DocumentKind<T>, name: string): ValidDocument<T> | DamagedDocument | null {
    const path = join(directory, documentFileName(name));
    const read = readDocumentText(path);
    if (read.kind === "missing") return null;
    if (read.kind === "damaged") return { name, path, tag: read.tag, error: { problem: "file", message: read.message } };
    const parsed = parseDocument(kind, read.text);
    if (!parsed.ok) return { name, path, tag: read.tag, error: parsed.error };
    return { name, path, tag: read.tag, value: parsed.value, modified: read.modified, migratedFrom: parsed.migratedFrom };
}

export function isValidDocument<T>(entry: ValidDocument<T> | DamagedDocument): entry is ValidDocument<T> {
    return "value" in entry;
}

// Every NAME.json in the kind's directory, sorted by name; a missing directory is an empty listing.
// Entries that are not document files (temporary files, hidden files, other suffixes) are skipped.
export function listDocuments<T>(configDir: string, kind: DocumentKind<T>): DocumentListing<T> {
    const directory = documentDirectory(configDir, kind);
    const listing: DocumentListing<T> = { directory, documents: [], damaged: [] };
    let entries: string[];
    try {
        const dirStats = lstatSync(directory);
        if (!dirStats.isDirectory()) {
            throw new DocumentRefusedError(`${directory} is ${kindOf(dirStats)}, not a directory; no ${kind.directory} were read`);
        }
        entries = readdirSync(directory);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return listing;
        throw err;
    }
    const names = entries.map(documentNameOfFile).filter((n): n is string => n !== null).sort();
    for (const name of names) {
        const entry = readEntry(directory, kind, name);
        if (entry === null) continue;
        if (isValidDocument(entry)) listing.documents.push(entry);
        else listing.damaged.push(entry);
    }
    return listing;
}

export function readDocument<T>(configDir: string, kind: DocumentKind<T>, name: string): ValidDocument<T> | DamagedDocument | null {
    const problem = documentNameProblem(name);
    if (problem) throw new DocumentRefusedError(`${JSON.stringify(name)} cannot name a document: ${problem}`);
    return readEntry(documentDirectory(configDir, kind), kind, name);
}

function currentTag(path: string): string {
    let stats: Stats;
    try {
        stats = lstatSync(path);
    } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return NO_FILE_TAG;
        throw err;
    }
    if (!stats.isFile()) {
        throw new DocumentRefusedError(`${path} is ${kindOf(stats)}, not a regular file, and is not replaced (remove it first)`);
    }
    return fileTag(lstatSync(path, { bigint: true }));
}

// Validates and writes NAME.json if the file is still the one read (`expectedTag`, NO_FILE_TAG for a
// new document); returns the new tag. A stale tag is a DocumentConflictError and nothing is written.
export function writeDocument<T>(configDir: string, kind: DocumentKind<T>, name: string, value: T, expectedTag: string,
    options: { fsync?: boolean } = {}): string {
    const problem = documentNameProblem(name);
    if (problem) throw new DocumentRefusedError(`${JSON.stringify(name)} cannot name a document: ${problem}`);
    const text = serialiseDocument(kind, value);
    const directory = documentDirectory(configDir, kind);
    mkdirSync(directory, { recursive: true, mode: 0o755 });
    const dirStats = lstatSync(directory);
    if (!dirStats.isDirectory()) throw new DocumentRefusedError(`${directory} is ${kindOf(dirStats)}, not a directory; nothing was written`);
    const path = join(directory, documentFileName(name));
    if (currentTag(path) !== expectedTag) throw new DocumentConflictError(path);
    writeFileAtomic(path, text, { mode: 0o644, fsync: options.fsync });
    return currentTag(path);
}
