// The name patterns of "Create several" (web-{01..10}): which VM names one stands for.
import { vmNameProblem, type VmNameProblem } from "../vm-name";

// Far more than one click should make; each VM is a helper run and a libvirt definition.
export const NAME_PATTERN_MAX_COUNT = 100;

export type NamePatternProblem =
    | { kind: "no-range" }
    | { kind: "several-ranges" }
    | { kind: "too-many"; count: number }
    // The first name made that cannot be a new VM's.
    | { kind: "name"; name: string; problem: VmNameProblem };

export type NamePatternResult = { ok: true; names: string[] } | { ok: false; problem: NamePatternProblem };

const RANGE = /\{(\d+)\.\.(\d+)\}/g;

// Expands the one {FIRST..LAST} range in `pattern`, as a shell's brace expansion does: counting up or
// down, zero-padded to the wider bound when either bound has a leading zero ("{01..10}" gives 01 to 10,
// "{8..10}" gives 8, 9, 10). Every name must be a new VM's (not in `taken`) and they are all different.
export function expandNamePattern(pattern: string, taken: Iterable<string> = []): NamePatternResult {
    const ranges = Array.from(pattern.matchAll(RANGE));
    if (ranges.length === 0) return { ok: false, problem: { kind: "no-range" } };
    if (ranges.length > 1) return { ok: false, problem: { kind: "several-ranges" } };
    const [whole, firstText, lastText] = ranges[0];
    const first = Number(firstText);
    const last = Number(lastText);
    const count = Math.abs(last - first) + 1;
    if (count > NAME_PATTERN_MAX_COUNT) return { ok: false, problem: { kind: "too-many", count } };
    const padded = /^0\d/.test(firstText) || /^0\d/.test(lastText);
    const width = padded ? Math.max(firstText.length, lastText.length) : 0;
    const prefix = pattern.slice(0, ranges[0].index);
    const suffix = pattern.slice((ranges[0].index ?? 0) + whole.length);
    const step = last >= first ? 1 : -1;
    const names: string[] = [];
    for (let n = first; names.length < count; n += step) names.push(prefix + String(n).padStart(width, "0") + suffix);
    const takenNames = new Set(taken);
    for (const name of names) {
        const problem = vmNameProblem(name, "new", takenNames);
        if (problem) return { ok: false, problem: { kind: "name", name, problem } };
    }
    return { ok: true, names };
}
