// Helpers' log lines carry a syslog priority for the journal only when stderr is the journal.
import { createJournalLogger } from "../../helpers/lib/journal-log";

const saved = process.env.JOURNAL_STREAM;
afterEach(() => {
    if (saved === undefined) delete process.env.JOURNAL_STREAM;
    else process.env.JOURNAL_STREAM = saved;
});

function lines(): string[] {
    const out: string[] = [];
    const log = createJournalLogger("kvm-manager-scheduler", { sink: line => out.push(line) });
    log.info("ran");
    log.warn("damaged");
    log.error("failed");
    return out;
}

test("under systemd each line starts with its priority", () => {
    process.env.JOURNAL_STREAM = "8:12345";
    expect(lines()).toEqual([
        "<6>kvm-manager-scheduler: ran",
        "<4>kvm-manager-scheduler: warning: damaged",
        "<3>kvm-manager-scheduler: error: failed",
    ]);
});

test("by hand the lines are plain", () => {
    delete process.env.JOURNAL_STREAM;
    expect(lines()).toEqual([
        "kvm-manager-scheduler: ran",
        "kvm-manager-scheduler: warning: damaged",
        "kvm-manager-scheduler: error: failed",
    ]);
});
