// How a name is shown where the user must know exactly which object they act on (confirmations and
// results): characters that are invisible, look like a plain space, or change the direction of the text
// around them are replaced by a visible marker such as <U+202E>, so "rel-\u202Eevil" cannot pass for
// "rel-live", and "x", "x " and "x\u00A0" are told apart.

export interface NamePart {
    text: string;
    // True for a marker standing for one character (text is then "<U+XXXX>").
    escaped: boolean;
}

// Control (Cc), format (Cf: bidi controls, zero-width characters, soft hyphen, tags), separators other
// than the plain space (Z: no-break and other unusual spaces, line and paragraph separators), private
// use, unassigned code points and lone surrogates.
const UNUSUAL = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Cs}]|(?! )\p{Z}/u;
// Letters that render as blank space: Hangul fillers, the halfwidth Hangul filler, the blank Braille pattern.
const BLANK_LETTERS = new Set([0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800]);

export function codePointMarker(codePoint: number): string {
    return `<U+${codePoint.toString(16).toUpperCase().padStart(4, "0")}>`;
}

export function displayNameParts(name: string): NamePart[] {
    const chars = Array.from(name);
    const parts: NamePart[] = [];
    let plain = "";
    chars.forEach((char, index) => {
        const codePoint = char.codePointAt(0) ?? 0;
        // A plain space is only ambiguous at either end, or next to another space (HTML collapses runs).
        const space = char === " " && (index === 0 || index === chars.length - 1 || chars[index - 1] === " ");
        if (space || UNUSUAL.test(char) || BLANK_LETTERS.has(codePoint)) {
            if (plain) parts.push({ text: plain, escaped: false });
            plain = "";
            parts.push({ text: codePointMarker(codePoint), escaped: true });
        } else {
            plain += char;
        }
    });
    if (plain) parts.push({ text: plain, escaped: false });
    return parts;
}

// The same as one string: for tooltips and other places that take text only.
export function displayNameText(name: string): string {
    return displayNameParts(name).map(part => part.text).join("");
}
