// Storage pool XML: reading what the Storage pools page shows (`virsh pool-dumpxml`), and building the
// definition of a new pool from the create dialog's fields.
import { attr, node, text, xmlEscape } from "../xml-nodes";
import { bytes, storageRoot } from "./storage-xml";

export interface PoolSource {
    host: string | null;
    dir: string | null;
    device: string | null;
    name: string | null;
    format: string | null;
}

export interface PoolDescription {
    name: string;
    type: string;
    uuid: string | null;
    // Bytes, as libvirt last computed them (a pool's figures change on start and refresh).
    capacity: number | null;
    allocation: number | null;
    available: number | null;
    targetPath: string | null;
    source: PoolSource;
}

export function parsePoolXml(xml: string): PoolDescription {
    const pool = storageRoot(xml, "pool", "Storage pool");
    const source = node(pool.source);
    return {
        name: text(pool.name) ?? "",
        type: attr(pool, "type") ?? "unknown",
        uuid: text(pool.uuid),
        capacity: bytes(pool.capacity),
        allocation: bytes(pool.allocation),
        available: bytes(pool.available),
        targetPath: text(node(pool.target)?.path),
        source: {
            host: attr(source?.host, "name"),
            dir: attr(source?.dir, "path"),
            device: attr(source?.device, "path"),
            name: text(source?.name),
            format: attr(source?.format, "type"),
        },
    };
}

// The pool types the create dialog offers, each with the fields it needs.
export type CreatablePoolType = "dir" | "fs" | "netfs" | "logical" | "disk" | "iscsi";
export const CREATABLE_POOL_TYPES: readonly CreatablePoolType[] = ["dir", "fs", "netfs", "logical", "disk", "iscsi"];

export type PoolField = "targetPath" | "sourceHost" | "sourceDir" | "sourceDevice" | "sourceName" | "sourceFormat";

// Which fields each type requires; libvirt derives the rest (a volume group's target is /dev/NAME).
export const POOL_TYPE_FIELDS: Record<CreatablePoolType, readonly PoolField[]> = {
    dir: ["targetPath"],
    fs: ["sourceDevice", "targetPath"],
    netfs: ["sourceHost", "sourceDir", "sourceFormat", "targetPath"],
    logical: ["sourceName"],
    disk: ["sourceDevice", "targetPath"],
    iscsi: ["sourceHost", "sourceDevice", "targetPath"],
};

export interface PoolDefinition {
    name: string;
    type: CreatablePoolType;
    targetPath?: string;
    sourceHost?: string;
    sourceDir?: string;
    // A block device for fs and disk pools, the target IQN for iscsi.
    sourceDevice?: string;
    // The volume group for logical pools.
    sourceName?: string;
    // nfs, cifs or glusterfs for netfs pools.
    sourceFormat?: string;
}

export type PoolDefinitionProblem =
    | { field: "name"; problem: "empty" | "slash" | "taken" }
    | { field: PoolField; problem: "empty" | "relative" };

const ABSOLUTE_PATH_FIELDS = new Set<PoolField>(["targetPath", "sourceDir"]);

// Problems the dialog shows before libvirt is asked; libvirt's own refusals still reach the user.
export function poolDefinitionProblems(definition: PoolDefinition, taken: readonly string[]): PoolDefinitionProblem[] {
    const problems: PoolDefinitionProblem[] = [];
    if (definition.name.trim() === "") problems.push({ field: "name", problem: "empty" });
    else if (definition.name.includes("/")) problems.push({ field: "name", problem: "slash" });
    else if (taken.includes(definition.name)) problems.push({ field: "name", problem: "taken" });
    for (const field of POOL_TYPE_FIELDS[definition.type]) {
        const value = (definition[field] ?? "").trim();
        if (value === "") problems.push({ field, problem: "empty" });
        else if (ABSOLUTE_PATH_FIELDS.has(field) && !value.startsWith("/")) problems.push({ field, problem: "relative" });
    }
    return problems;
}

// The <pool> for Connect.StoragePoolDefineXML. Only the fields the type uses are written.
export function buildPoolXml(definition: PoolDefinition): string {
    const fields = new Set(POOL_TYPE_FIELDS[definition.type]);
    const value = (field: PoolField): string => xmlEscape((definition[field] ?? "").trim());
    const source: string[] = [];
    if (fields.has("sourceHost")) source.push(`<host name="${value("sourceHost")}"/>`);
    if (fields.has("sourceDir")) source.push(`<dir path="${value("sourceDir")}"/>`);
    if (fields.has("sourceDevice")) source.push(`<device path="${value("sourceDevice")}"/>`);
    if (fields.has("sourceName")) source.push(`<name>${value("sourceName")}</name>`);
    if (fields.has("sourceFormat")) source.push(`<format type="${value("sourceFormat")}"/>`);
    const target = definition.type === "logical"
        ? ""
        : `<target><path>${value("targetPath")}</path></target>`;
    return `<pool type="${definition.type}"><name>${xmlEscape(definition.name)}</name>` +
        `${source.length > 0 ? `<source>${source.join("")}</source>` : ""}${target}</pool>`;
}
