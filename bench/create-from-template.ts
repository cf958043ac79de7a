// Benchmark of "Create several" from a template: `npx tsx bench/create-from-template.ts [--vms 10] [--base-gib 1]`.
//
// Issue 9: create 10 VMs from one template with a 1 GiB base image, as linked clones, as full copies, and
// with a loop of `virt-install --import` (Debian's virtinst, which cockpit-machines uses) for the same VMs;
// wall time and bytes written. Targets: linked clones at most 1 s and 1 MiB written per VM, and at most
// 0.3x the virt-install loop.
//
// KVM Manager's ways run the built helper (dist/helpers/kvm-manager-create.js, `npx tsx build.ts` first)
// once per VM, as the page does: one at a time, and CREATE_CONCURRENCY at a time (the page's "Create
// several"). virt-install makes the same linked clones (--disk backing_store=BASE) and defines without
// booting (--import --noreboot). Bytes written: the blocks the new disk files take (du), plus the domain
// XML libvirt stores; the base image is checked byte-identical (sha256) after the linked runs. Everything
// made (VMs, disks, a storage pool virt-install adds for the directory) is removed afterwards.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runBatch } from "../src/core/batch";
import { CREATE_CONCURRENCY, type CreateAnswer, type CreatePlan } from "../src/core/template/create-plan";
import { run } from "../test/support/exec";
import { listVms, virsh } from "../test/support/virsh";
import { BENCH_PREFIX, cleanupOnSignal, hostBusyPercent, machineContext, seconds, table } from "./lib/fleet";

const { values: args } = parseArgs({ options: { vms: { type: "string", default: "10" }, "base-gib": { type: "string", default: "1" } } });
const VM_COUNT = Number(args.vms);
const BASE_GIB = Number(args["base-gib"]);
const PREFIX = `${BENCH_PREFIX}create-`;
const DIR = "/var/lib/libvirt/images/kvm-manager-bench-create";
const BASE = join(DIR, "base.qcow2");
const HELPER = resolve(__dirname, "../dist/helpers/kvm-manager-create.js");
const MIB = 1024 * 1024;
const TARGET_SECONDS_PER_VM = 1;
const TARGET_MIB_PER_VM = 1;
const TARGET_RATIO = 0.3;

interface WayResult {
    way: string;
    wallMs: number;
    bytes: number;
    failed: string[];
}

function sha256(path: string): Promise<string> {
    return new Promise((resolveHash, reject) => {
        const hash = createHash("sha256");
        createReadStream(path).on("data", chunk => hash.update(chunk)).on("end", () => resolveHash(hash.digest("hex"))).on("error", reject);
    });
}

function allocatedBytes(paths: readonly string[]): number {
    return paths.filter(p => existsSync(p)).reduce((sum, p) => sum + statSync(p).blocks * 512, 0);
}

function planFor(name: string, clone: "linked" | "copy"): CreatePlan {
    return {
        version: 1, name, start: false,
        spec: {
            vcpus: 1, memoryMiB: 64, firmware: "bios", machine: "pc", osVariant: "http://debian.org/debian/11",
            disks: [{ source: "base-image", image: BASE, clone, format: "qcow2", location: DIR, bus: "virtio" }],
            interfaces: [{ type: "user", model: "virtio" }], graphics: { vnc: false, serial: true }, autostart: false,
        },
    };
}

function runHelper(plan: CreatePlan): Promise<CreateAnswer> {
    return new Promise((resolveAnswer, reject) => {
        const child = spawn("node", [HELPER, "--json"], { stdio: ["pipe", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (c: Buffer) => { out += c.toString(); });
        child.on("error", reject);
        child.on("close", () => {
            try {
                resolveAnswer(JSON.parse(out.trim().split("\n").pop() ?? "") as CreateAnswer);
            } catch {
                reject(new Error(`no answer from the helper: ${out}`));
            }
        });
        child.stdin.end(JSON.stringify(plan));
    });
}

function domainXmlBytes(names: readonly string[]): number {
    return names.map(n => `/etc/libvirt/qemu/${n}.xml`).filter(existsSync).reduce((sum, p) => sum + statSync(p).size, 0);
}

async function helperWay(way: string, clone: "linked" | "copy", parallel: number, round: string): Promise<WayResult> {
    const names = Array.from({ length: VM_COUNT }, (_, i) => `${PREFIX}${round}-${String(i + 1).padStart(2, "0")}`);
    const disks: string[] = [];
    const failed: string[] = [];
    const started = performance.now();
    await runBatch(names, parallel, async name => {
        const answer = await runHelper(planFor(name, clone));
        if (answer.ok) disks.push(...answer.disks);
        else failed.push(`${name}: ${answer.error}`);
        return { outcome: answer.ok ? "done" : "failed" };
    });
    const wallMs = performance.now() - started;
    return { way, wallMs, bytes: allocatedBytes(disks) + domainXmlBytes(names), failed };
}

async function virtInstallWay(round: string): Promise<WayResult> {
    const names = Array.from({ length: VM_COUNT }, (_, i) => `${PREFIX}${round}-${String(i + 1).padStart(2, "0")}`);
    const disks = names.map(n => join(DIR, `${n}.qcow2`));
    const failed: string[] = [];
    const started = performance.now();
    for (const [i, name] of names.entries()) {
        try {
            await run("virt-install", ["--connect", "qemu:///system", "--import", "--noreboot", "--noautoconsole",
                "--name", name, "--memory", "64", "--vcpus", "1", "--machine", "pc", "--osinfo", "debian11",
                "--disk", `path=${disks[i]},size=${BASE_GIB},format=qcow2,bus=virtio,backing_store=${BASE},backing_format=qcow2`,
                "--network", "user,model=virtio", "--graphics", "none"], { timeoutMs: 300_000 });
        } catch (error) {
            failed.push(`${name}: ${(error as Error).message.trim().split("\n").pop() ?? ""}`);
        }
    }
    const wallMs = performance.now() - started;
    return { way: "virt-install --import loop", wallMs, bytes: allocatedBytes(disks) + domainXmlBytes(names), failed };
}

async function removeBenchVms(): Promise<void> {
    for (const vm of (await listVms()).filter(v => v.name.startsWith(PREFIX))) {
        await virsh("undefine", "--domain", vm.uuid).catch(() => undefined);
    }
    for (const file of existsSync(DIR) ? readdirSync(DIR) : []) {
        if (file !== "base.qcow2") rmSync(join(DIR, file), { force: true });
    }
}

async function poolsOf(dir: string): Promise<string[]> {
    const names = (await virsh("pool-list", "--all", "--name")).split("\n").map(s => s.trim()).filter(Boolean);
    const own: string[] = [];
    for (const name of names) {
        if ((await virsh("pool-dumpxml", "--pool", name)).includes(`<path>${dir}</path>`)) own.push(name);
    }
    return own;
}

async function cleanup(): Promise<void> {
    await removeBenchVms();
    for (const pool of await poolsOf(DIR).catch(() => [])) {
        await virsh("pool-destroy", "--pool", pool).catch(() => undefined);
        await virsh("pool-undefine", "--pool", pool).catch(() => undefined);
    }
    rmSync(DIR, { recursive: true, force: true });
}

async function main(): Promise<void> {
    if (!existsSync(HELPER)) throw new Error(`${HELPER} is missing: run npx tsx build.ts first`);
    cleanupOnSignal(cleanup);
    console.log(await machineContext());
    await cleanup();
    mkdirSync(DIR, { recursive: true });
    await run("qemu-img", ["create", "-q", "-f", "qcow2", BASE, `${BASE_GIB}G`]);
    // Real data in every cluster: a full copy then has a base image's worth to write.
    await run("qemu-io", ["-f", "qcow2", "-c", `write -P 0x5a 0 ${BASE_GIB}G`, BASE], { timeoutMs: 600_000 });
    const baseHash = await sha256(BASE);
    console.log(`base image: ${BASE_GIB} GiB qcow2, ${Math.round(allocatedBytes([BASE]) / MIB)} MiB allocated; ${VM_COUNT} VMs each way\n`);

    const results: WayResult[] = [];
    const ways: [string, () => Promise<WayResult>][] = [
        ["linked", () => helperWay("KVM Manager, linked clones, 1 at a time", "linked", 1, "l1")],
        ["linked", () => helperWay(`KVM Manager, linked clones, ${CREATE_CONCURRENCY} at a time`, "linked", CREATE_CONCURRENCY, "l4")],
        ["virt-install", () => virtInstallWay("vi")],
        ["copy", () => helperWay(`KVM Manager, full copies, ${CREATE_CONCURRENCY} at a time`, "copy", CREATE_CONCURRENCY, "c4")],
    ];
    try {
        for (const [, measure] of ways) {
            const busy = await hostBusyPercent();
            const result = await measure();
            console.log(`${result.way}: ${seconds(result.wallMs)} (host ${busy.toFixed(0)}% busy before)${result.failed.length ? `; ${result.failed.length} FAILED, first: ${result.failed[0]}` : ""}`);
            results.push(result);
            await removeBenchVms();
        }
        const baseAfter = await sha256(BASE);
        const loop = results.find(r => r.way.startsWith("virt-install") && r.failed.length === 0);
        console.log("\n" + table([
            ["way", "wall", "per VM", "written", "per VM", "vs virt-install"],
            ...results.map(r => [r.way, seconds(r.wallMs), seconds(r.wallMs / VM_COUNT), `${(r.bytes / MIB).toFixed(1)} MiB`,
                `${(r.bytes / MIB / VM_COUNT).toFixed(2)} MiB`, loop ? `${(r.wallMs / loop.wallMs).toFixed(2)}x` : "–"]),
        ]));
        const best = results.filter(r => r.way.includes("linked")).sort((a, b) => a.wallMs - b.wallMs)[0];
        console.log(`\nbase image byte-identical after the linked clones: ${baseAfter === baseHash ? "yes" : "NO"}`);
        console.log(`targets (linked, ${best.way}): ${seconds(best.wallMs / VM_COUNT)} per VM (<= ${TARGET_SECONDS_PER_VM} s: ${best.wallMs / VM_COUNT <= TARGET_SECONDS_PER_VM * 1000 ? "met" : "MISSED"}), ` +
            `${(best.bytes / MIB / VM_COUNT).toFixed(2)} MiB per VM (<= ${TARGET_MIB_PER_VM} MiB: ${best.bytes / VM_COUNT <= TARGET_MIB_PER_VM * MIB ? "met" : "MISSED"}), ` +
            `${loop ? (best.wallMs / loop.wallMs).toFixed(2) : "–"}x the virt-install loop (<= ${TARGET_RATIO}: ${loop && best.wallMs / loop.wallMs <= TARGET_RATIO ? "met" : "MISSED"})`);
    } finally {
        await cleanup();
    }
}

main().catch(error => {
    console.error(error);
    process.exitCode = 1;
});
