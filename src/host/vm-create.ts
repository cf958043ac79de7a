// The page's side of kvm-manager-create (helpers/commands/kvm-manager-create.ts): make one VM from a
// plan, with its progress lines, and the disk facts "Save as template" needs. As superuser: disks go to
// /var/lib/libvirt/images and the domain is defined on the system connection.
import type { CreateAnswer, CreatePlan, CreateProgress } from "../core/template/create-plan";
import type { DiskFacts } from "../core/template/from-domain";
import cockpit, { _, type SpawnError } from "../lib/cockpit";
import { runHelperJson } from "./helper-commands";

const PROGRAM = "kvm-manager-create";

function parseLines(text: string): unknown[] {
    return text.split("\n").filter(line => line.trim() !== "").flatMap(line => {
        try {
            return [JSON.parse(line) as unknown];
        } catch {
            return [];
        }
    });
}

// Resolves with the helper's answer, also when the VM could not be made (ok: false, with what failed
// and what was cleaned up); rejects only when the helper could not run or answered nothing usable.
export function createVmOnHost(plan: CreatePlan, onProgress: (progress: CreateProgress) => void = () => {}): Promise<CreateAnswer> {
    let buffered = "";
    const lines: unknown[] = [];
    const take = (data: string): void => {
        buffered += data;
        const end = buffered.lastIndexOf("\n");
        if (end < 0) return;
        for (const line of parseLines(buffered.slice(0, end))) {
            lines.push(line);
            if ((line as { type?: unknown }).type === "progress") onProgress(line as CreateProgress);
        }
        buffered = buffered.slice(end + 1);
    };
    const answer = (): CreateAnswer | null => {
        take("\n");
        const last = lines.filter(l => typeof (l as { ok?: unknown }).ok === "boolean").pop();
        return (last as CreateAnswer | undefined) ?? null;
    };
    return new Promise((resolve, reject) => {
        const helper = cockpit.spawn([PROGRAM, "--progress", "--json"], { superuser: "require", err: "message" });
        helper.stream(take);
        helper.then(() => {
            const result = answer();
            if (result) resolve(result);
            else reject(new Error(cockpit.format(_("$0 gave an answer that is not JSON"), PROGRAM)));
        }, (error: SpawnError) => {
            const result = answer();
            if (result && "steps" in result) resolve(result);
            else if (error.problem === "not-found") reject(new Error(cockpit.format(_("$0 is not installed on this host"), PROGRAM)));
            else reject(new Error((result as { error?: string } | null)?.error ?? error.message));
        });
        helper.input(JSON.stringify(plan));
    });
}

// The size of each file-backed disk of the VM (by target), or, with `baseImages`, a copy of each as a
// base image in that directory (a running VM keeps running).
export async function templateDiskFacts(uuid: string, baseImages: { directory: string; templateName: string } | null): Promise<DiskFacts> {
    const argv = [PROGRAM, "--disks-of", uuid, "--json"];
    if (baseImages) argv.push("--base-images-to", baseImages.directory, "--base-name", baseImages.templateName);
    const answer = await runHelperJson<{ ok: true; disks: DiskFacts }>(argv);
    return answer.disks;
}

// Base images made for a template that then could not be saved.
export async function removeBaseImages(paths: readonly string[]): Promise<void> {
    if (paths.length > 0) await cockpit.spawn(["rm", "-f", "--", ...paths], { superuser: "require", err: "message" });
}
