import { displayNameParts, displayNameText } from "../../src/core/display-name";

describe("displayNameText", () => {
    test("ordinary names are shown as they are", () => {
        for (const name of ["web-01", "db 'prod' \"x\"", "ünïcödé 虚拟机", "نام ماشین", "a b c", "emoji 🖥", "x".repeat(250)]) {
            expect(displayNameText(name)).toBe(name);
            expect(displayNameParts(name).some(part => part.escaped)).toBe(false);
        }
    });

    test("bidi controls are marked, so a right-to-left override cannot reorder the name", () => {
        expect(displayNameText("rel-\u202Eevil")).toBe("rel-<U+202E>evil");
        for (const cp of [0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]) {
            expect(displayNameText(`a${String.fromCodePoint(cp)}b`)).toBe(`a<U+${cp.toString(16).toUpperCase().padStart(4, "0")}>b`);
        }
    });

    test("zero-width characters, soft hyphen and BOM are marked", () => {
        expect(displayNameText("a\u200Bb\u200Cc\u200Dd\u2060e\uFEFFf\u00ADg")).toBe(
            "a<U+200B>b<U+200C>c<U+200D>d<U+2060>e<U+FEFF>f<U+00AD>g");
    });

    test("no-break and other unusual spaces are marked; plain spaces inside a name are not", () => {
        expect(displayNameText("x\u00A0")).toBe("x<U+00A0>");
        expect(displayNameText("a\u2007b\u202Fc\u3000d\u1680e\u2028f")).toBe("a<U+2007>b<U+202F>c<U+3000>d<U+1680>e<U+2028>f");
        expect(displayNameText("a b")).toBe("a b");
        expect(displayNameText("\u3164")).toBe("<U+3164>");
    });

    test("leading, trailing and repeated plain spaces are marked, so x, 'x ' and ' x' differ", () => {
        const shown = ["x", "x ", " x", "x\u00A0"].map(displayNameText);
        expect(shown).toEqual(["x", "x<U+0020>", "<U+0020>x", "x<U+00A0>"]);
        expect(new Set(shown).size).toBe(4);
        expect(displayNameText("a  b")).toBe("a <U+0020>b");
        expect(displayNameText(" ")).toBe("<U+0020>");
    });

    test("control characters are marked", () => {
        expect(displayNameText("a\tb\u0000c\u001Bd\u007Fe\u0085f")).toBe("a<U+0009>b<U+0000>c<U+001B>d<U+007F>e<U+0085>f");
    });

    test("characters outside the BMP are marked with their full code point", () => {
        expect(displayNameText("tag\u{E0041}")).toBe("tag<U+E0041>");
        expect(displayNameText("\u{F0000}")).toBe("<U+F0000>");
    });

    test("parts tell markers from text", () => {
        expect(displayNameParts("rel-\u202Eevil ")).toEqual([
            { text: "rel-", escaped: false },
            { text: "<U+202E>", escaped: true },
            { text: "evil", escaped: false },
            { text: "<U+0020>", escaped: true },
        ]);
        expect(displayNameParts("")).toEqual([]);
    });
});
