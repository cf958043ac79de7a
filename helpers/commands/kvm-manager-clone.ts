// kvm-manager-clone: the file work of cloning a shut-off VM, for the page (which rewrites and defines the
// domain XML itself, src/core/vm-clone.ts) and for people. Full copies (qemu-img convert) or linked clones
// (qcow2 overlays on the originals) of the disks, and a full copy of a UEFI VM's variables file. Nothing is
// left behind on failure, a signal included.
import { existsSync } from "node:fs";
import { z } from "zod";
import { EXIT_OK, parseCommandLine, printJson, runCommand, UsageError } from "../lib/cli";
import { ImageCopier, type ImageCopy } from "../lib/disk-copy";

const PROGRAM = "kvm-manager-clone";
const USAGE = `Usage: ${PROGRAM} [--copies JSON] [--mode full|linked] [--nvram JSON] [--json]

Copies disk images for a clone. JSON is a list of {"from": PATH, "to": PATH, "format": FORMAT}; every path
is absolute, every "to" must not exist yet (it is never overwritten). FORMAT is the original's format
(qcow2, raw, ...): it is given to qemu-img, never guessed from the content.
  --mode full     a full copy in the original's format (qemu-img convert; a backing chain is flattened)
  --mode linked   a qcow2 overlay whose backing file is the original: the original must not change after
  --nvram JSON    {"from": PATH, "to": PATH, "format": FORMAT}: a full copy of a UEFI VM's variables file
                  (whatever --mode says); a "from" that does not exist (never started) is no error:
                  nothing is copied and libvirt makes a fresh file at "to"
  --json          print the answer as JSON on stdout
Exit status: 0 copied; 1 an error (nothing is left behind); 2 usage.
`;

const absolutePath = z.string().min(2).refine(p => p.startsWith("/") && !p.includes("\0"), "must be an absolute path");
const copySchema = z.object({
    from: absolutePath,
    to: absolutePath,
    format: z.string().regex(/^[a-z0-9]+$/, "must be an image format such as qcow2 or raw"),
}).strict();

function parseOption<T>(option: string, text: string, schema: z.ZodType<T>, what: string): T {
    let value: unknown;
    try {
        value = JSON.parse(text);
    } catch (error) {
        throw new UsageError(`--${option} is not JSON: ${(error as Error).message}`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new UsageError(`--${option}: ${issue.path.join(".") || what} ${issue.message}`);
    }
    return parsed.data;
}

function checkTargets(copies: readonly ImageCopy[]): void {
    const targets = new Set(copies.map(copy => copy.to));
    if (targets.size !== copies.length) throw new UsageError("two copies have the same target");
    if (copies.some(copy => targets.has(copy.from))) throw new UsageError("a target is also a source");
}

runCommand(PROGRAM, USAGE, async () => {
    const { values } = parseCommandLine(process.argv.slice(2), {
        copies: { type: "string" },
        mode: { type: "string" },
        nvram: { type: "string" },
        json: { type: "boolean" },
    }, USAGE);
    if (values.copies === undefined && values.nvram === undefined) throw new UsageError("give --copies JSON, --nvram JSON or both");
    const mode = values.mode ?? "full";
    if (mode !== "full" && mode !== "linked") throw new UsageError(`--mode must be full or linked, not ${JSON.stringify(mode)}`);
    const copies = values.copies === undefined ? [] : parseOption("copies", values.copies, z.array(copySchema).min(1), "the list");
    const nvram = values.nvram === undefined ? null : parseOption("nvram", values.nvram, copySchema, "the copy");
    checkTargets(nvram ? [...copies, nvram] : copies);
    const copier = new ImageCopier();
    for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
        process.on(signal, () => {
            copier.abort();
            process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGHUP" ? 1 : 15));
        });
    }
    await copier.copyAll(copies, mode);
    // Variables are copied whole: an overlay on the original's file would change when the original boots.
    const nvramCopied = nvram !== null && existsSync(nvram.from);
    if (nvram && nvramCopied) await copier.copyAll([nvram], "full");
    if (values.json) printJson({ ok: true, mode, disks: copies, nvram: nvramCopied ? nvram : null });
    else for (const copy of nvramCopied ? [...copies, nvram] : copies) process.stdout.write(`${copy.to}\n`);
    return EXIT_OK;
});
