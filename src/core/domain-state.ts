// libvirt domain states and what a person may do in each. Pure: no I/O, shared by page and helpers.

export type DomainState =
    | "running" | "blocked" | "paused" | "shutting-down" | "shut-off" | "crashed" | "pm-suspended" | "unknown";

// virDomainState, in libvirt's numeric order.
const STATE_BY_CODE: readonly DomainState[] = [
    "unknown", "running", "blocked", "paused", "shutting-down", "shut-off", "crashed", "pm-suspended",
];

export function domainStateFromCode(code: number): DomainState {
    return STATE_BY_CODE[code] ?? "unknown";
}

export function isActive(state: DomainState): boolean {
    return state !== "shut-off" && state !== "unknown";
}

export type LifecycleAction = "start" | "shutdown" | "forceOff" | "reboot" | "pause" | "resume";

export const LIFECYCLE_ACTIONS: readonly LifecycleAction[] = ["start", "shutdown", "forceOff", "reboot", "pause", "resume"];

const ALLOWED: Record<LifecycleAction, readonly DomainState[]> = {
    // A crashed domain that libvirt still lists as inactive can be started again.
    start: ["shut-off", "crashed"],
    shutdown: ["running", "blocked"],
    // Force off is the way out of every active state, including a guest stuck while shutting down.
    forceOff: ["running", "blocked", "paused", "shutting-down", "pm-suspended", "crashed"],
    reboot: ["running", "blocked"],
    pause: ["running", "blocked"],
    resume: ["paused"],
};

export function isActionAllowed(action: LifecycleAction, state: DomainState): boolean {
    return ALLOWED[action].includes(state);
}

export function allowedActions(state: DomainState): LifecycleAction[] {
    return LIFECYCLE_ACTIONS.filter(action => isActionAllowed(action, state));
}

// virDomainEventType, as carried by libvirt-dbus' DomainEvent signal.
export type DomainEventKind =
    | "defined" | "undefined" | "started" | "suspended" | "resumed" | "stopped" | "shutdown" | "pm-suspended"
    | "crashed" | "unknown";

const EVENT_BY_CODE: readonly DomainEventKind[] = [
    "defined", "undefined", "started", "suspended", "resumed", "stopped", "shutdown", "pm-suspended", "crashed",
];

export function domainEventFromCode(code: number): DomainEventKind {
    return EVENT_BY_CODE[code] ?? "unknown";
}
