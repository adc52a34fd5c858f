/**
 * Crash recovery without checkpoints: an `up` of N with PULUMI_SKIP_CHECKPOINTS=true is killed
 * (SIGKILL, every process of the command: engine, language host, program, provider) once half
 * of the creates reached the API; its stack lock is released, and the `up` that follows, in the
 * same mode, is timed until it converges. The killed run wrote no state, so the next one creates all N again: with
 * deterministic IDs and an idempotent create it finds the webhooks the killed run made; without,
 * they are orphans, which the result counts (and the bench then deletes from the emulator, so
 * the next phase starts from an empty project).
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import {
  PROJECT,
  setMode,
  setShape,
  SHAPE_ZERO,
  timeCommand,
  type BenchStack,
  type BenchWorld,
  type CommandSample,
} from "./harness";
import { ProcessMonitor } from "./proc";

export interface CrashSample {
  /** Creates the API had received when the killed run was killed. */
  createsBeforeKill: number;
  /** The converging `up`: time, requests, processes. */
  recovery: CommandSample;
  /** Resources of the program's type in state after the converging `up`. */
  resourcesInState: number;
  /** Webhooks in the project after the converging `up` (N when nothing was orphaned). */
  webhooksOnServer: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Creates so far, by route, for the dynamic and the native door alike. */
const creates = (world: BenchWorld): number => world.emulator.counters()["POST /v1/webhooks"] ?? 0;

export async function measureCrashRecovery(
  world: BenchWorld,
  fixture: BenchStack,
  n: number,
): Promise<CrashSample> {
  const { stack } = fixture;
  const quiet = { onOutput: () => undefined };
  setMode(fixture, "skip");
  await setShape(fixture, SHAPE_ZERO);
  world.emulator.resetCounters();
  const monitor = new ProcessMonitor(fixture.workDir);
  monitor.start();
  const killed = stack.up(quiet).then(
    () => "finished",
    () => "killed",
  );
  const deadline = Date.now() + 10 * 60_000;
  while (creates(world) < n / 2) {
    if (Date.now() > deadline) throw new Error(`bench: crash run never reached ${n / 2} creates`);
    await sleep(5);
  }
  const createsBeforeKill = creates(world);
  // Only the processes of this command: found by the stack's working directory (see ./proc).
  for (const record of monitor.snapshot()) {
    try {
      process.kill(record.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
  monitor.stop();
  if ((await killed) !== "killed") throw new Error("bench: the `up` to kill finished before it was killed");
  // The killed engine left its stack lock, as after any crash: released as a user would, with
  // `pulumi cancel`, or by removing the file backend's lock file when cancel refuses.
  try {
    await stack.cancel();
  } catch {
    rmSync(join(fixture.backendDir, ".pulumi", "locks"), { recursive: true, force: true });
  }

  const recovery = await timeCommand(
    world,
    fixture,
    "up",
    async () => (await stack.up(quiet)).summary.resourceChanges,
  );
  const checkpoint = (await stack.exportStack()).deployment as { resources?: { type: string }[] };
  const sample: CrashSample = {
    createsBeforeKill,
    recovery,
    resourcesInState: checkpoint.resources?.filter((r) => r.type === fixture.resourceType).length ?? 0,
    webhooksOnServer: world.emulator.webhooks(PROJECT).length,
  };
  await stack.destroy(quiet);
  for (const webhook of world.emulator.webhooks(PROJECT)) world.emulator.deleteWebhook(webhook.$id);
  return sample;
}
