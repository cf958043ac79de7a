// The templates on the host (kvm-manager-config --list templates) and where new disks may go (the
// default directory and the directory pools' target paths), for the Templates page and "Create VM".
import { useCallback, useEffect, useState } from "react";
import { TEMPLATE_KIND, type TemplateDocument } from "../../core/template/template-document";
import { listDocuments, type DocumentListing } from "../../host/config-documents";
import { parsePoolXml } from "../../core/storage/pool-xml";
import { getPoolXml, listPoolPaths } from "../../libvirt/storage-pools";

export type TemplateListing = DocumentListing<TemplateDocument, object>;

export const LIST_TEMPLATES_ARGV = ["kvm-manager-config", "--list", "templates", "--json"];

export function useTemplates(): { listing: TemplateListing | null; error: string | null; reload: () => void } {
    const [listing, setListing] = useState<TemplateListing | null>(null);
    const [error, setError] = useState<string | null>(null);
    const [generation, setGeneration] = useState(0);
    useEffect(() => {
        let current = true;
        listDocuments(TEMPLATE_KIND, LIST_TEMPLATES_ARGV).then(l => {
            if (!current) return;
            setListing(l);
            setError(null);
        }, (e: Error) => {
            if (current) setError(e.message);
        });
        return () => {
            current = false;
        };
    }, [generation]);
    const reload = useCallback(() => setGeneration(g => g + 1), []);
    return { listing, error, reload };
}

// Pool paths are a convenience: without them (no pools, libvirt-dbus refusing) the default directory
// is still offered, so a failure here is not shown.
export function useDiskLocations(): string[] {
    const [locations, setLocations] = useState<string[]>([]);
    useEffect(() => {
        let current = true;
        listPoolPaths()
            .then(paths => Promise.all(paths.map(path => getPoolXml({ path }).then(parsePoolXml))))
            .then(pools => {
                const paths = pools.filter(p => p.type === "dir" && p.targetPath).map(p => p.targetPath as string).sort();
                if (current) setLocations(paths);
            }, () => undefined);
        return () => {
            current = false;
        };
    }, []);
    return locations;
}
