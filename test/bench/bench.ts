/**
 * One benchmark run: for each N, `runs` cycles of our program and of the no-op program on the
 * real engine, and the API floor with the official SDK, interleaved so that drift in the
 * machine's load affects all three alike. Returns raw samples and their summaries.
 */
import { availableParallelism } from "node:os";
import { provisionEngine, type StackFixture } from "../support/engine";
import { API_PHASES, runApiFloor, type ApiPhase, type ApiSample } from "./api-floor";
import {
  ENGINE_OPS,
  openBenchStack,
  runCycle,
  startBenchWorld,
  type CommandSample,
  type EngineOp,
  type Program,
  type StateMetrics,
} from "./harness";
import { describeMachine, profileRequire, type Machine, type RequireProfile } from "./machine";
import { stat, statOf, type Stat } from "./stats";

export interface BenchOptions {
  /** N values, ascending. */
  sizes: number[];
  /** Cycles per N. */
  runs: Record<number, number>;
  /** How many of those cycles include the update of all N (default: all). */
  updateRuns?: Record<number, number>;
  /** Preview and refresh repetitions inside each cycle. */
  repeats: number;
  latencyMs: number;
  /**
   * `--parallel` for every Pulumi command and the SDK's concurrency. Default: the engine's own
   * default, 4 × the CPUs Go sees (pkg/cmd/pulumi/operations/up.go, defaultParallel), passed
   * explicitly so both sides are certain to use the same figure.
   */
  parallel?: number;
  /** Also profile the runtime's require time (fresh processes; a few seconds). */
  profile?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface OpSummary {
  ms: Stat;
  requests: Stat;
  requestsByRoute: Record<string, Stat>;
  connectionsOpened: Stat;
  peakConnections: Stat;
  coldStartMs?: Stat;
  launcherMs?: Stat;
  providerToFirstRequestMs?: Stat;
  providerPeakRssMb?: Stat;
  cpuMs: Record<string, Stat>;
}

export interface ApiSummary {
  ms: Stat;
  requests: Stat;
  connectionsOpened: Stat;
}

export type StateSummary = Record<keyof StateMetrics, Stat>;

export interface SizeResult {
  n: number;
  runs: number;
  updateRuns: number;
  ours: Record<EngineOp, OpSummary>;
  floor: Record<EngineOp, OpSummary>;
  api: Record<ApiPhase, ApiSummary>;
  state: { ours: StateSummary; floor: StateSummary };
  samples: { ours: CommandSample[]; floor: CommandSample[]; api: ApiSample[] };
}

export interface BenchResults {
  startedAt: string;
  wallSeconds: number;
  options: {
    sizes: number[];
    runs: Record<number, number>;
    updateRuns: Record<number, number>;
    repeats: number;
    latencyMs: number;
    parallel: number;
  };
  machine: Machine;
  requireProfile?: RequireProfile;
  sizes: SizeResult[];
}

export const ENGINE_DEFAULT_PARALLEL = 4 * availableParallelism();

function summarizeOps(samples: CommandSample[]): Record<EngineOp, OpSummary> {
  const result = {} as Record<EngineOp, OpSummary>;
  for (const op of ENGINE_OPS) {
    const of = samples.filter((sample) => sample.op === op);
    const routes = new Set(of.flatMap((sample) => Object.keys(sample.requests)));
    const roles = new Set(of.flatMap((sample) => Object.keys(sample.cpuMs)));
    const summary: OpSummary = {
      ms: stat(of.map((s) => s.ms)),
      requests: stat(of.map((s) => s.requests["total"] ?? 0)),
      requestsByRoute: Object.fromEntries(
        [...routes].filter((r) => r !== "total").map((r) => [r, stat(of.map((s) => s.requests[r] ?? 0))]),
      ),
      connectionsOpened: stat(of.map((s) => s.connections.opened)),
      peakConnections: stat(of.map((s) => s.connections.peakOpen)),
      cpuMs: Object.fromEntries(
        [...roles].map((role) => [role, stat(of.map((s) => s.cpuMs[role as "engine"]))]),
      ),
    };
    const optional = {
      coldStartMs: statOf(of.map((s) => s.coldStartMs)),
      launcherMs: statOf(of.map((s) => s.launcherMs)),
      providerToFirstRequestMs: statOf(of.map((s) => s.providerToFirstRequestMs)),
      providerPeakRssMb: statOf(of.map((s) => s.providerPeakRssMb)),
    };
    for (const [key, value] of Object.entries(optional)) if (value) Object.assign(summary, { [key]: value });
    result[op] = summary;
  }
  return result;
}

function summarizeApi(samples: ApiSample[]): Record<ApiPhase, ApiSummary> {
  const result = {} as Record<ApiPhase, ApiSummary>;
  for (const phase of API_PHASES) {
    const of = samples.filter((sample) => sample.phase === phase);
    result[phase] = {
      ms: stat(of.map((s) => s.ms)),
      requests: stat(of.map((s) => s.requests)),
      connectionsOpened: stat(of.map((s) => s.connections.opened)),
    };
  }
  return result;
}

function summarizeState(states: StateMetrics[]): StateSummary {
  const keys = Object.keys(states[0] ?? {}) as (keyof StateMetrics)[];
  return Object.fromEntries(keys.map((key) => [key, stat(states.map((s) => s[key]))])) as StateSummary;
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const log = options.log ?? (() => undefined);
  const parallel = options.parallel ?? ENGINE_DEFAULT_PARALLEL;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const bin = await provisionEngine({ showProgress: true });
  const machine = describeMachine(bin);
  let requireProfile: RequireProfile | undefined;
  if (options.profile) {
    log("profiling the runtime's require time");
    requireProfile = profileRequire();
  }

  const world = await startBenchWorld(options.latencyMs);
  const sizes: SizeResult[] = [];
  try {
    for (const n of options.sizes) {
      const runs = options.runs[n] ?? 1;
      const updateRuns = Math.min(runs, options.updateRuns?.[n] ?? runs);
      const stacks: Partial<Record<Program, StackFixture>> = {};
      const samples = { ours: [] as CommandSample[], floor: [] as CommandSample[], api: [] as ApiSample[] };
      const states = { ours: [] as StateMetrics[], floor: [] as StateMetrics[] };
      try {
        stacks.webhooks = await openBenchStack(world, "webhooks", n);
        stacks.noop = await openBenchStack(world, "noop", n);
        for (let run = 0; run < runs; run++) {
          // Alternate which program goes first, so a trend in the machine's load cancels out.
          const order: Program[] = run % 2 === 0 ? ["webhooks", "noop"] : ["noop", "webhooks"];
          for (const program of order) {
            const cycleStarted = performance.now();
            const cycle = await runCycle(world, stacks[program] as StackFixture, n, {
              parallel,
              repeats: options.repeats,
              update: run < updateRuns,
            });
            const side = program === "webhooks" ? "ours" : "floor";
            samples[side].push(...cycle.samples);
            states[side].push(cycle.state);
            log(
              `N=${n} run ${run + 1}/${runs} ${program}: ${((performance.now() - cycleStarted) / 1000).toFixed(1)} s`,
            );
          }
          samples.api.push(...(await runApiFloor(world, n, parallel, `${n}r${run}`)));
        }
      } finally {
        await Promise.all(Object.values(stacks).map((fixture) => fixture.dispose()));
      }
      sizes.push({
        n,
        runs,
        updateRuns,
        ours: summarizeOps(samples.ours),
        floor: summarizeOps(samples.floor),
        api: summarizeApi(samples.api),
        state: { ours: summarizeState(states.ours), floor: summarizeState(states.floor) },
        samples,
      });
    }
  } finally {
    await world.close();
  }
  return {
    startedAt,
    wallSeconds: (performance.now() - started) / 1000,
    options: {
      sizes: options.sizes,
      runs: options.runs,
      updateRuns: Object.fromEntries(sizes.map((size) => [size.n, size.updateRuns])),
      repeats: options.repeats,
      latencyMs: options.latencyMs,
      parallel,
    },
    machine,
    ...(requireProfile ? { requireProfile } : {}),
    sizes,
  };
}
