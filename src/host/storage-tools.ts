// Which of the programs that pool types need are installed on the host: one spawn for all of them.
import cockpit from "../lib/cockpit";

// The script is fixed; the tool names travel as its arguments, never inside the script. sbin is on the
// PATH because a non-root session's PATH may lack it, where lvm2's and nfs-common's programs live.
const FIND_TOOLS = 'for tool in "$@"; do command -v "$tool" >/dev/null 2>&1 && printf "%s\\n" "$tool"; done; exit 0';

export async function installedTools({ tools }: { tools: readonly string[] }): Promise<Set<string>> {
    const out = await cockpit.spawn(["sh", "-c", FIND_TOOLS, "sh", ...tools], {
        err: "message", environ: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
    });
    return new Set(out.split("\n").filter(line => line !== ""));
}
