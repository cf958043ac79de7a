// Follows the Cockpit shell's light/dark choice. The shell keeps it in localStorage "shell:style"
// ("auto" | "light" | "dark"); a change in the same window arrives as a "cockpit-style" event, a change in
// another window as a "storage" event, and "auto" follows the operating system's preference.
const DARK_CLASS = "pf-v6-theme-dark";
const darkQuery = window.matchMedia?.("(prefers-color-scheme: dark)");

function applyStyle(style: string | null): void {
    const chosen = style ?? localStorage.getItem("shell:style") ?? "auto";
    const dark = chosen === "dark" || (chosen === "auto" && darkQuery?.matches === true);
    document.documentElement.classList.toggle(DARK_CLASS, dark);
}

export function followShellStyle(): void {
    applyStyle(null);
    window.addEventListener("storage", event => {
        if (event.key === "shell:style") applyStyle(null);
    });
    window.addEventListener("cockpit-style", event => {
        const detail = (event as CustomEvent<{ style?: string }>).detail;
        applyStyle(detail?.style ?? null);
    });
    darkQuery?.addEventListener("change", () => applyStyle(null));
}
