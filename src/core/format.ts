// Unit formatting shared by page and helpers. Cockpit's own format_bytes changed its signature between
// releases (a factor argument in 287, an options object later), so the page does not depend on it.
const BINARY_UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];

export function formatBytes(bytes: number, locale?: string): string {
    if (!Number.isFinite(bytes) || bytes < 0) return "–";
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
        value /= 1024;
        unit++;
    }
    const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
    const number = new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value);
    return `${number} ${BINARY_UNITS[unit]}`;
}

export function formatBytesPerSecond(bytesPerSecond: number, locale?: string): string {
    return `${formatBytes(bytesPerSecond, locale)}/s`;
}

export function formatPercent(percent: number, locale?: string): string {
    const digits = percent < 10 ? 1 : 0;
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }).format(percent)} %`;
}
