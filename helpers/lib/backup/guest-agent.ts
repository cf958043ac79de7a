// Freezing the guest's file systems while a running VM's backup begins, so the copy is consistent
// on disk. Only when the guest agent answers: without one (most of the test guests) the backup goes on
// crash-consistent, and nothing is logged as a problem.
import type { Logger } from "../log";
import { runVirsh } from "../virsh";
import type { VmRef } from "./domain";

const AGENT_TIMEOUT_MS = 10_000;

function noAgent(message: string): boolean {
    return /guest agent|agent is not|not responding|not configured|not connected|unsupported/i.test(message);
}

export async function freezeGuest(uri: string, vm: VmRef, log: Logger): Promise<boolean> {
    try {
        await runVirsh(uri, ["domfsfreeze", "--domain", vm.uuid], { timeoutMs: AGENT_TIMEOUT_MS });
        return true;
    } catch (err) {
        if (!noAgent((err as Error).message)) log.warn(`${vm.name}: the guest's file systems were not frozen: ${(err as Error).message}`);
        return false;
    }
}

export async function thawGuest(uri: string, vm: VmRef, log: Logger): Promise<void> {
    try {
        await runVirsh(uri, ["domfsthaw", "--domain", vm.uuid], { timeoutMs: AGENT_TIMEOUT_MS });
    } catch (err) {
        log.error(`${vm.name}: the guest's file systems could not be thawed: ${(err as Error).message}`);
    }
}
