// Where helpers keep state and read configuration. Overridable so tests and benchmarks run in a
// temporary directory: a --state-dir / --config-dir flag wins over the environment, which wins over
// the defaults.
import { join } from "node:path";

export const DEFAULT_STATE_DIR = "/var/lib/kvm-manager";
export const DEFAULT_CONFIG_DIR = "/etc/kvm-manager";
export const DEFAULT_LIBVIRT_URI = "qemu:///system";

export function resolveStateDir(flag?: string): string {
    return flag || process.env.KVM_MANAGER_STATE_DIR || DEFAULT_STATE_DIR;
}

export function resolveConfigDir(flag?: string): string {
    return flag || process.env.KVM_MANAGER_CONFIG_DIR || DEFAULT_CONFIG_DIR;
}

export function resolveLibvirtUri(flag?: string): string {
    return flag || process.env.KVM_MANAGER_LIBVIRT_URI || process.env.LIBVIRT_DEFAULT_URI || DEFAULT_LIBVIRT_URI;
}

export function metricsDir(stateDir: string): string {
    return join(stateDir, "metrics");
}
