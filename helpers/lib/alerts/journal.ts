// Alert events in the journal: the severity as the syslog priority, and the VM, rule and value as
// fields of their own (KVM_MANAGER_VM=, KVM_MANAGER_RULE=...), so `journalctl KVM_MANAGER_VM=web1` and
// Cockpit's Logs page (priority filter) find them. Written with util-linux's `logger --journald`, which
// takes the fields on stdin; Node cannot send the journal's datagrams itself. Where journald does not
// run (containers, these test machines), the same summary goes to stderr, which the timers runner
// (kvm-manager-timers) writes to its log, /var/log/kvm-manager-timers.log.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { AlertSeverity } from "../../../src/core/alerts/alert-rule";
import { describeEvent } from "../../../src/core/alerts/alert-text";
import type { AlertEvent } from "../../../src/core/alerts/evaluate";

export const JOURNAL_SOCKET = "/run/systemd/journal/socket";

const PRIORITY: Record<AlertSeverity, number> = { critical: 2, warning: 4, info: 6 };

// A journal field value is one line here: names and values with newlines cannot occur (libvirt and
// the rule schema refuse them), and are flattened should one ever slip through.
function field(name: string, value: string | number | null): string {
    return `${name}=${String(value ?? "").replace(/\n/g, " ")}\n`;
}

export function journalEntry(program: string, event: AlertEvent): string {
    return field("MESSAGE", describeEvent(event)) + field("PRIORITY", PRIORITY[event.severity]) +
        field("SYSLOG_IDENTIFIER", program) + field("KVM_MANAGER_ALERT", event.kind) +
        field("KVM_MANAGER_VM", event.vm) + field("KVM_MANAGER_RULE", event.rule) +
        field("KVM_MANAGER_SEVERITY", event.severity) + field("KVM_MANAGER_VALUE", event.value) +
        field("KVM_MANAGER_ALERT_SEQ", event.seq);
}

export function stderrLine(program: string, event: AlertEvent): string {
    return `${program}: alert ${event.severity}: ${describeEvent(event).replace(/\n/g, " ")}`;
}

export function writeAlertsToJournal(program: string, events: readonly AlertEvent[],
    options: { socket?: string; stderr?: (line: string) => void } = {}): void {
    if (events.length === 0) return;
    const toStderr = options.stderr ?? ((line: string) => process.stderr.write(line + "\n"));
    if (!existsSync(options.socket ?? JOURNAL_SOCKET)) {
        for (const event of events) toStderr(stderrLine(program, event));
        return;
    }
    // One logger per event (its stdin is one entry); the collector does not wait for them.
    for (const event of events) {
        const child = spawn("logger", ["--journald"], { stdio: ["pipe", "ignore", "ignore"] });
        child.on("error", () => toStderr(stderrLine(program, event)));
        child.stdin.on("error", () => { /* logger missing: reported by the error handler above */ });
        child.stdin.end(journalEntry(program, event));
    }
}
