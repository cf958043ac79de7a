// The page's side of the configuration documents (src/core/config/documents.ts): listing a kind's
// directory, and writing one document.
//
// Listing goes through a helper command (`kvm-manager-config --list KIND --json`, or a kind's own helper
// where it adds fields, like `kvm-manager-scheduler --list --json`), one cockpit.spawn for the whole directory, not cockpit.file per file: the bridge reads a file with a
// plain blocking open(), so a FIFO among the documents would hang the bridge and every channel of the
// session with it, and following a symbolic link would show another file's content. The helper looks at
// each entry without following links or blocking (helpers/lib/config-documents.ts), and its tags are
// the ones cockpit.file computes, so they work for the write below. The page validates each value again
// with the same schema: a helper and a page of different versions disagree visibly, not silently.
//
// Writing goes through cockpit.file(path).replace(text, tag) as superuser: the bridge writes a
// temporary file and renames it over the old one, and refuses with "change-conflict" when the file's
// tag is no longer the one read ("-": the file must not exist yet). A damaged entry that is not a
// regular file is listed without a tag, so the page never replaces a FIFO or a link it could not read.
import {
    documentFileName, documentNameProblem, serialiseDocument, validateDocument, type DocumentError, type DocumentKind,
} from "../core/config/documents";
import { jsonProblemText } from "./config-files";
import cockpit, { _, type SpawnError } from "../lib/cockpit";
import { runHelperJson } from "./helper-commands";


export const CONFIG_DIR = "/etc/kvm-manager";
export const NEW_DOCUMENT_TAG = "-";

export interface ListedDocument<T> {
    name: string;
    path: string;
    tag: string;
    value: T;
}

export interface DamagedDocument {
    name: string;
    path: string;
    error: DocumentError;
}

export interface DocumentListing<T, Extra> {
    documents: (ListedDocument<T> & Extra)[];
    damaged: DamagedDocument[];
}

interface HelperListing {
    documents: { name: string; path: string; tag: string; value: unknown }[];
    damaged: DamagedDocument[];
}

// `argv`: the listing command, e.g. ["kvm-manager-config", "--list", "templates", "--json"]. Extra: the fields the
// helper adds to each document (the scheduler's next run and last result); Top: those it adds to its answer
// (the scheduler's time zone), passed through as they are.
export async function listDocuments<T, Extra extends object = object, Top extends object = object>(kind: DocumentKind<T>, argv: string[]):
    Promise<DocumentListing<T, Extra> & Top> {
    const answer = await runHelperJson<HelperListing & Top>(argv);
    const listing: DocumentListing<T, Extra> & Top = { ...answer, documents: [], damaged: [...answer.damaged] };
    for (const entry of answer.documents) {
        const checked = validateDocument(kind, entry.value);
        if (checked.ok) listing.documents.push({ ...(entry as unknown as Extra), name: entry.name, path: entry.path, tag: entry.tag, value: checked.value });
        else listing.damaged.push({ name: entry.name, path: entry.path, error: checked.error });
    }
    return listing;
}

export class DocumentWriteError extends Error {
    constructor(message: string, readonly conflict: boolean) {
        super(message);
        this.name = "DocumentWriteError";
    }
}

// Writes KIND/NAME.json if it is still what was read (`tag`, NEW_DOCUMENT_TAG for a new document) and
// returns the new tag. A stale tag rejects with a DocumentWriteError whose `conflict` is true.
export async function writeDocument<T>(kind: DocumentKind<T>, name: string, value: T, tag: string, configDir = CONFIG_DIR): Promise<string> {
    const problem = documentNameProblem(name);
    if (problem) throw new DocumentWriteError(cockpit.format(_("\"$0\" cannot be used as a name: $1"), name, problem), false);
    const checked = validateDocument(kind, value);
    if (!checked.ok) throw new DocumentWriteError(describeDocumentError(checked.error), false);
    const directory = `${configDir}/${kind.directory}`;
    const path = `${directory}/${documentFileName(name)}`;
    await cockpit.spawn(["mkdir", "-p", "--", directory], { superuser: "require", err: "message" });
    const file = cockpit.file(path, { superuser: "require" });
    try {
        return await file.replace(serialiseDocument(kind, checked.value), tag);
    } catch (error) {
        const spawnError = error as SpawnError;
        if (spawnError.problem === "change-conflict") {
            throw new DocumentWriteError(cockpit.format(
                _("$0 was changed elsewhere since it was read. Nothing was saved; reload it and make the change again."), path), true);
        }
        throw new DocumentWriteError(cockpit.format(_("$0 could not be saved: $1"), path, spawnError.message), false);
    } finally {
        file.close();
    }
}

// Removes the document if it is still what was read (`tag`); a stale tag is a conflict, as for writeDocument.
export async function deleteDocument(path: string, tag: string): Promise<void> {
    const file = cockpit.file(path, { superuser: "require" });
    try {
        await file.replace(null, tag);
    } catch (error) {
        const spawnError = error as SpawnError;
        if (spawnError.problem === "change-conflict") {
            throw new DocumentWriteError(cockpit.format(_("$0 was changed elsewhere since it was read. Nothing was removed; reload and try again."), path), true);
        }
        throw new DocumentWriteError(cockpit.format(_("$0 could not be removed: $1"), path, spawnError.message), false);
    } finally {
        file.close();
    }
}

// What is wrong with a document, for the page. Schema issues carry zod's English message after the
// field's path: the forms check their own fields and word those themselves; these show for files
// edited by hand.
export function describeDocumentError(error: DocumentError): string {
    switch (error.problem) {
    case "json":
        return cockpit.format(_("Not valid JSON: $0 at line $1, column $2"), jsonProblemText(error.json.problem), error.json.line, error.json.column);
    case "not-an-object":
        return _("Not a JSON object");
    case "version":
        return error.found === null
            ? _("It has no version number")
            : cockpit.format(_("Version $0 is not one this KVM Manager reads (it reads 1 to $1)"), error.found, error.supported);
    case "schema":
        return error.issues.map(i => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    case "file":
        // The helper's words: the entry is a FIFO, a link, too large...
        return error.message;
    }
}
