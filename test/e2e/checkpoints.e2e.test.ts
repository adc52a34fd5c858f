/**
 * An unchanged webhook must not cost a checkpoint. The engine rewrites the whole checkpoint for
 * every unchanged resource whose checked inputs differ from its state (Pulumi's
 * sameSnapshotMutation.mustWrite), so a check that is not stable turns a no-change `up` of N
 * webhooks into N rewrites of a file that grows with N. Counted with the file backend's
 * PULUMI_RETAIN_CHECKPOINTS, which keeps a copy of every checkpoint it writes.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionEngine, type StackFixture } from "../support/engine";
import { startWorld, url, webhookStack, type World } from "./fixture";

const PER_DOOR = 5;

let world: World;
let fixture: StackFixture;

/** Checkpoint files the backend has written so far (the live one and each retained copy). */
function checkpointWrites(): number {
  const stacks = join(fixture.backendDir, ".pulumi", "stacks");
  return (readdirSync(stacks, { recursive: true }) as string[]).filter((path) => /\.json\.\d+$/.test(path))
    .length;
}

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
  const webhooks: Record<string, Record<string, unknown>> = {};
  for (const door of ["dynamic", "native"]) {
    for (let i = 0; i < PER_DOOR; i++) {
      webhooks[`${door}${i}`] = {
        name: `${door} ${i}`,
        url: url(`/${door}/${i}`),
        events: ["users.*.create"],
        door,
      };
    }
  }
  fixture = await webhookStack(world, webhooks, {}, { PULUMI_RETAIN_CHECKPOINTS: "true" });
});
afterAll(async () => {
  // The emulator goes away with the stacks: destroying them first would assert nothing.
  fixture?.discard();
  await world?.close();
});

describe("checkpoints of an unchanged stack", () => {
  it("a no-change up writes no checkpoint per webhook, in either door", async () => {
    await fixture.stack.up({ onOutput: () => undefined });
    const afterCreate = checkpointWrites();
    // Creating 2 × PER_DOOR webhooks wrote at least one checkpoint per step: the counter works.
    expect(afterCreate).toBeGreaterThan(2 * PER_DOOR);
    const result = await fixture.stack.up({ onOutput: () => undefined });
    expect(result.summary.resourceChanges).toEqual({ same: 2 * PER_DOOR + 1 });
    // The start and the end of the update; one more per webhook would mean unstable inputs.
    expect(checkpointWrites() - afterCreate).toBeLessThanOrEqual(2);
  });
});
