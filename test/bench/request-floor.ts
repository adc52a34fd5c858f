/**
 * The request floor: `up` and `destroy` of N resources of a dynamic provider that sends one bare
 * request per create and per delete and does nothing else (../programs/one-fetch), without
 * checkpoints. It is the least any dynamic provider can take for those commands on this engine
 * and machine, so beside it the no-op floor shows what the requests alone cost, and ours shows
 * what our provider adds to them.
 */
import {
  API_KEY,
  expectChanges,
  PROJECT,
  setMode,
  timeCommand,
  type BenchStack,
  type BenchWorld,
  type CommandSample,
} from "./harness";

export const REQUEST_FLOOR_OPS = ["up", "destroy"] as const;

/** The target, in the provider's environment rather than in inputs: nothing but the webhook's fields in state. */
export const requestFloorEnv = (world: BenchWorld): Record<string, string> => ({
  ONE_FETCH_ENDPOINT: world.endpoint,
  ONE_FETCH_PROJECT: PROJECT,
  ONE_FETCH_API_KEY: API_KEY,
});

export async function runRequestFloor(
  world: BenchWorld,
  fixture: BenchStack,
  n: number,
  parallel: number,
): Promise<CommandSample[]> {
  const quiet = { onOutput: () => undefined, parallel };
  setMode(fixture, "skip");
  const up = await timeCommand(world, fixture, "up", async () => {
    const changes = (await fixture.stack.up(quiet)).summary.resourceChanges;
    expectChanges("up", changes, "create", n + 1);
    return changes;
  });
  const destroy = await timeCommand(world, fixture, "destroy", async () => {
    const changes = (await fixture.destroy(quiet)).summary.resourceChanges;
    expectChanges("destroy", changes, "delete", n + 1);
    return changes;
  });
  return [up, destroy];
}
