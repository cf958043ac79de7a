import { readFileSync } from "node:fs";
import { join } from "node:path";
import { htmlMessages, manifestMessages } from "../../po/static-strings";

const root = join(__dirname, "..", "..");

describe("manifest strings", () => {
    test("label, docs labels and keywords of menu and tools, once each, with the line they are on", () => {
        const manifest = JSON.stringify({
            menu: {
                index: {
                    label: "KVM Manager",
                    docs: [{ label: "Managing VMs", url: "https://example.org/" }],
                    keywords: [{ matches: ["backup", "virtual machine"] }, { matches: ["qemu"], translate: false }],
                },
            },
            tools: { log: { label: "Backup log", keywords: [{ matches: ["backup"] }] } },
            "content-security-policy": "img-src 'self'",
        }, null, 2);
        const found = manifestMessages(manifest);
        expect(found.map(m => m.msgid)).toEqual(["KVM Manager", "backup", "virtual machine", "Managing VMs", "Backup log"]);
        expect(found.every(m => m.context === null)).toBe(true);
        expect(found[0].reference).toBe("manifest.json:4");
    });

    test("odd shapes are skipped, not fatal", () => {
        const manifest = JSON.stringify({ menu: { a: { label: 5, keywords: "kvm" }, b: { keywords: [{ matches: [1, "", "vm"] }] } } });
        expect(manifestMessages(manifest).map(m => m.msgid)).toEqual(["vm"]);
        expect(manifestMessages("{}")).toEqual([]);
    });

    test("a broken manifest is an error", () => {
        expect(() => manifestMessages("{ \"menu\": ")).toThrow();
    });

    test("the project's manifest offers its menu label", () => {
        const found = manifestMessages(readFileSync(join(root, "manifest.json"), "utf8")).map(m => m.msgid);
        expect(found).toContain("KVM Manager");
        expect(found).not.toContain("qemu");
    });
});

describe("HTML strings", () => {
    test("text of elements marked translate, with context and entities decoded, verbatim otherwise", () => {
        const html = [
            "<html>",
            "<title translate=\"yes\">KVM Manager</title>",
            "<p translate context=\"menu\">Tom &amp; Jerry&#39;s &quot;VMs&quot;</p>",
            "<span translate-context=\"x\" translate='yes'> spaced </span>",
            "<p translate=\"no\">Left alone</p><p>Plain</p>",
        ].join("\n");
        expect(htmlMessages(html)).toEqual([
            { msgid: "KVM Manager", context: null, reference: "index.html:2" },
            { msgid: "Tom & Jerry's \"VMs\"", context: "menu", reference: "index.html:3" },
            { msgid: " spaced ", context: "x", reference: "index.html:4" },
        ]);
    });

    test("what cockpit.translate() would read differently is refused", () => {
        expect(() => htmlMessages("<p translate>Hello <b>you</b></p>")).toThrow("index.html:1");
        expect(() => htmlMessages("<p translate>never closed")).toThrow();
        expect(() => htmlMessages("<img translate=\"alt\" alt=\"Logo\">")).toThrow("attributes");
    });

    test("the project's page title is translatable", () => {
        const found = htmlMessages(readFileSync(join(root, "src", "index.html"), "utf8"));
        expect(found.map(m => m.msgid)).toEqual(["KVM Manager"]);
    });
});
