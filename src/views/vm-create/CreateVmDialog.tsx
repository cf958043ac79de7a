// "Create VM": from a template (with overrides) or from scratch, one VM by name or several by a name
// pattern (web-{01..10}). Each VM is one run of kvm-manager-create on the host, a few at a time, with
// progress and a result per VM: created, or what failed (and that nothing was left behind).
import {
    Alert, Button, Checkbox, Form, FormGroup, FormHelperText, FormSelect, FormSelectOption, Grid, GridItem, HelperText,
    HelperTextItem, Modal, ModalBody, ModalFooter, ModalHeader, ModalVariant, Progress, ProgressMeasureLocation, Radio, Spinner,
    TextInput,
} from "@patternfly/react-core";
import { CheckCircleIcon, ExclamationCircleIcon } from "@patternfly/react-icons";
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table";
import { useEffect, useMemo, useState, useSyncExternalStore } from "react";
import cockpit, { _ } from "../../lib/cockpit";
import { runBatch, summarize, type BatchResult } from "../../core/batch";
import { CREATE_CONCURRENCY, type CreateAnswer, type CreateProgress } from "../../core/template/create-plan";
import { formOfSpec, specOfForm, type SpecForm } from "../../core/template/spec-form";
import { defaultSpec, specOfTemplate, type TemplateDocument, type VmSpec } from "../../core/template/template-document";
import { expandNamePattern, type NamePatternResult } from "../../core/template/name-pattern";
import { vmNameProblem } from "../../core/vm-name";
import { DisplayName } from "../../components/DisplayName";
import { createVmOnHost } from "../../host/vm-create";
import { vmStore } from "../../state/vm-store";
import { NumberField, VmSpecFields, fieldMessage } from "../templates/VmSpecFields";
import type { TemplateListing } from "../templates/useTemplates";
import { vmNameProblemText } from "../../lib/labels";
import { cleanupLabel, namePatternProblemText, progressLabel } from "./create-labels";

type CloneOverride = "template" | "linked" | "copy";

interface Outcome extends BatchResult {
    detail?: string;
}

function applyOverrides(template: TemplateDocument, vcpus: string, memoryMiB: string, clone: CloneOverride): SpecForm {
    const spec: VmSpec = specOfTemplate(template);
    const disks = spec.disks.map(d => (d.source === "base-image" && clone !== "template"
        ? { ...d, clone, format: clone === "linked" ? "qcow2" as const : d.format } : d));
    return { ...formOfSpec({ ...spec, disks }), vcpus, memoryMiB };
}

export function CreateVmDialog({ templates, initialTemplate, locations, onClose }: {
    templates: TemplateListing | null; initialTemplate: string | null; locations: readonly string[]; onClose: () => void;
}) {
    const usable = templates?.documents ?? [];
    const [source, setSource] = useState<"template" | "scratch">(initialTemplate || usable.length > 0 ? "template" : "scratch");
    const [templateName, setTemplateName] = useState(initialTemplate ?? usable[0]?.name ?? "");
    const template = usable.find(t => t.name === templateName)?.value ?? null;
    const [vcpus, setVcpus] = useState(template ? String(template.vcpus) : "");
    const [memoryMiB, setMemoryMiB] = useState(template ? String(template.memoryMiB) : "");
    const [clone, setClone] = useState<CloneOverride>("template");
    const [scratch, setScratch] = useState<SpecForm>(formOfSpec(defaultSpec()));
    const [several, setSeveral] = useState(false);
    const [name, setName] = useState("");
    const [pattern, setPattern] = useState("");
    const [start, setStart] = useState(false);
    const [invalid, setInvalid] = useState<ReadonlySet<string>>(new Set());
    const [running, setRunning] = useState<{ total: number; settled: number; step: string | null; results: Outcome[] | null } | null>(null);

    // Opened from the Templates page too, where the list's store may not have started yet.
    const vms = useSyncExternalStore(vmStore.subscribe, vmStore.getSnapshot).vms;
    useEffect(() => {
        vmStore.start();
    }, []);
    const existing = useMemo(() => new Set(vms.map(vm => vm.name)), [vms]);
    const single = several ? null : vmNameProblem(name, "new", existing);
    const names: NamePatternResult = several ? expandNamePattern(pattern, existing)
        : single ? { ok: false, problem: { kind: "name", name, problem: single } } : { ok: true, names: [name] };
    const nameError = (several ? pattern : name) === "" ? null
        : single ? vmNameProblemText(single) : !names.ok ? namePatternProblemText(names.problem) : null;
    const hasBaseImages = template?.disks.some(d => d.source === "base-image") ?? false;

    const chooseTemplate = (next: string): void => {
        setTemplateName(next);
        const t = usable.find(u => u.name === next)?.value;
        if (t) {
            setVcpus(String(t.vcpus));
            setMemoryMiB(String(t.memoryMiB));
        }
    };

    const create = async (): Promise<void> => {
        const form = source === "template" && template ? applyOverrides(template, vcpus, memoryMiB, clone) : scratch;
        const checked = specOfForm(form);
        if (!checked.ok) {
            setInvalid(new Set(checked.fields));
            return;
        }
        if (!names.ok || names.names.length === 0) return;
        setInvalid(new Set());
        const spec = checked.spec;
        const all = names.names;
        setRunning({ total: all.length, settled: 0, step: null, results: null });
        const results = await runBatch(all, CREATE_CONCURRENCY, async vmName => {
            const answer: CreateAnswer = await createVmOnHost({ version: 1, name: vmName, spec, start },
                (progress: CreateProgress) => {
                    if (all.length === 1) setRunning(r => r && { ...r, step: progressLabel(progress) });
                });
            return answer.ok
                ? { outcome: "done" as const }
                : { outcome: "failed" as const, message: answer.error, detail: cleanupLabel(answer.cleanup) };
        }, settled => setRunning(r => r && { ...r, settled }));
        setRunning(r => r && { ...r, settled: results.length, results });
    };

    const finished = running?.results != null;
    const counts = running?.results ? summarize(running.results) : null;
    const title = several ? _("Create virtual machines") : _("Create virtual machine");
    return (
        <Modal isOpen variant={ModalVariant.large} onClose={running && !finished ? undefined : onClose}
            aria-labelledby="kvm-create-title" id="kvm-create-dialog">
            <ModalHeader title={title} labelId="kvm-create-title" />
            <ModalBody>
                {running ? (
                    <>
                        <Progress id="kvm-create-progress" value={running.settled / running.total * 100}
                            title={finished
                                ? cockpit.format(_("$0 created, $1 failed"), counts?.done, counts?.failed)
                                : running.step ?? cockpit.format(_("$0 of $1"), running.settled, running.total)}
                            label={cockpit.format(_("$0 of $1"), running.settled, running.total)}
                            measureLocation={ProgressMeasureLocation.outside}
                            variant={counts && counts.failed > 0 ? "danger" : finished ? "success" : undefined} />
                        {!finished && <Spinner size="md" aria-label={_("Creating")} />}
                        {running.results &&
                            <Table variant="compact" aria-label={_("Results")} id="kvm-create-results">
                                <Thead><Tr><Th width={40}>{_("Virtual machine")}</Th><Th>{_("Result")}</Th></Tr></Thead>
                                <Tbody>
                                    {running.results.map(r => (
                                        <Tr key={r.name} data-vm-name={r.name} data-outcome={r.outcome}>
                                            <Td dataLabel={_("Virtual machine")} modifier="breakWord"><DisplayName name={r.name} /></Td>
                                            <Td dataLabel={_("Result")}>
                                                {r.outcome === "done"
                                                    ? <span className="kvm-outcome"><CheckCircleIcon className="kvm-outcome-done" /> {start ? _("Created and started") : _("Created")}</span>
                                                    : <span className="kvm-outcome"><ExclamationCircleIcon className="kvm-outcome-failed" />
                                                        {" "}{r.message} {(r as Outcome).detail}</span>}
                                            </Td>
                                        </Tr>
                                    ))}
                                </Tbody>
                            </Table>}
                    </>
                ) : (
                    <Form id="kvm-create-form" onSubmit={event => {
                        event.preventDefault();
                        void create();
                    }}>
                        <FormGroup label={_("Start from")} fieldId="kvm-create-from-template" role="radiogroup" isInline>
                            <Radio id="kvm-create-from-template" name="kvm-create-source" label={_("A template")} isChecked={source === "template"}
                                isDisabled={usable.length === 0} onChange={() => setSource("template")}
                                description={usable.length === 0 ? _("No templates yet: make one on the Templates page or with “Save as template” on a VM.") : undefined} />
                            <Radio id="kvm-create-from-scratch" name="kvm-create-source" label={_("Scratch (no template)")} isChecked={source === "scratch"}
                                onChange={() => setSource("scratch")} />
                        </FormGroup>
                        <FormGroup label={_("How many")} fieldId="kvm-create-one" role="radiogroup" isInline>
                            <Radio id="kvm-create-one" name="kvm-create-count" label={_("One virtual machine")} isChecked={!several} onChange={() => setSeveral(false)} />
                            <Radio id="kvm-create-several" name="kvm-create-count" label={_("Several, named by a pattern")} isChecked={several} onChange={() => setSeveral(true)} />
                        </FormGroup>
                        {several ? (
                            <FormGroup label={_("Name pattern")} fieldId="kvm-create-pattern" isRequired>
                                <TextInput id="kvm-create-pattern" value={pattern} placeholder="web-{01..10}" isRequired
                                    validated={nameError ? "error" : "default"} onChange={(_event, v) => setPattern(v)} />
                                <FormHelperText><HelperText><HelperTextItem variant={nameError ? "error" : "default"} id="kvm-create-pattern-help">
                                    {nameError ?? (names.ok && pattern !== ""
                                        ? cockpit.format(_("$0 virtual machines: $1 … $2"), names.names.length, names.names[0], names.names[names.names.length - 1])
                                        : _("A range in braces is replaced by each number: web-{01..10} gives web-01 to web-10."))}
                                </HelperTextItem></HelperText></FormHelperText>
                            </FormGroup>
                        ) : (
                            <FormGroup label={_("Name")} fieldId="kvm-create-name" isRequired>
                                <TextInput id="kvm-create-name" value={name} isRequired validated={nameError ? "error" : "default"}
                                    onChange={(_event, v) => setName(v)} />
                                {nameError && <FormHelperText><HelperText><HelperTextItem variant="error">{nameError}</HelperTextItem></HelperText></FormHelperText>}
                            </FormGroup>
                        )}
                        {source === "template" && template ? (
                            <>
                                <FormGroup label={_("Template")} fieldId="kvm-create-template">
                                    <FormSelect id="kvm-create-template" value={templateName} onChange={(_event, v) => chooseTemplate(v)}>
                                        {usable.map(t => <FormSelectOption key={t.name} value={t.name} label={t.name} />)}
                                    </FormSelect>
                                    {template.description &&
                                        <FormHelperText><HelperText><HelperTextItem>{template.description}</HelperTextItem></HelperText></FormHelperText>}
                                </FormGroup>
                                <Grid hasGutter>
                                    <GridItem md={4}>
                                        <NumberField label={_("vCPUs")} id="kvm-spec-vcpus" path="vcpus" value={vcpus} invalid={invalid} onChange={setVcpus} />
                                    </GridItem>
                                    <GridItem md={4}>
                                        <NumberField label={_("Memory (MiB)")} id="kvm-spec-memory" path="memoryMiB" value={memoryMiB} invalid={invalid} onChange={setMemoryMiB} />
                                    </GridItem>
                                    {hasBaseImages &&
                                        <GridItem md={4}>
                                            <FormGroup label={_("Disks from base images")} fieldId="kvm-create-clone">
                                                <FormSelect id="kvm-create-clone" value={clone} onChange={(_event, v) => setClone(v as CloneOverride)}>
                                                    <FormSelectOption value="template" label={_("As in the template")} />
                                                    <FormSelectOption value="linked" label={_("Linked clones")} />
                                                    <FormSelectOption value="copy" label={_("Full copies")} />
                                                </FormSelect>
                                            </FormGroup>
                                        </GridItem>}
                                </Grid>
                                {invalid.size > 0 && !invalid.has("vcpus") && !invalid.has("memoryMiB") &&
                                    <Alert isInline variant="danger" title={_("The template has values that cannot be used")}>
                                        {Array.from(invalid).map(path => `${path}: ${fieldMessage(path)}`).join(" ")}
                                    </Alert>}
                            </>
                        ) : (
                            <VmSpecFields form={scratch} onChange={setScratch} invalid={invalid} locations={locations} />
                        )}
                        <Checkbox id="kvm-create-start" label={_("Start after creating")} isChecked={start} onChange={(_event, v) => setStart(v)} />
                    </Form>
                )}
            </ModalBody>
            <ModalFooter>
                {running
                    ? <Button variant="primary" id="kvm-create-close" isDisabled={!finished} onClick={onClose}>{_("Close")}</Button>
                    : <>
                        <Button variant="primary" id="kvm-create-submit" isDisabled={nameError !== null || (several ? pattern : name) === ""}
                            onClick={() => void create()}>{_("Create")}</Button>
                        <Button variant="link" onClick={onClose}>{_("Cancel")}</Button>
                    </>}
            </ModalFooter>
        </Modal>
    );
}
