// Typed access to the host's cockpit.js, which index.html loads from ../base1/cockpit.js as a global.
// No npm package carries cockpit.js or its types, so these describe just the calls this project uses.

export interface DBusError {
    name?: string;
    message: string;
    problem?: string | null;
}

export interface DBusCallOptions {
    type?: string;
    flags?: string;
    timeout?: number;
}

export interface DBusSubscription {
    remove(): void;
}

export interface DBusMatch {
    interface?: string;
    path?: string;
    path_namespace?: string;
    member?: string;
    arg0?: string;
}

export interface DBusClient {
    call(path: string, iface: string, method: string, args: unknown[] | null,
        options?: DBusCallOptions): Promise<unknown[]>;
    subscribe(match: DBusMatch,
        callback: (path: string, iface: string, signal: string, args: unknown[]) => void): DBusSubscription;
    close(problem?: string): void;
    addEventListener(event: "close", listener: (event: Event, options: { problem?: string }) => void): void;
    removeEventListener(event: "close", listener: (event: Event, options: { problem?: string }) => void): void;
}

export interface DBusOptions {
    bus?: "system" | "session" | "none" | "internal";
    superuser?: "try" | "require";
    address?: string;
}

export interface SpawnOptions {
    superuser?: "try" | "require";
    err?: "out" | "ignore" | "message";
    environ?: string[];
    directory?: string;
    binary?: boolean;
}

export interface SpawnError {
    message: string;
    problem?: string | null;
    exit_status?: number | null;
    exit_signal?: number | null;
}

export interface SpawnPromise extends Promise<string> {
    stream(callback: (data: string) => void): SpawnPromise;
    input(data?: string, stream?: boolean): SpawnPromise;
    close(problem?: string): void;
}

// cockpit.file's read() promise passes two values (content and tag) to its fulfilment callback.
export interface FileReadPromise<T> {
    then(onRead: (content: T | null, tag: string) => void, onError?: (error: SpawnError) => void): unknown;
}

export interface FileHandle<T> {
    read(): FileReadPromise<T>;
    replace(content: T | null, expectedTag?: string): Promise<string>;
    watch(callback: (content: T | null, tag: string, error?: SpawnError) => void): { remove(): void };
    close(): void;
}

export interface FileOptions {
    syntax?: { parse(text: string): unknown; stringify(value: unknown): string };
    superuser?: "try" | "require";
    max_read_size?: number;
}

export interface Permission {
    allowed: boolean | null;
    addEventListener(event: "changed", listener: () => void): void;
    removeEventListener(event: "changed", listener: () => void): void;
    close(): void;
}

export interface CockpitLocation {
    path: string[];
    options: Record<string, string | string[]>;
    href: string;
    go(path: string | string[], options?: Record<string, string>): void;
    replace(path: string | string[], options?: Record<string, string>): void;
}

export interface Cockpit {
    dbus(name: string | null, options?: DBusOptions): DBusClient;
    spawn(argv: string[], options?: SpawnOptions): SpawnPromise;
    file<T = string>(path: string, options?: FileOptions): FileHandle<T>;
    permission(options: { admin: boolean }): Permission;
    location: CockpitLocation;
    hidden: boolean;
    transport: { host: string };
    language: string;
    gettext(message: string): string;
    gettext(context: string, message: string): string;
    ngettext(singular: string, plural: string, n: number): string;
    format(template: string, ...args: unknown[]): string;
    /** Translates the elements marked `translate` under the given ones (the whole document without). */
    translate(...elements: (Element | Document)[]): void;
    jump(path: string, host?: string): void;
    addEventListener(event: "locationchanged" | "visibilitychange", listener: () => void): void;
    removeEventListener(event: "locationchanged" | "visibilitychange", listener: () => void): void;
}

declare global {
    interface Window {
        cockpit: Cockpit;
    }
}

const cockpit: Cockpit = window.cockpit;
export default cockpit;

export const _ = (message: string): string => cockpit.gettext(message);
export const N_ = (message: string): string => message;
export const ngettext = (singular: string, plural: string, count: number): string => cockpit.ngettext(singular, plural, count);
