/**
 * The benchmark's engine side: one emulator (with injected latency) behind a connection-counting
 * proxy, stacks of the bench programs (./doors), and one "cycle" per stack and checkpoint mode
 * (up, preview, refresh, update of all N, destroy), each command measured for time, API
 * requests, connections, provider cold start, and CPU and peak RSS per process.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { OpMap } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../emulator";
import { openStack, type StackFixture } from "../support/engine";
import { modeEnv, RESOURCE_TYPE, type Mode, type Program } from "./doors";
import { cpuByRole, peakRssByRole, ProcessMonitor, type ProcessRole } from "./proc";
import { stat } from "./stats";
import { startCountingProxy, type ConnectionCounts, type CountingProxy } from "./proxy";

export const PROJECT = "bench";
export const API_KEY = "standard_bench-api-key-5be1c0d2";
export const STACK = "bench";

export const ENGINE_OPS = ["up", "preview", "refresh", "update", "destroy"] as const;
export type EngineOp = (typeof ENGINE_OPS)[number];

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
}

/** A stack of one bench program; the native programs' `env` puts their plugins on PATH. */
export async function openBenchStack(
  world: BenchWorld,
  program: Program,
  n: number,
  env: Record<string, string> = {},
): Promise<BenchStack> {
  // The dynamic door reads `appwrite:*`, the plugin `appwrite-webhooks:*` (its own package name).
  const namespace = program === "native" ? "appwrite-webhooks" : "appwrite";
  const fixture = await openStack({
    program: `test/bench/programs/${program}`,
    stackName: STACK,
    config: {
      [`${namespace}:endpoint`]: world.endpoint,
      [`${namespace}:projectId`]: PROJECT,
      "bench:count": String(n),
      "bench:generation": "0",
    },
    secretConfig: { [`${namespace}:apiKey`]: API_KEY },
    env,
  });
  return { ...fixture, program };
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

/** up (create N), preview with no changes, refresh, update of all N (optional), destroy. */
export async function runCycle(
  world: BenchWorld,
  fixture: BenchStack,
  n: number,
  options: CycleOptions,
): Promise<CycleResult> {
  const { stack } = fixture;
  const quiet = { onOutput: () => undefined, parallel: options.parallel };
  const samples: CommandSample[] = [];
  await stack.setConfig("bench:generation", { value: "0" });

  samples.push(
    await timeCommand(world, fixture, "up", async () => {
      const changes = (await stack.up(quiet)).summary.resourceChanges;
      expectChanges("up", changes, "create", n + 1);
      return changes;
    }),
  );
  const state = stateMetrics(fixture, n);
  for (let i = 0; i < options.repeats; i++) {
    samples.push(
      await timeCommand(world, fixture, "preview", async () => {
        const changes = (await stack.preview(quiet)).changeSummary;
        expectChanges("preview", changes, "same", n + 1);
        return changes;
      }),
    );
  }
  for (let i = 0; i < options.repeats; i++) {
    samples.push(
      await timeCommand(world, fixture, "refresh", async () => {
        const changes = (await stack.refresh(quiet)).summary.resourceChanges;
        expectChanges("refresh", changes, "same", n + 1);
        return changes;
      }),
    );
  }
  if (options.update) {
    await stack.setConfig("bench:generation", { value: "1" });
    samples.push(
      await timeCommand(world, fixture, "update", async () => {
        const changes = (await stack.up(quiet)).summary.resourceChanges;
        expectChanges("update", changes, "update", n);
        return changes;
      }),
    );
  }
  samples.push(
    await timeCommand(world, fixture, "destroy", async () => {
      const changes = (await stack.destroy(quiet)).summary.resourceChanges;
      expectChanges("destroy", changes, "delete", n + 1);
      return changes;
    }),
  );
  return { samples, state };
}

/** Per-resource figures, each the median over the N resources of one checkpoint. */
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

export function stateMetrics(fixture: Pick<BenchStack, "backendDir" | "program">, n: number): StateMetrics {
  const text = checkpointText(fixture);
  const checkpoint = JSON.parse(text) as {
    checkpoint: { latest: { resources: (Props & { type: string; inputs?: Props; outputs?: Props })[] } };
  };
  const resources = checkpoint.checkpoint.latest.resources.filter(
    (resource) => resource.type === RESOURCE_TYPE[fixture.program],
  );
  if (resources.length !== n)
    throw new Error(`bench: expected ${n} resources in state, found ${resources.length}`);
  const per = (measure: (resource: (typeof resources)[number]) => number) => median(resources.map(measure));
  return {
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
