// Templates: /etc/kvm-manager/templates/NAME.json. Lists the valid ones and, apart, the files that are
// not valid with what is wrong (they are never rewritten from here); create, edit, duplicate, delete,
// and "Create VMs" from a template. #/template/NAME opens that template's editor.
import {
    Alert, Button, Dropdown, DropdownItem, DropdownList, EmptyState, EmptyStateBody, MenuToggle, PageSection, Spinner,
    Title, Toolbar, ToolbarContent, ToolbarItem, type MenuToggleElement,
} from "@patternfly/react-core";
import { EllipsisVIcon, ExclamationTriangleIcon, ListIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useState } from "react";
import cockpit, { _, ngettext } from "../../lib/cockpit";
import { formatBytes } from "../../core/format";
import { defaultSpec, type TemplateDisk, type TemplateDocument, type TemplateNic } from "../../core/template/template-document";
import { ADMIN_ACCESS_HINT } from "../../components/ConnectionEmptyState";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { DisplayName, NameSentence } from "../../components/DisplayName";
import { deleteDocument, describeDocumentError, NEW_DOCUMENT_TAG } from "../../host/config-documents";
import { useAdminAccess } from "../../lib/permission";
import { namedRoutePath } from "../../lib/paths";
import { CreateVmDialog } from "../vm-create/CreateVmDialog";
import { TemplateEditorDialog, type TemplateEdit } from "./TemplateEditorDialog";
import { useDiskLocations, useTemplates, type TemplateListing } from "./useTemplates";

const MIB = 1024 * 1024;

function baseName(path: string): string {
    return path.slice(path.lastIndexOf("/") + 1);
}

function diskSummary(disk: TemplateDisk): string {
    switch (disk.source) {
    case "new": return cockpit.format(_("new $0 $1"), formatBytes(disk.sizeMiB * MIB, cockpit.language), disk.format);
    case "base-image": return disk.clone === "linked"
        ? cockpit.format(_("linked clone of $0"), baseName(disk.image))
        : cockpit.format(_("copy of $0"), baseName(disk.image));
    case "existing": return cockpit.format(_("image $0"), baseName(disk.image));
    case "cdrom": return cockpit.format(_("ISO $0"), baseName(disk.image));
    }
}

function nicSummary(nic: TemplateNic): string {
    switch (nic.type) {
    case "network": return cockpit.format(_("network $0"), nic.network);
    case "bridge": return cockpit.format(_("bridge $0"), nic.bridge);
    case "user": return _("user-mode");
    }
}

type RowAction = "create" | "edit" | "duplicate" | "delete";

function TemplateMenu({ name, readOnly, onAction }: { name: string; readOnly: boolean; onAction: (action: RowAction) => void }) {
    const [open, setOpen] = useState(false);
    const items: [RowAction, string][] = [["create", _("Create VMs…")], ["edit", _("Edit")], ["duplicate", _("Duplicate")], ["delete", _("Delete")]];
    return (
        <Dropdown isOpen={open} onOpenChange={setOpen} onSelect={() => setOpen(false)} popperProps={{ position: "right" }}
            toggle={(ref: React.Ref<MenuToggleElement>) => (
                <MenuToggle ref={ref} variant="plain" isDisabled={readOnly} onClick={() => setOpen(!open)} isExpanded={open}
                    aria-label={cockpit.format(_("Actions for $0"), name)} className="kvm-template-actions" icon={<EllipsisVIcon />} />
            )}>
            <DropdownList>
                {items.map(([action, label]) => (
                    <DropdownItem key={action} data-action={action} isDanger={action === "delete"} onClick={() => onAction(action)}>{label}</DropdownItem>
                ))}
            </DropdownList>
        </Dropdown>
    );
}

function DamagedFiles({ listing }: { listing: TemplateListing }) {
    if (listing.damaged.length === 0) return null;
    return (
        <Alert isInline variant="warning" id="kvm-damaged-templates" className="kvm-details-grid"
            title={cockpit.format(ngettext("$0 template file cannot be used", "$0 template files cannot be used", listing.damaged.length), listing.damaged.length)}>
            <p>{_("These files are left exactly as they are. Correct them in an editor, or remove them.")}</p>
            <ul>
                {listing.damaged.map(d => (
                    <li key={d.name} data-template-name={d.name} className="kvm-damaged-template">
                        <ExclamationTriangleIcon className="kvm-muted" /> <code>{d.path}</code>: {describeDocumentError(d.error)}
                    </li>
                ))}
            </ul>
        </Alert>
    );
}

function uniqueCopyName(name: string, taken: ReadonlySet<string>): string {
    for (let n = 1; ; n++) {
        const candidate = n === 1 ? cockpit.format(_("$0 copy"), name) : cockpit.format(_("$0 copy $1"), name, n);
        if (!taken.has(candidate)) return candidate;
    }
}

export function TemplatesPage({ editing = null }: { editing?: string | null }) {
    const admin = useAdminAccess();
    const { listing, error, reload } = useTemplates();
    const locations = useDiskLocations();
    const [edit, setEdit] = useState<TemplateEdit | null>(null);
    const [creatingFrom, setCreatingFrom] = useState<string | null>(null);
    const [deleting, setDeleting] = useState<{ name: string; path: string; tag: string } | null>(null);
    const [actionError, setActionError] = useState<string | null>(null);
    const readOnly = admin !== true;
    const names = new Set([...(listing?.documents ?? []).map(d => d.name), ...(listing?.damaged ?? []).map(d => d.name)]);

    // #/template/NAME: the editor of that template, once it is listed.
    const routed = editing && !edit && listing && !readOnly ? listing.documents.find(d => d.name === editing) : undefined;
    const shownEdit = edit ?? (routed ? { mode: "edit" as const, name: routed.name, tag: routed.tag, template: routed.value } : null);
    const closeEditor = (): void => {
        setEdit(null);
        if (editing) cockpit.location.go(["templates"]);
    };

    const onAction = (name: string, action: RowAction): void => {
        const doc = listing?.documents.find(d => d.name === name);
        if (!doc) return;
        setActionError(null);
        switch (action) {
        case "create": setCreatingFrom(name); break;
        case "edit": cockpit.location.go(namedRoutePath("template", name)); break;
        case "duplicate": setEdit({ mode: "duplicate", name: uniqueCopyName(name, names), tag: NEW_DOCUMENT_TAG, template: doc.value }); break;
        case "delete": setDeleting({ name, path: doc.path, tag: doc.tag }); break;
        }
    };

    const newTemplate: TemplateDocument = { version: 1, description: "", ...defaultSpec() };
    return (
        <PageSection id="kvm-templates">
            <Title headingLevel="h1" className="kvm-details-header">{_("Templates")}</Title>
            {admin === false &&
                <Alert isInline variant="info" className="kvm-details-grid" title={_("Read-only: administrative access is off")}>
                    {_("You can see the templates, but creating, changing and using them needs administrative access.")}{" "}{_(ADMIN_ACCESS_HINT)}
                </Alert>}
            {error && <Alert isInline variant="danger" className="kvm-details-grid" title={_("The templates could not be read")}>{error}</Alert>}
            {actionError && <Alert isInline variant="danger" className="kvm-details-grid" id="kvm-template-action-error" title={_("The template could not be deleted")}>{actionError}</Alert>}
            <Toolbar>
                <ToolbarContent>
                    <ToolbarItem>
                        <Button variant="primary" id="kvm-template-new" isDisabled={readOnly}
                            onClick={() => setEdit({ mode: "new", name: "", tag: NEW_DOCUMENT_TAG, template: newTemplate })}>
                            {_("New template")}
                        </Button>
                    </ToolbarItem>
                    {listing && <ToolbarItem variant="pagination">
                        {cockpit.format(ngettext("$0 template", "$0 templates", listing.documents.length), listing.documents.length)}
                    </ToolbarItem>}
                </ToolbarContent>
            </Toolbar>
            {listing && <DamagedFiles listing={listing} />}
            {!listing && !error && <Spinner aria-label={_("Loading templates")} />}
            {listing && listing.documents.length === 0 &&
                <EmptyState titleText={_("No templates")} headingLevel="h2" icon={ListIcon} id="kvm-no-templates">
                    <EmptyStateBody>
                        {_("A template describes a new VM: CPUs, memory, firmware, disks (new, or clones of a base image), network and console. Make one here, or with “Save as template” on a VM's page.")}
                    </EmptyStateBody>
                </EmptyState>}
            {listing && listing.documents.length > 0 &&
                <Table aria-label={_("Templates")} variant="compact" id="kvm-template-table" gridBreakPoint="grid-lg">
                    <Thead>
                        <Tr>
                            <Th>{_("Name")}</Th><Th>{_("Description")}</Th><Th modifier="fitContent">{_("vCPUs")}</Th><Th modifier="fitContent">{_("Memory")}</Th>
                            <Th>{_("Disks")}</Th><Th>{_("Network")}</Th><Th modifier="fitContent">{_("Firmware")}</Th><Th screenReaderText={_("Actions")} />
                        </Tr>
                    </Thead>
                    <Tbody>
                        {listing.documents.map(({ name, value }) => (
                            <Tr key={name} data-template-name={name}>
                                <Td dataLabel={_("Name")} modifier="breakWord"><DisplayName name={name} truncate /></Td>
                                <Td dataLabel={_("Description")} modifier="breakWord">{value.description || <span className="kvm-muted">–</span>}</Td>
                                <Td dataLabel={_("vCPUs")}>{value.vcpus}</Td>
                                <Td dataLabel={_("Memory")}>{formatBytes(value.memoryMiB * MIB, cockpit.language)}</Td>
                                <Td dataLabel={_("Disks")} modifier="breakWord">{value.disks.map(diskSummary).join(", ") || <span className="kvm-muted">–</span>}</Td>
                                <Td dataLabel={_("Network")}>{value.interfaces.map(nicSummary).join(", ") || <span className="kvm-muted">–</span>}</Td>
                                <Td dataLabel={_("Firmware")}>{value.firmware === "uefi" ? _("UEFI") : _("BIOS")}</Td>
                                <Td isActionCell><TemplateMenu name={name} readOnly={readOnly} onAction={action => onAction(name, action)} /></Td>
                            </Tr>
                        ))}
                    </Tbody>
                </Table>}
            {shownEdit &&
                <TemplateEditorDialog key={`${shownEdit.mode}:${shownEdit.name}`} edit={shownEdit} existingNames={names} locations={locations}
                    onSaved={() => {
                        closeEditor();
                        reload();
                    }}
                    onCancel={closeEditor} />}
            {creatingFrom && <CreateVmDialog templates={listing} initialTemplate={creatingFrom} locations={locations} onClose={() => setCreatingFrom(null)} />}
            {deleting &&
                <ConfirmDialog danger title={<NameSentence template={_("Delete template $0?")} names={[deleting.name]} />}
                    body={_("The template file is removed. VMs made from it, and its base images, are kept.")}
                    confirmLabel={_("Delete")}
                    onCancel={() => setDeleting(null)}
                    onConfirm={() => {
                        const target = deleting;
                        setDeleting(null);
                        deleteDocument(target.path, target.tag).then(reload, (e: Error) => {
                            setActionError(e.message);
                            reload();
                        });
                    }} />}
        </PageSection>
    );
}
