import { decodeRouteSegment, encodeRouteSegment, routeHash } from "../../src/core/route-segment";

// Cockpit 287's cockpit.location, reduced to what matters here (base1/cockpit.js: encode() builds the
// hash that go() sets, and a new Location reads window.location.href.split("#")[1] and decodes it).
function cockpitGoHash(path: string[]): string {
    return "#" + ("/" + path.map(encodeURIComponent).join("/"))
        .replaceAll("%40", "@").replaceAll("%3D", "=").replaceAll("%2B", "+").replaceAll("%23", "#");
}

function cockpitReadPath(hash: string): string[] | null {
    let href = ("http://127.0.0.1:9090/cockpit/@localhost/kvm-manager/index.html" + hash).split("#")[1] ?? "";
    const query = href.indexOf("?");
    if (query !== -1) href = href.slice(0, query);
    const path: string[] = [];
    for (const part of href.split("/").map(decodeURIComponent)) {
        if (part === "" || part === ".") continue;
        if (part === "..") {
            if (path.length === 0) return null;
            path.pop();
        } else {
            path.push(part);
        }
    }
    return path;
}

// Names libvirt accepts ("/" only for the object kinds that allow it), and the names of issue 7.
const NAMES = [
    "web", "web#x", "#", "##", "a?b=c&d#e", "?", "&", "%", "%23", "%2523", "%25", "%2E", "%zz", "50%",
    "a/b", "/", "a//b", ".", "..", "...", "./x", "a b", " lead", "trail ", "two  spaces", "+plus", "a@b", "a=b",
    "ünïcödé 虚拟机", "emoji 🖥️", "rel-\u202Eevil", "\u200Fright-to-left mark", "نام", "x\u00A0", "tab\tin",
    "quote \"dq\" 'sq'", "$(touch x)", "a\\b", "x".repeat(250),
];

describe("route segments", () => {
    test.each(NAMES)("%j survives Cockpit's location unchanged", name => {
        const hash = cockpitGoHash(["vm", encodeRouteSegment(name)]);
        const read = cockpitReadPath(hash);
        expect(read).toHaveLength(2);
        expect(read?.[0]).toBe("vm");
        expect(decodeRouteSegment(read?.[1] ?? "")).toBe(name);
    });

    test.each(NAMES)("the link hash for %j reads back as the same name", name => {
        const read = cockpitReadPath(routeHash(["vm", encodeRouteSegment(name)]));
        expect(read?.map(decodeRouteSegment)).toEqual(["vm", name]);
    });

    test("without the escape Cockpit loses what follows a '#' and the '.' segments", () => {
        expect(cockpitReadPath(cockpitGoHash(["vm", "web#x"]))).toEqual(["vm", "web"]);
        expect(cockpitReadPath(cockpitGoHash(["vm", "a?b=c&d#e"]))).toEqual(["vm", "a?b=c&d"]);
        expect(cockpitReadPath(cockpitGoHash(["vm", ".."]))).toEqual([]);
    });

    test("the escape is only for '%', '#' and dot segments", () => {
        expect(encodeRouteSegment("web#x")).toBe("web%23x");
        expect(encodeRouteSegment("100%")).toBe("100%25");
        expect(encodeRouteSegment("..")).toBe("%2E%2E");
        expect(encodeRouteSegment("a.b")).toBe("a.b");
        expect(encodeRouteSegment("ü ?&/")).toBe("ü ?&/");
    });

    test("decoding is one pass, and leaves a plain old bookmark as it was", () => {
        expect(decodeRouteSegment("%2523")).toBe("%23");
        expect(decodeRouteSegment("web")).toBe("web");
        expect(decodeRouteSegment("50%")).toBe("50%");
        expect(decodeRouteSegment("%2e%2E")).toBe("..");
    });
});
