// org.libvirt.StorageVol: a disk file that belongs to a storage pool is removed through its pool, so the
// pool's list of volumes stays right.
import { CONNECT_IFACE, CONNECT_PATH, call, toLibvirtError } from "./connection";

const VOLUME_IFACE = "org.libvirt.StorageVol";

/** Deletes the pool volume at `path`; false when no pool holds that file (nothing is done then). */
export async function deleteVolumeByPath({ path }: { path: string }): Promise<boolean> {
    let volume: string;
    try {
        [volume] = await call<[string]>({
            path: CONNECT_PATH, iface: CONNECT_IFACE, method: "StorageVolLookupByPath", signature: "s", args: [path],
        });
    } catch (error) {
        if (/Storage volume not found|no storage vol/i.test(toLibvirtError(error).message)) return false;
        throw error;
    }
    await call({ path: volume, iface: VOLUME_IFACE, method: "Delete", signature: "u", args: [0] });
    return true;
}
