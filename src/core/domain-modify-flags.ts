// libvirt's virDomainModificationImpact flags, shared by every call that changes a VM's devices or
// sizes: which definition changes, the running VM's (live), the saved one (config), or both.
export const AFFECT_LIVE = 1;
export const AFFECT_CONFIG = 2;
