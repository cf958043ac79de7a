// libvirt's pool capabilities and the host's pool tools, read once per page visit when first needed.
import { useEffect, useState } from "react";
import {
    ALL_POOL_TOOLS, parsePoolCapabilities, poolTypeAvailability, type PoolTypeAvailability, type PoolTypeCapability,
} from "../../core/storage/pool-types";
import { installedTools } from "../../host/storage-tools";
import { getPoolCapabilitiesXml } from "../../libvirt/storage-pools";

export interface PoolTypes {
    capabilities: PoolTypeCapability[] | null;
    availability: PoolTypeAvailability[] | null;
}

export function usePoolTypes(): PoolTypes {
    const [types, setTypes] = useState<PoolTypes>({ capabilities: null, availability: null });
    useEffect(() => {
        let cancelled = false;
        void (async () => {
            // Either answer may be missing (no virsh, spawn refused): the other still decides.
            const [capabilities, tools] = await Promise.all([
                getPoolCapabilitiesXml().then(parsePoolCapabilities, () => null),
                installedTools({ tools: ALL_POOL_TOOLS }).catch(() => new Set<string>(ALL_POOL_TOOLS)),
            ]);
            if (!cancelled) setTypes({ capabilities, availability: poolTypeAvailability(capabilities, tools) });
        })();
        return () => {
            cancelled = true;
        };
    }, []);
    return types;
}
