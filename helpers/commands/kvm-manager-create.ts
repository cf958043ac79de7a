// kvm-manager-create: makes one VM from a plan (src/core/template/create-plan.ts) read as JSON on stdin:
// its disks (new, linked clones of a base image, full copies), its domain, autostart, start. On any
// failure it removes what it made, so nothing half-made is left. The page's "Create VM" runs it once
// per VM through cockpit.spawn, N at a time for "Create several".
// With --disks-of it serves "Save as template": a VM's disk sizes, or copies of its disks as base images.
import { readFileSync } from "node:fs";
import { createPlanSchema } from "../../src/core/template/create-plan";
import { parseJsonText, describeJsonSyntaxError } from "../../src/core/json-text";
import { EXIT_FAILURE, EXIT_OK, parseCommandLine, printJson, runCommand, UsageError } from "../lib/cli";
import { resolveLibvirtUri } from "../lib/paths";
import { templateDiskFacts } from "../lib/template-disks";
import { createVm } from "../lib/vm-create";

const PROGRAM = "kvm-manager-create";
const USAGE = `Usage: ${PROGRAM} [--progress] [--json] [--connect URI] < PLAN.json
       ${PROGRAM} --disks-of UUID [--base-images-to DIR --base-name NAME] [--json] [--connect URI]

Makes one VM from the plan on stdin: {"version": 1, "name": ..., "spec": {...}, "start": true|false}
(the VM description of a template). Disks are made first, then the domain is defined; if anything
fails, the disks made and the domain defined are removed again and the answer says what failed.
  --progress          print a JSON line for each step as it begins (before the answer)
  --json              answer with one JSON object on the last line
  --connect URI       libvirt URI (default: $KVM_MANAGER_LIBVIRT_URI, $LIBVIRT_DEFAULT_URI or qemu:///system)
  --disks-of UUID     print the virtual size of each file-backed disk of the VM (MiB, by target)
  --base-images-to DIR  with --disks-of: copy each of those disks to DIR as a qcow2 base image named
                      after --base-name (a running VM is copied by a push-mode backup and keeps running)
Exit status: 0 made; 1 failed (nothing left behind); 2 usage.
`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

runCommand(PROGRAM, USAGE, async () => {
    const { values } = parseCommandLine(process.argv.slice(2), {
        progress: { type: "boolean" },
        json: { type: "boolean" },
        connect: { type: "string" },
        "disks-of": { type: "string" },
        "base-images-to": { type: "string" },
        "base-name": { type: "string" },
    }, USAGE);
    const uri = resolveLibvirtUri(values.connect);

    if (values["disks-of"] !== undefined) {
        if (!UUID.test(values["disks-of"])) throw new UsageError("--disks-of takes the VM's UUID");
        const directory = values["base-images-to"];
        if ((directory === undefined) !== (values["base-name"] === undefined)) throw new UsageError("give --base-images-to and --base-name together");
        if (directory !== undefined && !directory.startsWith("/")) throw new UsageError("--base-images-to takes an absolute path");
        const facts = await templateDiskFacts(uri, values["disks-of"],
            directory === undefined ? undefined : { directory, baseName: values["base-name"] as string });
        if (values.json) printJson({ ok: true, disks: facts });
        else for (const [target, fact] of Object.entries(facts)) process.stdout.write(`${target}\t${"baseImage" in fact ? fact.baseImage : `${fact.sizeMiB} MiB`}\n`);
        return EXIT_OK;
    }
    if (values["base-images-to"] !== undefined || values["base-name"] !== undefined) throw new UsageError("--base-images-to goes with --disks-of");

    const json = parseJsonText(readFileSync(0, "utf8"));
    if (!json.ok) throw new UsageError(`the plan on stdin is not valid JSON: ${describeJsonSyntaxError(json.error)}`);
    const plan = createPlanSchema.safeParse(json.value);
    if (!plan.success) {
        throw new UsageError(`the plan is not valid: ${plan.error.issues.map(i => `${i.path.join(".") || "plan"}: ${i.message}`).join("; ")}`);
    }
    const answer = await createVm(plan.data, {
        uri,
        onProgress: values.progress ? progress => printJson(progress) : undefined,
    });
    if (values.json) {
        printJson(answer);
    } else if (answer.ok) {
        process.stdout.write(`created ${answer.name} (${answer.uuid})\n`);
    } else {
        process.stderr.write(`${PROGRAM}: ${answer.failedStep ?? "create"} failed: ${answer.error}\n`);
        for (const c of answer.cleanup) process.stderr.write(`  removed ${c.what} ${c.target}: ${c.ok ? "yes" : `no (${c.message})`}\n`);
    }
    return answer.ok ? EXIT_OK : EXIT_FAILURE;
});
