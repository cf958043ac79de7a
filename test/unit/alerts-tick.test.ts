// The collector's alert step on real files: state kept between ticks, history, the outbox, damaged
// files; notification delivery to a receiver on 127.0.0.1 (body, retries, timeout, a command); the
// journal entry's fields.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AlertRule } from "../../src/core/alerts/alert-rule";
import type { AlertEvent, AlertTickVm } from "../../src/core/alerts/evaluate";
import { NO_USAGE } from "../../src/core/usage";
import { deliverOutbox } from "../../helpers/lib/alerts/delivery";
import { journalEntry, writeAlertsToJournal } from "../../helpers/lib/alerts/journal";
import { AlertStore } from "../../helpers/lib/alerts/store";
import { runAlertTick } from "../../helpers/lib/alerts/tick";
import { acquireLock } from "../../helpers/lib/lock";
import type { Logger } from "../../helpers/lib/log";

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
let work: string;
let configDir: string;
let stateDir: string;
let logged: string[];
const log: Logger = { info: m => logged.push(`info ${m}`), warn: m => logged.push(`warn ${m}`), error: m => logged.push(`error ${m}`) };

beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), "kvmm-alerts-"));
    configDir = join(work, "etc");
    stateDir = join(work, "state");
    logged = [];
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function writeRule(name: string, rule: Partial<AlertRule>): void {
    mkdirSync(join(configDir, "alerts"), { recursive: true });
    writeFileSync(join(configDir, "alerts", `${name}.json`), JSON.stringify({
        version: 1, vms: "all", condition: { type: "metric", metric: "memoryPercent", comparison: "above", threshold: 50 },
        forChecks: 2, clearChecks: 1, severity: "critical", enabled: true, ...rule,
    }));
}

function vm(name: string, memoryPercent: number | null): AlertTickVm {
    return { name, running: true, state: "running", usage: { ...NO_USAGE, memoryPercent } };
}

function tick(i: number, vms: AlertTickVm[]) {
    const journal: AlertEvent[] = [];
    let delivererStarts = 0;
    const report = runAlertTick({ tMs: T0 + i * 30_000, previousTickMs: i === 0 ? null : T0 + (i - 1) * 30_000, vms }, {
        configDir, stateDir, log, program: "kvm-manager-collect",
        journal: events => journal.push(...events), startDeliverer: () => { delivererStarts++; },
    });
    return { report, journal, delivererStarts };
}

describe("the collector's alert step", () => {
    it("keeps its state between ticks (separate processes share nothing else), records and queues each event once", () => {
        writeRule("memory \"high\" $(id)", { notify: { webhook: { url: "http://127.0.0.1:9/x", timeoutSeconds: 1, retries: 0 } } });
        expect(tick(0, [vm("web ü", 70)]).report).toMatchObject({ rules: 1, fired: 0, active: 0 });
        const second = tick(1, [vm("web ü", 80)]);
        expect(second.report).toMatchObject({ fired: 1, active: 1, queued: 1 });
        expect(second.journal.map(e => [e.kind, e.vm, e.values])).toEqual([["fired", "web ü", [70, 80]]]);
        expect(second.delivererStarts).toBe(1);
        expect(tick(2, [vm("web ü", 90)]).report).toMatchObject({ fired: 0, active: 1, queued: 0 });
        expect(tick(3, [vm("web ü", 10)]).report).toMatchObject({ resolved: 1, active: 0, queued: 1 });
        const store = new AlertStore(stateDir, log);
        expect(store.readHistory().map(e => [e.seq, e.kind, e.rule, e.value])).toEqual([
            [1, "fired", "memory \"high\" $(id)", 80], [2, "resolved", "memory \"high\" $(id)", 10],
        ]);
        expect(store.outbox()).toEqual(["000000000001.json", "000000000002.json"]);
        expect(JSON.parse(store.readOutboxFile("000000000002.json") ?? "").items.map((i: { notification: { event: string } }) => i.notification.event)).toEqual(["resolved"]);
    });

    it("writes nothing where no rule was ever set up", () => {
        expect(tick(0, [vm("a", 99)]).report).toEqual({ rules: 0, fired: 0, resolved: 0, active: 0, queued: 0 });
        expect(existsSync(stateDir)).toBe(false);
    });

    it("a damaged state file is reported and evaluation starts again; a damaged rule keeps its alerts", () => {
        writeRule("mem", { forChecks: 1 });
        tick(0, [vm("a", 99)]);
        const store = new AlertStore(stateDir, log);
        writeFileSync(store.statePath, "{\"version\":1,");
        expect(tick(1, [vm("a", 99)]).report).toMatchObject({ fired: 1, active: 1 });
        expect(logged).toEqual([`warn ${store.statePath} is damaged; alert evaluation starts again from no pending or fired alerts`]);
        writeFileSync(join(configDir, "alerts", "mem.json"), "{\"version\": 1, \"vms\": ");
        expect(tick(2, [vm("a", 1)]).report).toMatchObject({ rules: 0, resolved: 0, active: 1 });
    });
});

describe("delivery", () => {
    let server: Server;
    let received: { body: string; type: string | undefined }[];
    let answer: (req: IncomingMessage, res: ServerResponse) => void;

    beforeEach(async () => {
        received = [];
        answer = (_req, res) => res.end("ok");
        server = createServer((req, res) => {
            let body = "";
            req.on("data", c => { body += c; });
            req.on("end", () => {
                received.push({ body, type: req.headers["content-type"] });
                answer(req, res);
            });
        });
        await new Promise<void>(resolve => server.listen(0, "127.0.0.1", resolve));
    });
    afterEach(async () => {
        server.closeAllConnections();
        await new Promise(resolve => server.close(resolve));
    });

    const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    function queueOne(webhook: { timeoutSeconds: number; retries: number }, command?: string) {
        writeRule("mem", { forChecks: 1, notify: { webhook: { url: url(), ...webhook }, ...(command ? { command } : {}) } });
        tick(0, [vm("web 1", 99)]);
        return new AlertStore(stateDir, log);
    }

    it("POSTs the JSON body once and empties the outbox", async () => {
        const store = queueOne({ timeoutSeconds: 5, retries: 2 });
        expect(await deliverOutbox(store, log)).toBe(true);
        expect(received.length).toBe(1);
        expect(received[0].type).toBe("application/json");
        expect(JSON.parse(received[0].body)).toMatchObject({ version: 1, event: "fired", rule: "mem", vm: "web 1", severity: "critical", value: 99, seq: 1 });
        expect(store.outbox()).toEqual([]);
    });

    it("retries with growing pauses until the receiver takes it", async () => {
        let calls = 0;
        answer = (_req, res) => { calls++; res.statusCode = calls < 3 ? 503 : 200; res.end(); };
        const pauses: number[] = [];
        const store = queueOne({ timeoutSeconds: 5, retries: 3 });
        await deliverOutbox(store, log, { retryDelay: attempt => { pauses.push(attempt); return 5 * attempt; } });
        expect(calls).toBe(3);
        expect(pauses).toEqual([1, 2]);
        expect(logged.filter(l => l.startsWith("warn"))).toHaveLength(2);
        expect(logged[0]).toContain("the receiver answered HTTP 503");
        expect(store.outbox()).toEqual([]);
    });

    it("gives up after the retries on a receiver that never answers, each try cut at the timeout", async () => {
        answer = () => { /* never answers */ };
        const store = queueOne({ timeoutSeconds: 1, retries: 1 });
        await deliverOutbox(store, log, { retryDelay: () => 5 });
        expect(received.length).toBe(2);
        expect(logged.at(-1)).toMatch(/^error notification 1 \(fired "mem" for VM "web 1"\) given up after 2 tries: webhook http:\/\/127\.0\.0\.1:\d+\/hook: /);
        expect(store.outbox()).toEqual([]);
    });

    it("runs the command with the event on stdin, and waits while another deliverer runs", async () => {
        const script = join(work, "notify me.sh");
        const out = join(work, "got.json");
        writeFileSync(script, `#!/bin/sh\ncat > '${out}'\necho "$KVM_MANAGER_ALERT_VM" >> '${out}.vm'\n`);
        chmodSync(script, 0o755);
        const store = queueOne({ timeoutSeconds: 5, retries: 0 }, script);
        const lock = acquireLock(join(store.dir, "deliver.lock"));
        expect(await deliverOutbox(store, log)).toBe(false);
        lock.release();
        expect(await deliverOutbox(store, log)).toBe(true);
        expect(JSON.parse(readFileSync(out, "utf8"))).toMatchObject({ event: "fired", vm: "web 1" });
        expect(readFileSync(`${out}.vm`, "utf8")).toBe("web 1\n");
        expect(received.length).toBe(1);
    });
});

describe("journal", () => {
    const event: AlertEvent = {
        seq: 7, kind: "fired", tMs: T0, rule: "mem", vm: "web\n1", severity: "warning",
        condition: { type: "metric", metric: "memoryPercent", comparison: "above", threshold: 50 },
        value: 61.25, values: [61.25], vmState: "running", firedAtMs: T0, reason: null,
    };

    it("an entry carries the severity as priority and the VM, rule and value as fields", () => {
        expect(journalEntry("kvm-manager-collect", event).split("\n")).toEqual([
            "MESSAGE=alert \"mem\" fired for VM \"web 1\": memory above 50 % (value 61.3 %) for 1 consecutive checks",
            "PRIORITY=4", "SYSLOG_IDENTIFIER=kvm-manager-collect", "KVM_MANAGER_ALERT=fired", "KVM_MANAGER_VM=web 1",
            "KVM_MANAGER_RULE=mem", "KVM_MANAGER_SEVERITY=warning", "KVM_MANAGER_VALUE=61.25", "KVM_MANAGER_ALERT_SEQ=7", "",
        ]);
    });

    it("without journald the summary goes to stderr", () => {
        const lines: string[] = [];
        writeAlertsToJournal("kvm-manager-collect", [event], { socket: join(tmpdir(), "no-such-journal-socket"), stderr: l => lines.push(l) });
        expect(lines).toEqual(["kvm-manager-collect: alert warning: alert \"mem\" fired for VM \"web 1\": memory above 50 % (value 61.3 %) for 1 consecutive checks"]);
    });
});

describe("rules and state between ticks", () => {
    it("a rule changed on disk is read again; an unchanged one comes from the cache; a steady alert writes no state", () => {
        writeRule("mem", { forChecks: 1 });
        tick(0, [vm("a", 99)]);
        tick(1, [vm("a", 99)]);
        const store = new AlertStore(stateDir, log);
        const cache = JSON.parse(readFileSync(join(store.dir, "rules-cache.json"), "utf8"));
        expect(Object.keys(cache)).toEqual(["mem"]);
        const inode = statSync(store.statePath).ino;
        expect(tick(2, [vm("a", 98)]).report).toMatchObject({ active: 1, fired: 0 });
        expect(statSync(store.statePath).ino).toBe(inode);
        writeRule("mem", { forChecks: 1, condition: { type: "metric", metric: "memoryPercent", comparison: "above", threshold: 99 } });
        expect(tick(3, [vm("a", 98)]).report).toMatchObject({ active: 0, resolved: 1 });
    });
});
