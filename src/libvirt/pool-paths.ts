// Where new disks may go: the target directories of libvirt's directory storage pools. One listing of
// pools and their XML (the Storage pools page has the full picture).
import { libvirtXmlParser, node, text, attr, type XmlNode } from "../core/xml-nodes";
import { CONNECT_IFACE, CONNECT_PATH, call } from "./connection";

const POOL_IFACE = "org.libvirt.StoragePool";
const parser = libvirtXmlParser({ trimValues: true });

export interface DirectoryPool {
    name: string;
    path: string;
}

export async function listDirectoryPools(): Promise<DirectoryPool[]> {
    const [paths] = await call<[string[]]>({ path: CONNECT_PATH, iface: CONNECT_IFACE, method: "ListStoragePools", signature: "u", args: [0] });
    const pools = await Promise.all(paths.map(async path => {
        const [xml] = await call<[string]>({ path, iface: POOL_IFACE, method: "GetXMLDesc", signature: "u", args: [0] });
        const pool = node((parser.parse(xml) as XmlNode).pool);
        const target = text(node(pool?.target)?.path);
        return attr(pool, "type") === "dir" && target ? { name: text(pool?.name) ?? "", path: target } : null;
    }));
    return pools.filter((p): p is DirectoryPool => p !== null).sort((a, b) => a.name.localeCompare(b.name));
}
