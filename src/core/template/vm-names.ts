// VM names as libvirt takes them, and the name patterns of "Create several" (web-{01..10}).
// libvirt refuses "/" and newlines in a domain name, and XML cannot carry other control characters;
// spaces, quotes, "#", "%", unicode and right-to-left marks are all accepted (docs/STACK facts), so
// they are accepted here too and only ever travel as argv elements and XML text.

export const VM_NAME_MAX_LENGTH = 1024;
// Far more than one click should make; each VM is a helper run and a libvirt definition.
export const NAME_PATTERN_MAX_COUNT = 100;

// Why libvirt would refuse `name`; null when it takes it. English: the page has its own wording.
export function vmNameProblem(name: string): string | null {
    if (name.length === 0) return "the name is empty";
    if (name.includes("/")) return "a VM name cannot contain \"/\"";
    if (Array.from(name).some(c => c < " " || c === "\u007f")) return "a VM name cannot contain control characters";
    if (name.length > VM_NAME_MAX_LENGTH) return `a VM name can be at most ${VM_NAME_MAX_LENGTH} characters long`;
    return null;
}

export type NamePatternResult = { ok: true; names: string[] } | { ok: false; problem: string };

const RANGE = /\{(\d+)\.\.(\d+)\}/g;

// Expands the one {FIRST..LAST} range in `pattern`, as a shell's brace expansion does: counting up or
// down, zero-padded to the wider bound when either bound has a leading zero ("{01..10}" gives 01 to 10,
// "{8..10}" gives 8, 9, 10). Every name must be one libvirt takes and they are all different.
export function expandNamePattern(pattern: string): NamePatternResult {
    const ranges = Array.from(pattern.matchAll(RANGE));
    if (ranges.length === 0) return { ok: false, problem: "the pattern needs a range such as {1..5} or {01..10}" };
    if (ranges.length > 1) return { ok: false, problem: "the pattern can hold only one range" };
    const [whole, firstText, lastText] = ranges[0];
    const first = Number(firstText);
    const last = Number(lastText);
    const count = Math.abs(last - first) + 1;
    if (count > NAME_PATTERN_MAX_COUNT) return { ok: false, problem: `a pattern makes at most ${NAME_PATTERN_MAX_COUNT} names, this one ${count}` };
    const padded = /^0\d/.test(firstText) || /^0\d/.test(lastText);
    const width = padded ? Math.max(firstText.length, lastText.length) : 0;
    const prefix = pattern.slice(0, ranges[0].index);
    const suffix = pattern.slice((ranges[0].index ?? 0) + whole.length);
    const step = last >= first ? 1 : -1;
    const names: string[] = [];
    for (let n = first; names.length < count; n += step) names.push(prefix + String(n).padStart(width, "0") + suffix);
    for (const name of names) {
        const problem = vmNameProblem(name);
        if (problem) return { ok: false, problem: `${JSON.stringify(name)}: ${problem}` };
    }
    return { ok: true, names };
}

// A file name stem for a VM's disks: readable where the name is, and unique through `unique` (the new
// VM's UUID), since different names can sanitise alike ("a b", "a_b").
export function diskFileStem(vmName: string, unique: string): string {
    const readable = vmName.replace(/[^A-Za-z0-9._-]/g, "_").replace(/^[.-]+/, "_").slice(0, 64);
    return `${readable}-${unique.slice(0, 8)}`;
}
