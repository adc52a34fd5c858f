/**
 * One benchmark run: for each N and each run, every selected door (ours beside its floor) in
 * every selected checkpoint mode, the crash recovery of each per-resource door, and the API floor
 * with the official SDK (at the engine's parallelism, and at a set's concurrency when a set door
 * runs), interleaved so that drift in the machine's load affects all alike. Returns raw samples
 * and their summaries.
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { DEFAULT_CONCURRENCY } from "../../provider/lifecycle/webhook-set/types";
import { provisionEngine } from "../support/engine";
import { API_PHASES, runApiFloor, type ApiPhase, type ApiSample } from "./api-floor";
import { measureCrashRecovery, type CrashSample } from "./crash";
import {
  doorSpec,
  installExecutable,
  isSetDoor,
  NATIVE_PLUGIN,
  nativePluginDir,
  programEnv,
  REQUEST_FLOOR_PROGRAM,
  type Door,
  type DoorSetup,
  type Mode,
  type Side,
} from "./doors";
import {
  EDITS,
  ENGINE_OPS,
  openBenchStack,
  runCycle,
  setMode,
  startBenchWorld,
  type BenchStack,
  type CommandSample,
  type EngineOp,
  type StateMetrics,
} from "./harness";
import { describeMachine, profileRequire, type Machine, type RequireProfile } from "./machine";
import { measurePluginStart, type PluginStart } from "./plugin-start";
import { REQUEST_FLOOR_OPS, requestFloorEnv, runRequestFloor } from "./request-floor";
import type { ProcessRole } from "./proc";
import { stat, statOf, type Stat } from "./stats";

export interface BenchOptions {
  /** N values, ascending. */
  sizes: number[];
  doors: Door[];
  modes: Mode[];
  /** Runs per N; each run measures every door in every mode once. */
  runs: Record<number, number>;
  /** Per mode and N, how many of the runs include the update of all N (default: all). */
  updateRuns?: Partial<Record<Mode, Record<number, number>>>;
  /** The N at which crash recovery is measured, once per run and per-resource door (default: none). */
  crashSizes?: number[];
  /** How many webhooks each cycle's `edit` and `rotate` change (default 50; 0 leaves both out). */
  edits?: number;
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
  /** VmHWM of the largest process of each role, MiB. */
  peakRssMb: Record<string, Stat>;
}

export interface ApiSummary {
  ms: Stat;
  requests: Stat;
  connectionsOpened: Stat;
}

export type StateSummary = Record<keyof StateMetrics, Stat>;

/** One door in one checkpoint mode: ours and its floor. */
export interface CellResult {
  door: Door;
  mode: Mode;
  updateRuns: number;
  ours: Record<EngineOp, OpSummary>;
  floor: Record<EngineOp, OpSummary>;
  state: { ours: StateSummary; floor: StateSummary };
}

export interface CrashResult {
  door: Door;
  recoveryMs: Stat;
  recoveryRequests: Stat;
  /** Webhooks on the server beyond N after the converging `up`: what the killed run orphaned. */
  orphans: Stat;
  samples: CrashSample[];
}

export interface TaggedSample extends CommandSample {
  door: Door;
  mode: Mode;
  side: Side;
}

export interface SizeResult {
  n: number;
  runs: number;
  cells: CellResult[];
  crash: CrashResult[];
  api: Record<ApiPhase, ApiSummary>;
  /**
   * The requests alone at a set's concurrency (options.setConcurrency in flight, the same SDK
   * and emulator), when a set door ran: what a set's `up` and `destroy` cannot go below.
   */
  setApi?: Record<ApiPhase, ApiSummary>;
  /** The one-request dynamic provider without checkpoints (./request-floor), when the dynamic door ran. */
  requestFloor?: Record<(typeof REQUEST_FLOOR_OPS)[number], Stat>;
  samples: {
    commands: TaggedSample[];
    api: ApiSample[];
    setApi?: ApiSample[];
    requestFloor: CommandSample[];
  };
}

export interface BenchResults {
  startedAt: string;
  wallSeconds: number;
  options: {
    sizes: number[];
    doors: Door[];
    modes: Mode[];
    runs: Record<number, number>;
    crashSizes: number[];
    repeats: number;
    latencyMs: number;
    parallel: number;
    /** A set's requests in flight (its default `concurrency`, which the set programs keep). */
    setConcurrency: number;
    /** Webhooks each cycle's `edit` and `rotate` change (at most N). */
    edits: number;
  };
  machine: Machine;
  requireProfile?: RequireProfile;
  /** The two plugins' own start (launch → port), alternating, when both plugin doors ran. */
  pluginStart?: PluginStart;
  sizes: SizeResult[];
  /**
   * Further measurements that other bench modules attach (such as the receiver's verify timings
   * per JS runtime), each rendered by the report as its own section.
   */
  extra?: Record<string, { title: string; markdown: string[]; data: unknown }>;
}

export const ENGINE_DEFAULT_PARALLEL = 4 * availableParallelism();

function summarizeOps(samples: CommandSample[]): Record<EngineOp, OpSummary> {
  const result = {} as Record<EngineOp, OpSummary>;
  for (const op of ENGINE_OPS) {
    const of = samples.filter((sample) => sample.op === op);
    const routes = new Set(of.flatMap((sample) => Object.keys(sample.requests)));
    const roles = new Set(of.flatMap((sample) => Object.keys(sample.cpuMs)));
    const rssRoles = new Set(of.flatMap((sample) => Object.keys(sample.peakRssMb)));
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
      peakRssMb: Object.fromEntries(
        [...rssRoles].map((role) => [role, stat(of.map((s) => s.peakRssMb[role as ProcessRole]))]),
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

function summarizeCrash(door: Door, n: number, samples: CrashSample[]): CrashResult {
  return {
    door,
    recoveryMs: stat(samples.map((s) => s.recovery.ms)),
    recoveryRequests: stat(samples.map((s) => s.recovery.requests["total"] ?? 0)),
    orphans: stat(samples.map((s) => s.webhooksOnServer - n)),
    samples,
  };
}

/**
 * Aborts the bench unless the engine ran `executable` as the provider of every command that
 * started one: the figures of the executable door must be the installed executable's.
 */
export function expectProvider(samples: CommandSample[], executable: string): void {
  const commands = samples.flatMap((sample) => (sample.providerCommand ? [sample.providerCommand] : []));
  const other = commands.find((command) => command.split(" ")[0] !== executable);
  if (commands.length === 0 || other !== undefined) {
    throw new Error(
      `bench: the executable door's provider should be ${executable}, the engine ran ${other ?? "none"}`,
    );
  }
}

export async function runBench(options: BenchOptions): Promise<BenchResults> {
  const log = options.log ?? (() => undefined);
  const parallel = options.parallel ?? ENGINE_DEFAULT_PARALLEL;
  const crashSizes = options.crashSizes ?? [];
  const started = performance.now();
  const startedAt = new Date().toISOString();
  // Fails before any measurement when a selected door cannot run.
  const setup: DoorSetup = {};
  const plugins = new Set(options.doors.map((door) => doorSpec(door).plugin));
  if (plugins.has("native")) setup.pluginDir = nativePluginDir();
  const bin = await provisionEngine({ showProgress: true });
  if (plugins.has("executable")) setup.executable = await installExecutable(bin, log);
  const setDoors = options.doors.filter(isSetDoor);
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
      /** By `door/side`; the request floor's by its program. */
      const stacks = new Map<string, BenchStack>();
      const commands: TaggedSample[] = [];
      const states = new Map<string, StateMetrics[]>();
      const crashSamples = new Map<Door, CrashSample[]>();
      const api: ApiSample[] = [];
      const setApi: ApiSample[] = [];
      const requestFloor: CommandSample[] = [];
      const updateRuns = (mode: Mode) => Math.min(runs, options.updateRuns?.[mode]?.[n] ?? runs);
      try {
        for (const door of options.doors) {
          const spec = doorSpec(door);
          for (const side of ["ours", "floor"] as const) {
            stacks.set(
              `${door}/${side}`,
              await openBenchStack(world, spec[side], n, programEnv(door, bin, setup), spec),
            );
          }
        }
        if (options.doors.includes("dynamic")) {
          stacks.set(
            REQUEST_FLOOR_PROGRAM.program,
            await openBenchStack(world, REQUEST_FLOOR_PROGRAM, n, requestFloorEnv(world)),
          );
        }
        for (let run = 0; run < runs; run++) {
          for (const mode of options.modes) {
            for (const door of options.doors) {
              // Alternate which side goes first, so a trend in the machine's load cancels out.
              const order: Side[] = run % 2 === 0 ? ["ours", "floor"] : ["floor", "ours"];
              for (const side of order) {
                const fixture = stacks.get(`${door}/${side}`) as BenchStack;
                setMode(fixture, mode);
                const cycleStarted = performance.now();
                const cycle = await runCycle(world, fixture, n, {
                  parallel,
                  repeats: options.repeats,
                  update: run < updateRuns(mode),
                  ...(options.edits !== undefined ? { edits: options.edits } : {}),
                });
                if (doorSpec(door).plugin === "executable" && side === "ours" && setup.executable)
                  expectProvider(cycle.samples, setup.executable.executable);
                commands.push(...cycle.samples.map((sample) => ({ ...sample, door, mode, side })));
                const key = `${door}/${mode}/${side}`;
                states.set(key, [...(states.get(key) ?? []), cycle.state]);
                log(
                  `N=${n} run ${run + 1}/${runs} ${door} ${mode} ${side}: ${((performance.now() - cycleStarted) / 1000).toFixed(1)} s`,
                );
              }
            }
          }
          if (crashSizes.includes(n)) {
            for (const door of options.doors.filter((d) => !isSetDoor(d))) {
              const crash = await measureCrashRecovery(world, stacks.get(`${door}/ours`) as BenchStack, n);
              crashSamples.set(door, [...(crashSamples.get(door) ?? []), crash]);
              log(
                `N=${n} run ${run + 1}/${runs} ${door} crash recovery: ${(crash.recovery.ms / 1000).toFixed(1)} s, ${crash.webhooksOnServer} webhooks for ${n}`,
              );
            }
          }
          const oneFetch = stacks.get(REQUEST_FLOOR_PROGRAM.program);
          if (oneFetch) {
            const samples = await runRequestFloor(world, oneFetch, n, parallel);
            requestFloor.push(...samples);
            log(
              `N=${n} run ${run + 1}/${runs} request floor: ${samples.map((s) => `${s.op} ${(s.ms / 1000).toFixed(1)} s`).join(", ")}`,
            );
          }
          api.push(...(await runApiFloor(world, n, parallel, `${n}r${run}`)));
          if (setDoors.length > 0) {
            const samples = await runApiFloor(world, n, DEFAULT_CONCURRENCY, `${n}r${run}set`);
            setApi.push(...samples);
            log(
              `N=${n} run ${run + 1}/${runs} requests alone at ${DEFAULT_CONCURRENCY} in flight: ${samples.map((s) => `${s.phase} ${(s.ms / 1000).toFixed(2)} s`).join(", ")}`,
            );
          }
        }
      } finally {
        for (const fixture of stacks.values()) setMode(fixture, "skip");
        await Promise.all([...stacks.values()].map((fixture) => fixture.dispose()));
      }
      const cells: CellResult[] = [];
      for (const mode of options.modes) {
        for (const door of options.doors) {
          const of = (side: Side) =>
            commands.filter((c) => c.door === door && c.mode === mode && c.side === side);
          const stateOf = (side: Side) => summarizeState(states.get(`${door}/${mode}/${side}`) ?? []);
          cells.push({
            door,
            mode,
            updateRuns: updateRuns(mode),
            ours: summarizeOps(of("ours")),
            floor: summarizeOps(of("floor")),
            state: { ours: stateOf("ours"), floor: stateOf("floor") },
          });
        }
      }
      sizes.push({
        n,
        runs,
        cells,
        crash: [...crashSamples].map(([door, samples]) => summarizeCrash(door, n, samples)),
        api: summarizeApi(api),
        ...(setApi.length > 0 ? { setApi: summarizeApi(setApi) } : {}),
        ...(requestFloor.length > 0
          ? {
              requestFloor: Object.fromEntries(
                REQUEST_FLOOR_OPS.map((op) => [
                  op,
                  stat(requestFloor.filter((s) => s.op === op).map((s) => s.ms)),
                ]),
              ) as Record<(typeof REQUEST_FLOOR_OPS)[number], Stat>,
            }
          : {}),
        samples: { commands, api, ...(setApi.length > 0 ? { setApi } : {}), requestFloor },
      });
    }
  } finally {
    await world.close();
  }
  let pluginStart: PluginStart | undefined;
  if (setup.pluginDir && setup.executable) {
    log("timing both plugins' own start, alternating");
    pluginStart = await measurePluginStart({
      node: join(setup.pluginDir, NATIVE_PLUGIN),
      executable: setup.executable.executable,
      path: programEnv("native", bin, setup)["PATH"] ?? "",
    });
  }
  return {
    startedAt,
    wallSeconds: (performance.now() - started) / 1000,
    options: {
      sizes: options.sizes,
      doors: options.doors,
      modes: options.modes,
      runs: options.runs,
      crashSizes,
      repeats: options.repeats,
      latencyMs: options.latencyMs,
      parallel,
      setConcurrency: DEFAULT_CONCURRENCY,
      edits: options.edits ?? EDITS,
    },
    machine,
    ...(requireProfile ? { requireProfile } : {}),
    ...(pluginStart ? { pluginStart } : {}),
    sizes,
  };
}

/** The cell of one door and mode at one N, or undefined when it was not measured. */
export function cellOf(size: SizeResult, door: Door, mode: Mode): CellResult | undefined {
  return size.cells.find((cell) => cell.door === door && cell.mode === mode);
}
