// kvm-manager-clone: the disk work of cloning a shut-off VM, for the page (which rewrites and defines the
// domain XML itself, src/core/vm-clone.ts) and for people. Full copies (qemu-img convert) or linked clones
// (qcow2 overlays on the originals). Nothing is left behind on failure, a signal included.
import { z } from "zod";
import { EXIT_OK, parseCommandLine, printJson, runCommand, UsageError } from "../lib/cli";
import { ImageCopier, type ImageCopy } from "../lib/disk-copy";

const PROGRAM = "kvm-manager-clone";
const USAGE = `Usage: ${PROGRAM} --copies JSON [--mode full|linked] [--json]

Copies disk images for a clone. JSON is a list of {"from": PATH, "to": PATH, "format": FORMAT}; every path
is absolute, every "to" must not exist yet (it is never overwritten). FORMAT is the original's format
(qcow2, raw, ...): it is given to qemu-img, never guessed from the content.
  --mode full     a full copy in the original's format (qemu-img convert; a backing chain is flattened)
  --mode linked   a qcow2 overlay whose backing file is the original: the original must not change after
  --json          print the answer as JSON on stdout
Exit status: 0 copied; 1 an error (nothing is left behind); 2 usage.
`;

const absolutePath = z.string().min(2).refine(p => p.startsWith("/") && !p.includes("\0"), "must be an absolute path");
const copiesSchema = z.array(z.object({
    from: absolutePath,
    to: absolutePath,
    format: z.string().regex(/^[a-z0-9]+$/, "must be an image format such as qcow2 or raw"),
}).strict()).min(1);

function parseCopies(text: string): ImageCopy[] {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        throw new UsageError(`--copies is not JSON: ${(error as Error).message}`);
    }
    const parsed = copiesSchema.safeParse(value);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UsageError(`--copies: ${issue.path.join(".") || "the list"} ${issue.message}`);
    }
    const targets = new Set(parsed.data.map(copy => copy.to));
    if (targets.size !== parsed.data.length) throw new UsageError("--copies: two copies have the same target");
    if (parsed.data.some(copy => targets.has(copy.from))) throw new UsageError("--copies: a target is also a source");
    return parsed.data;
}

runCommand(PROGRAM, USAGE, async () => {
    const { values } = parseCommandLine(process.argv.slice(2), {
        copies: { type: "string" },
        mode: { type: "string" },
        json: { type: "boolean" },
    }, USAGE);
    if (values.copies === undefined) throw new UsageError("give --copies JSON");
    const mode = values.mode ?? "full";
    if (mode !== "full" && mode !== "linked") throw new UsageError(`--mode must be full or linked, not ${JSON.stringify(mode)}`);
    const copies = parseCopies(values.copies);
    const copier = new ImageCopier();
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
        process.on(signal, () => {
            copier.abort();
            process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGHUP" ? 1 : 15));
        });
    }
    await copier.copyAll(copies, mode);
    if (values.json) printJson({ ok: true, mode, disks: copies });
    else for (const copy of copies) process.stdout.write(`${copy.to}\n`);
    return EXIT_OK;
});
