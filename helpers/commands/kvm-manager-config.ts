// kvm-manager-config: lists the configuration documents of one kind (templates, schedules, backup
// jobs, alert rules) for the page and for people. The page lists through this command rather than
// cockpit.file per file: the bridge opens files with a blocking open() and follows links, and a FIFO
// or a link among the documents must neither hang the session nor show another file's content
// (helpers/lib/config-documents.ts reads each entry carefully). Writing stays with the page
// (cockpit.file replace with the tag given here).
import { describeDocumentError } from "../../src/core/config/documents";
import { DOCUMENT_KINDS, documentKindNamed } from "../../src/core/config/kinds";
import { EXIT_OK, parseCommandLine, printJson, runCommand, UsageError } from "../lib/cli";
import { listDocuments } from "../lib/config-documents";
import { resolveConfigDir } from "../lib/paths";

const PROGRAM = "kvm-manager-config";
const USAGE = `Usage: ${PROGRAM} --list KIND [--json] [--config-dir DIR]

Lists CONFIG_DIR/KIND/NAME.json: the valid documents, and the files that are not valid, with what is
wrong (those are left exactly as they are). KIND is one of: ${Object.keys(DOCUMENT_KINDS).join(", ")}.
  --json              print the answer as JSON on stdout (with each file's tag for cockpit.file)
  --config-dir DIR    (default: $KVM_MANAGER_CONFIG_DIR or /etc/kvm-manager)
Exit status: 0 listed; 1 an error (the directory is not a directory, cannot be read); 2 usage.
`;

runCommand(PROGRAM, USAGE, async () => {
    const { values } = parseCommandLine(process.argv.slice(2), {
        list: { type: "string" },
        json: { type: "boolean" },
        "config-dir": { type: "string" },
    }, USAGE);
    if (values.list === undefined) throw new UsageError("give --list KIND");
    const kind = documentKindNamed(values.list);
    if (!kind) throw new UsageError(`${JSON.stringify(values.list)} is not a kind of document (${Object.keys(DOCUMENT_KINDS).join(", ")})`);
    const listing = listDocuments(resolveConfigDir(values["config-dir"]), kind);
    if (values.json) {
        printJson({
            directory: listing.directory,
            documents: listing.documents,
            damaged: listing.damaged.map(d => ({ ...d, message: describeDocumentError(d.error) })),
        });
    } else {
        for (const d of listing.documents) process.stdout.write(`${d.name}\n`);
        for (const d of listing.damaged) process.stdout.write(`${d.name}: not used: ${describeDocumentError(d.error)}\n`);
    }
    return EXIT_OK;
});
