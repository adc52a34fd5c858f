/**
 * Concurrency on the real engine:
 * - 200 webhooks in one `up` at the engine's default parallelism: every create lands once, IDs
 *   are unique, and state matches the server;
 * - two stacks on the same Appwrite project at once (Promise.all of two ups, then of a refresh
 *   each, then one stack changing while the other is destroyed): no cross-talk (each stack's
 *   state holds only its own webhooks, and one stack's operations never touch the other's), and
 *   IDs never collide.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionEngine, type StackFixture } from "../../support/engine";
import { PROJECT, declare, startWorld, url, webhookStack, type World } from "../fixture";
import { assertConverged, engine, succeeded, webhookStates, type Declared } from "./support";

let world: World;
const fixtures: StackFixture[] = [];

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
});
afterAll(async () => {
  // The emulator goes away with the stacks: destroying them first would assert nothing.
  for (const fixture of fixtures) fixture.discard();
  await world?.close();
});

function many(prefix: string, n: number, version = 1): Record<string, Declared> {
  return Object.fromEntries(
    Array.from({ length: n }, (_, i) => [
      `w${i}`,
      { name: `${prefix} ${i} v${version}`, url: url(`/${prefix}/${i}`), events: ["users.*.create"] },
    ]),
  );
}

/**
 * `stackName` matters: webhook IDs derive from the URN, so two stacks of one Pulumi project need
 * two names, as they have in real life (one name twice would be two copies of one stack).
 */
async function stackOf(declared: Record<string, Declared>, stackName?: string): Promise<StackFixture> {
  const fixture = await webhookStack(world, declared, {}, {}, stackName);
  fixtures.push(fixture);
  return fixture;
}

describe("concurrency", () => {
  it("200 webhooks in one up at the default parallelism", async () => {
    const declared = many("bulk", 200);
    const fixture = await stackOf(declared);
    world.emulator.resetCounters();
    const up = succeeded(await engine(fixture.stack, "up"));
    console.log(`200 webhooks: up in ${up.ms} ms, ${world.emulator.counters()["POST /v1/webhooks"]} POSTs`);
    // Each create was sent once: nothing to retry, nothing replayed.
    expect(world.emulator.counters()["POST /v1/webhooks"]).toBe(200);
    const ids = (await webhookStates(fixture.stack)).map((s) => s.id);
    expect(new Set(ids).size).toBe(200);
    await assertConverged(world, [{ stack: fixture.stack, declared }]);
    const destroy = succeeded(await engine(fixture.stack, "destroy"));
    console.log(`200 webhooks: destroy in ${destroy.ms} ms`);
    expect(world.emulator.webhooks(PROJECT)).toEqual([]);
  });

  it("two stacks on one project at once: no cross-talk, no ID collision", async () => {
    // Same resource names in both stacks, so any mix-up between them would show.
    let a = many("alpha", 20);
    const b = many("beta", 20);
    const [alpha, beta] = await Promise.all([stackOf(a, "alpha"), stackOf(b, "beta")]);
    if (!alpha || !beta) throw new Error("stacks not opened");

    await Promise.all([engine(alpha.stack, "up"), engine(beta.stack, "up")]).then((runs) =>
      runs.map(succeeded),
    );
    const both = [
      { stack: alpha.stack, declared: a },
      { stack: beta.stack, declared: b },
    ];
    await assertConverged(world, both);
    const idsA = (await webhookStates(alpha.stack)).map((s) => s.id);
    const idsB = (await webhookStates(beta.stack)).map((s) => s.id);
    expect(idsA.filter((id) => idsB.includes(id))).toEqual([]);

    // Concurrent refreshes: each sees exactly its own webhooks (the batched list of the project
    // holds the other stack's too; none of them may enter this stack's state).
    const refreshes = await Promise.all([engine(alpha.stack, "refresh"), engine(beta.stack, "refresh")]);
    refreshes.forEach(succeeded);
    expect((await webhookStates(alpha.stack)).map((s) => s.id).sort()).toEqual([...idsA].sort());
    expect((await webhookStates(beta.stack)).map((s) => s.id).sort()).toEqual([...idsB].sort());
    await assertConverged(world, both);

    // One stack renames and rotates while the other is destroyed.
    a = Object.fromEntries(
      Object.entries(many("alpha", 20, 2)).map(([name, spec]) => [name, { ...spec, rotationTrigger: 2 }]),
    );
    await declare(alpha.stack, a);
    const [changed, destroyed] = await Promise.all([
      engine(alpha.stack, "up"),
      engine(beta.stack, "destroy"),
    ]);
    succeeded(changed);
    succeeded(destroyed);
    expect(
      world.emulator
        .webhooks(PROJECT)
        .map((w) => w.$id)
        .sort(),
    ).toEqual([...idsA].sort());
    await assertConverged(world, [{ stack: alpha.stack, declared: a }]);
  });
});
