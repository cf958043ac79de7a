// The page's one VM store (src/state/vm-list-state.ts) and its snapshot counts (src/state/snapshot-counts.ts),
// wired to libvirt-dbus, virsh and cockpit.
import cockpit, { _ } from "../lib/cockpit";
import { STATS } from "../core/domain-stats";
import { refuseWhileBackupRuns } from "../host/backups";
import { libvirtClientGeneration } from "../libvirt/connection";
import { getDomainName, getLiveVcpuCount, lookupDomainPath, runLifecycleAction } from "../libvirt/domains";
import { subscribeDomainEvents } from "../libvirt/events";
import { getAllDomainStats, getDomainStats } from "../libvirt/stats";
import { countSnapshots, listDomainPathsWithSnapshots } from "../libvirt/snapshots";
import { runVirshLifecycle } from "../libvirt/virsh";
import { SnapshotCounts } from "./snapshot-counts";
import { VmStore } from "./vm-list-state";

export {
    BATCH_CONCURRENCY, FIRST_RATE_DELAY_MS, REFRESH_INTERVAL_MS, VmStore,
    type ActionResult, type ConnectionStatus, type VmRow, type VmStoreSnapshot,
} from "./vm-list-state";

export const vmStore = new VmStore({
    api: {
        listStates: () => getAllDomainStats({ stats: STATS.STATE }),
        listStats: domains => getAllDomainStats({ domains }),
        listCpuTimes: () => getAllDomainStats({ stats: STATS.STATE | STATS.CPU_TOTAL, domains: "active" }),
        getDomainStats,
        getDomainName,
        lookupDomainPath,
        getLiveVcpuCount,
        // A stopping action is refused while the VM's backup runs (src/host/backups.ts).
        runLifecycleAction: async call => {
            await refuseWhileBackupRuns({ path: call.path }, call.action);
            return runLifecycleAction(call);
        },
        runVirshLifecycle: async call => {
            await refuseWhileBackupRuns({ nameOrUuid: call.domain }, call.action);
            return runVirshLifecycle(call);
        },
        subscribeDomainEvents,
        clientGeneration: libvirtClientGeneration,
    },
    env: {
        isHidden: () => cockpit.hidden,
        onVisibilityChange: listener => cockpit.addEventListener("visibilitychange", listener),
        now: () => performance.now(),
        setTimeout: (callback, ms) => window.setTimeout(callback, ms),
        clearTimeout: handle => window.clearTimeout(handle as number),
        vanishedMessage: name => cockpit.format(_("$0 no longer exists"), name),
        warn: (message, error) => console.warn(message, error),
    },
});

export const snapshotCounts = new SnapshotCounts({
    api: { listDomainPathsWithSnapshots, countSnapshots, getDomainName, subscribeDomainEvents },
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    warn: (message, error) => console.warn(message, error),
});
