// org.libvirt.StorageVol and the pool methods for volumes: list, read, create, look up by path, delete.
// Small async functions with one object argument, all through connection.call.
import { CONNECT_IFACE, CONNECT_PATH, call, toLibvirtError } from "./connection";
import { POOL_IFACE } from "./storage-pools";

const VOLUME_IFACE = "org.libvirt.StorageVol";

// Creating a large preallocated volume or wiping one can take minutes.
const LONG_CALL_MS = 10 * 60 * 1000;

export async function listVolumePaths({ poolPath }: { poolPath: string }): Promise<string[]> {
    const [paths] = await call<[string[]]>({ path: poolPath, iface: POOL_IFACE, method: "ListStorageVolumes", signature: "u", args: [0] });
    return paths;
}

export async function getVolumeXml({ path }: { path: string }): Promise<string> {
    const [xml] = await call<[string]>({ path, iface: VOLUME_IFACE, method: "GetXMLDesc", signature: "u", args: [0] });
    return xml;
}

export async function createVolume({ poolPath, xml }: { poolPath: string; xml: string }): Promise<string> {
    const [path] = await call<[string]>({
        path: poolPath, iface: POOL_IFACE, method: "StorageVolCreateXML", signature: "su", args: [xml, 0], timeout: LONG_CALL_MS,
    });
    return path;
}

export async function lookupVolumeByPath({ filePath }: { filePath: string }): Promise<string> {
    const [path] = await call<[string]>({
        path: CONNECT_PATH, iface: CONNECT_IFACE, method: "StorageVolLookupByPath", signature: "s", args: [filePath],
    });
    return path;
}

export async function deleteVolume({ path }: { path: string }): Promise<void> {
    await call({ path, iface: VOLUME_IFACE, method: "Delete", signature: "u", args: [0], timeout: LONG_CALL_MS });
}

// Deletes the pool volume whose file is `path`, so the pool's list of volumes stays right; false when
// no pool holds that file (nothing is done then: the caller removes a plain file itself).
export async function deleteVolumeByPath({ path }: { path: string }): Promise<boolean> {
    let volume: string;
    try {
        volume = await lookupVolumeByPath({ filePath: path });
    } catch (error) {
        if (/Storage volume not found|no storage vol/i.test(toLibvirtError(error).message)) return false;
        throw error;
    }
    await deleteVolume({ path: volume });
    return true;
}
