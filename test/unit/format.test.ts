import { formatBytes, formatBytesPerSecond, formatPercent } from "../../src/core/format";

describe("format", () => {
    test("binary units", () => {
        expect(formatBytes(0, "en")).toBe("0 B");
        expect(formatBytes(1023, "en")).toBe("1,023 B");
        expect(formatBytes(64 * 1024 * 1024, "en")).toBe("64 MiB");
        expect(formatBytes(1.5 * 1024 ** 3, "en")).toBe("1.5 GiB");
        expect(formatBytes(1024 ** 6, "en")).toBe("1,024 PiB");
    });
    test("locale decimal separator", () => {
        expect(formatBytes(1.5 * 1024 ** 3, "de")).toBe("1,5 GiB");
    });
    test("bad numbers", () => {
        expect(formatBytes(-1, "en")).toBe("–");
        expect(formatBytes(Number.NaN, "en")).toBe("–");
    });
    test("rates and percent", () => {
        expect(formatBytesPerSecond(2048, "en")).toBe("2 KiB/s");
        expect(formatPercent(5.25, "en")).toBe("5.3 %");
        expect(formatPercent(42.4, "en")).toBe("42 %");
    });
});
