// The VM list's "Create VM" button and its dialog; templates and disk locations are read when it opens.
import { Button } from "@patternfly/react-core";
import { useState } from "react";
import { _ } from "../../lib/cockpit";
import { useAdminAccess } from "../../lib/permission";
import { useDiskLocations, useTemplates } from "../templates/useTemplates";
import { CreateVmDialog } from "./CreateVmDialog";

function CreateVmLoader({ onClose }: { onClose: () => void }) {
    const { listing, error } = useTemplates();
    const locations = useDiskLocations();
    // Without the listing (the helper is missing) "From scratch" still works.
    if (!listing && !error) return null;
    return <CreateVmDialog templates={listing} initialTemplate={null} locations={locations} onClose={onClose} />;
}

export function CreateVmButton() {
    const admin = useAdminAccess();
    const [open, setOpen] = useState(false);
    return (
        <>
            <Button variant="primary" id="kvm-create-vm" isDisabled={admin !== true} onClick={() => setOpen(true)}>{_("Create VM")}</Button>
            {open && <CreateVmLoader onClose={() => setOpen(false)} />}
        </>
    );
}
