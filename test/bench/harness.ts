/**
 * The benchmark's engine side: one emulator (with injected latency) behind a connection-counting
 * proxy, stacks of the bench programs (./doors), and one "cycle" per stack and checkpoint mode
 * (up, preview, refresh, an update of 50, a rotation of 50, update of all N, destroy), each command
 * measured for time, API requests, connections, provider cold start, and CPU and peak RSS per
 * process. Every `up` runs as users run it, with its preview (test/support/engine upWithPreview).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { OpMap } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../emulator";
import { openStack, upWithPreview, type StackFixture } from "../support/engine";
import { modeEnv, type DoorProgram, type DoorSpec, type Mode, type Program } from "./doors";
import { cpuByRole, peakRssByRole, ProcessMonitor, type ProcessRole } from "./proc";
import { stat } from "./stats";
import { startCountingProxy, type ConnectionCounts, type CountingProxy } from "./proxy";

export const PROJECT = "bench";
export const API_KEY = "standard_bench-api-key-5be1c0d2";
export const STACK = "bench";

/**
 * The commands of a cycle. `edit` renames the first 50 webhooks (one field each), `rotate` gives
 * the first 50 a rotationTrigger (a new signing key each), `update` renames all N.
 */
export const ENGINE_OPS = ["up", "preview", "refresh", "edit", "rotate", "update", "destroy"] as const;
export type EngineOp = (typeof ENGINE_OPS)[number];

/** How many webhooks `edit` and `rotate` change by default (at most N). */
export const EDITS = 50;

export interface BenchWorld {
  emulator: Emulator;
  proxy: CountingProxy;
  /** The API endpoint every client uses: the proxy's. */
  endpoint: string;
  close(): Promise<void>;
}

export async function startBenchWorld(latencyMs: number): Promise<BenchWorld> {
  const emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }], latencyMs });
  const proxy = await startCountingProxy(emulator.port);
  return {
    emulator,
    proxy,
    endpoint: `${proxy.origin}/v1`,
    async close() {
      await proxy.close();
      await emulator.close();
    },
  };
}

export interface BenchStack extends StackFixture {
  program: Program;
  /** The type the program declares N of, or one of (a set). */
  resourceType: string;
  shape: DoorSpec["shape"];
}

/** The programs' shape config before any change: generation 0, nothing edited or rotated. */
export const SHAPE_ZERO = { "bench:generation": "0", "bench:edited": "0", "bench:rotated": "0" };

/** A stack of one bench program; the native programs' `env` puts their plugins on PATH. */
export async function openBenchStack(
  world: BenchWorld,
  target: DoorProgram,
  n: number,
  env: Record<string, string> = {},
  door: Pick<DoorSpec, "shape" | "plugin"> = { shape: "per-resource", plugin: "dynamic" },
): Promise<BenchStack> {
  // The dynamic door reads `appwrite:*`, the plugin `appwrite-webhooks:*` (its own package name).
  const namespace = door.plugin === "dynamic" ? "appwrite" : "appwrite-webhooks";
  const fixture = await openStack({
    program: `test/bench/programs/${target.program}`,
    stackName: STACK,
    config: {
      [`${namespace}:endpoint`]: world.endpoint,
      [`${namespace}:projectId`]: PROJECT,
      "bench:count": String(n),
      ...SHAPE_ZERO,
      ...target.config,
    },
    secretConfig: { [`${namespace}:apiKey`]: API_KEY },
    env,
  });
  return { ...fixture, program: target.program, resourceType: target.resourceType, shape: door.shape };
}

/** Sets the programs' shape config in one CLI call (each costs about 0.3 s). */
export async function setShape(fixture: StackFixture, shape: Partial<typeof SHAPE_ZERO>): Promise<void> {
  await fixture.stack.setAllConfig(
    Object.fromEntries(Object.entries(shape).map(([key, value]) => [key, { value }])),
  );
}

/**
 * Selects the checkpoint mode of the stack's next commands. The Automation API passes its
 * workspace's envVars to every CLI run, and the CLI passes them on to the plugins.
 */
export function setMode(fixture: StackFixture, mode: Mode): void {
  const envVars = (fixture.stack.workspace as unknown as { envVars: Record<string, string> }).envVars;
  delete envVars["PULUMI_SKIP_CHECKPOINTS"];
  Object.assign(envVars, modeEnv(mode));
}

export interface CommandSample {
  op: EngineOp;
  /** Wall time of the Automation API call (the CLI command plus its output and history reads). */
  ms: number;
  /** Requests the emulator counted, per route and `total`. */
  requests: Record<string, number>;
  connections: ConnectionCounts;
  /** Provider launcher start → first API request received; absent when no request was made. */
  coldStartMs?: number;
  /** Launcher start → the provider's node process start (the launcher script's own cost). */
  launcherMs?: number;
  /** The provider's node process start → first API request received. */
  providerToFirstRequestMs?: number;
  /** The provider process's VmHWM, MiB. */
  providerPeakRssMb?: number;
  /** The provider process's command line: which plugin the engine ran. */
  providerCommand?: string;
  /** VmHWM per process role (the largest process of the role), MiB. */
  peakRssMb: Record<ProcessRole, number>;
  /** CPU ms per process role, plus this process (emulator, proxy, monitor). */
  cpuMs: Record<ProcessRole | "harness", number>;
  /** The engine's resource-change summary. */
  changes: Record<string, number>;
}

function lastRequestSeq(emulator: Emulator): number {
  const records = emulator.requests();
  return records.length > 0 ? (records[records.length - 1]?.seq ?? 0) : 0;
}

export async function timeCommand(
  world: BenchWorld,
  fixture: StackFixture,
  op: EngineOp,
  command: () => Promise<OpMap | undefined>,
): Promise<CommandSample> {
  const seqBefore = lastRequestSeq(world.emulator);
  world.emulator.resetCounters();
  world.proxy.reset();
  const monitor = new ProcessMonitor(fixture.workDir);
  monitor.start();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const changes = (await command()) ?? {};
  const ms = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const processes = monitor.stop();

  const sample: CommandSample = {
    op,
    ms,
    requests: world.emulator.counters(),
    connections: world.proxy.counts(),
    cpuMs: { ...cpuByRole(processes), harness: (cpu.user + cpu.system) / 1000 },
    peakRssMb: peakRssByRole(processes),
    changes: Object.fromEntries(Object.entries(changes).map(([key, value]) => [key, value ?? 0])),
  };
  const launcher = processes.find((record) => record.role === "launcher");
  const provider = processes.find((record) => record.role === "provider");
  const firstRequest = world.emulator.requests().find((record) => record.seq > seqBefore);
  if (provider) {
    sample.providerPeakRssMb = provider.peakRssKb / 1024;
    sample.providerCommand = provider.command;
  }
  if (launcher && provider) sample.launcherMs = provider.startedAt - launcher.startedAt;
  if (firstRequest) {
    const at = Date.parse(firstRequest.receivedAt);
    if (launcher) sample.coldStartMs = at - launcher.startedAt;
    if (provider) sample.providerToFirstRequestMs = at - provider.startedAt;
  }
  return sample;
}

export interface CycleOptions {
  /** `--parallel` for every command. */
  parallel: number;
  /** How many webhooks `edit` and `rotate` change (default EDITS, at most N; 0 leaves both out). */
  edits?: number;
  /** How many times preview and refresh run in the cycle (they are cheap and have targets). */
  repeats: number;
  /** Whether the cycle includes the update of all N (at N=500 the costliest command by far). */
  update: boolean;
}

export interface CycleResult {
  samples: CommandSample[];
  /** Checkpoint figures right after `up` created the N resources. */
  state: StateMetrics;
}

/** Aborts the bench when the engine did not change exactly `n` resources the way `key` names. */
export function expectChanges(op: EngineOp, changes: OpMap | undefined, key: string, n: number): void {
  const got = changes?.[key as keyof OpMap] ?? 0;
  if (got !== n) throw new Error(`bench: ${op} should ${key} ${n} resources, the engine reports ${got}`);
}

/**
 * up (create N), preview with no changes, refresh, update of 50, rotation of 50, update of all N
 * (optional), destroy. A set's program declares one resource for N webhooks, so the engine's
 * counts are of that one.
 */
export async function runCycle(
  world: BenchWorld,
  fixture: BenchStack,
  n: number,
  options: CycleOptions,
): Promise<CycleResult> {
  const { stack } = fixture;
  const quiet = { onOutput: () => undefined, parallel: options.parallel };
  const samples: CommandSample[] = [];
  const resources = fixture.shape === "set" ? 1 : n;
  const edits = Math.min(options.edits ?? EDITS, n);
  await setShape(fixture, SHAPE_ZERO);
  const up = async (op: EngineOp, key: string, count: number) => {
    const { summary } = await upWithPreview(stack, { parallel: options.parallel });
    expectChanges(op, summary.resourceChanges, key, count);
    return summary.resourceChanges;
  };

  samples.push(await timeCommand(world, fixture, "up", () => up("up", "create", resources + 1)));
  const state = stateMetrics(fixture, n);
  for (let i = 0; i < options.repeats; i++) {
    samples.push(
      await timeCommand(world, fixture, "preview", async () => {
        const changes = (await stack.preview(quiet)).changeSummary;
        expectChanges("preview", changes, "same", resources + 1);
        return changes;
      }),
    );
  }
  for (let i = 0; i < options.repeats; i++) {
    samples.push(
      await timeCommand(world, fixture, "refresh", async () => {
        const changes = (await stack.refresh(quiet)).summary.resourceChanges;
        expectChanges("refresh", changes, "same", resources + 1);
        return changes;
      }),
    );
  }
  if (edits > 0) {
    const changed = fixture.shape === "set" ? 1 : edits;
    await setShape(fixture, { "bench:edited": String(edits) });
    samples.push(await timeCommand(world, fixture, "edit", () => up("edit", "update", changed)));
    await setShape(fixture, { "bench:rotated": String(edits) });
    samples.push(await timeCommand(world, fixture, "rotate", () => up("rotate", "update", changed)));
  }
  if (options.update) {
    await setShape(fixture, { "bench:generation": "1" });
    samples.push(await timeCommand(world, fixture, "update", () => up("update", "update", resources)));
  }
  samples.push(
    await timeCommand(world, fixture, "destroy", async () => {
      // Through the fixture, which then knows that disposing of it needs no second destroy.
      const changes = (await fixture.destroy(quiet)).summary.resourceChanges;
      expectChanges("destroy", changes, "delete", resources + 1);
      return changes;
    }),
  );
  return { samples, state };
}

/**
 * Per-resource figures, each the median over the resources of one checkpoint (N of them, or the
 * one set), and per-webhook figures: all the resources' bytes ÷ N.
 */
export interface StateMetrics {
  /** Size of the stack's checkpoint file, which the file backend rewrites on every step. */
  checkpointBytes: number;
  checkpointBytesPerResource: number;
  /** One copy of `__provider`, UTF-8 bytes. */
  providerBytes: number;
  /** How many copies of it one resource holds (the engine keeps it in inputs and outputs). */
  providerCopies: number;
  /** The resource's whole entry in the checkpoint (compact JSON, as stored). */
  resourceBytes: number;
  /** The same with the user's own strings (name, url, events) emptied. */
  resourceBytesExclUserStrings: number;
  /** Of resourceBytes: the engine's source positions and stack trace. */
  stackTraceBytes: number;
  /** Of resourceBytes: secret envelopes (ciphertext). */
  secretBytes: number;
  /** Every resource entry of the program's type, ÷ N: what one webhook costs, one set or not. */
  webhookBytes: number;
  /**
   * The same less the user's own strings: every occurrence, as a value or as a map key, of a
   * string the program declared (names, URLs, events, and a set's entry keys), its quotes kept.
   * Ciphertext is not searched: a secret envelope counts whole.
   */
  webhookBytesExclUserStrings: number;
}

const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "");

const median = (values: number[]): number => stat(values).median;

/** The current checkpoint of the bench stack, as the file backend stores it. */
export function checkpointText(fixture: Pick<StackFixture, "backendDir">): string {
  const stacks = join(fixture.backendDir, ".pulumi", "stacks");
  const file = (readdirSync(stacks, { recursive: true }) as string[]).find((path) =>
    path.endsWith(`${STACK}.json`),
  );
  if (!file) throw new Error(`bench: no checkpoint for stack ${STACK} under the backend`);
  return readFileSync(join(stacks, file), "utf8");
}

const USER_STRING_FIELDS = ["name", "url", "events"];

type Props = Record<string, unknown>;

function withoutUserStrings(props: Props | undefined): Props | undefined {
  if (!props) return props;
  const copy = { ...props };
  for (const field of USER_STRING_FIELDS) {
    const value = copy[field];
    if (typeof value === "string") copy[field] = "";
    else if (Array.isArray(value)) copy[field] = value.map(() => "");
  }
  return copy;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

const isProps = (value: unknown): value is Props =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What the program declared, from the checked inputs: each webhook's name, URL, events, and a set's keys. */
function declaredStrings(inputs: Props | undefined): Set<string> {
  const declared = new Set<string>();
  const entries: [string | undefined, unknown][] = isProps(inputs?.["webhooks"])
    ? Object.entries(inputs["webhooks"])
    : [[undefined, inputs]];
  for (const [key, entry] of entries) {
    if (key !== undefined) declared.add(key);
    if (!isProps(entry)) continue;
    for (const field of USER_STRING_FIELDS) {
      const value = entry[field];
      for (const text of Array.isArray(value) ? value : [value])
        if (typeof text === "string") declared.add(text);
    }
  }
  return declared;
}

/** Bytes of the declared strings in `value`, as values or as keys, without their quotes. */
function userStringBytes(value: unknown, declared: Set<string>): number {
  const own = (text: string) => (declared.has(text) ? bytes(text) - 2 : 0);
  if (typeof value === "string") return own(value);
  if (Array.isArray(value))
    return value.reduce<number>((sum, item) => sum + userStringBytes(item, declared), 0);
  if (!isProps(value) || SECRET_SIG in value) return 0;
  return Object.entries(value).reduce<number>(
    (sum, [key, item]) => sum + own(key) + userStringBytes(item, declared),
    0,
  );
}

export function stateMetrics(
  fixture: Pick<BenchStack, "backendDir" | "resourceType" | "shape">,
  n: number,
): StateMetrics {
  const text = checkpointText(fixture);
  const checkpoint = JSON.parse(text) as {
    checkpoint: { latest: { resources: (Props & { type: string; inputs?: Props; outputs?: Props })[] } };
  };
  const resources = checkpoint.checkpoint.latest.resources.filter(
    (resource) => resource.type === fixture.resourceType,
  );
  const expected = fixture.shape === "set" ? 1 : n;
  if (resources.length !== expected)
    throw new Error(`bench: expected ${expected} resources in state, found ${resources.length}`);
  const per = (measure: (resource: (typeof resources)[number]) => number) => median(resources.map(measure));
  const total = (measure: (resource: (typeof resources)[number]) => number) =>
    resources.reduce((sum, resource) => sum + measure(resource), 0);
  return {
    webhookBytes: total((r) => bytes(r)) / n,
    webhookBytesExclUserStrings: total((r) => bytes(r) - userStringBytes(r, declaredStrings(r.inputs))) / n,
    checkpointBytes: Buffer.byteLength(text),
    checkpointBytesPerResource: Buffer.byteLength(text) / n,
    providerBytes: per((r) => Buffer.byteLength(String(r.inputs?.["__provider"] ?? ""))),
    providerCopies: per(
      (r) => [r.inputs, r.outputs].filter((props) => props && "__provider" in props).length,
    ),
    resourceBytes: per((r) => bytes(r)),
    resourceBytesExclUserStrings: per((r) =>
      bytes({ ...r, inputs: withoutUserStrings(r.inputs), outputs: withoutUserStrings(r.outputs) }),
    ),
    stackTraceBytes: per((r) => bytes(r["stackTrace"] ?? null) + bytes(r["sourcePosition"] ?? null)),
    secretBytes: per((r) =>
      [...Object.values(r.inputs ?? {}), ...Object.values(r.outputs ?? {})]
        .filter((value) => typeof value === "object" && value !== null && SECRET_SIG in value)
        .reduce<number>((sum, value) => sum + bytes(value), 0),
    ),
  };
}
