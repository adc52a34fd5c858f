/**
 * Crash safety with `PULUMI_SKIP_CHECKPOINTS=true` (docs/performance-and-large-stacks.md, "Large stacks"): the engine then writes
 * state only at the end, so a run killed halfway leaves the previous state and nothing of what it
 * did. Each command is killed with SIGKILL (CLI, language host and provider together) halfway,
 * then docs/recovery.md's commands run as written, and the stack must converge: exactly the
 * declared webhooks, none twice, state equal to the server, and every key in state the key the
 * server signs with (checked against the emulator and by a signed delivery).
 *
 * Before derived IDs and the idempotent create, a killed `up` of 100 followed by a plain `up`
 * left 144–145 webhooks: the next run picked new IDs for the creates it had no record of.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionEngine, type StackFixture } from "../../support/engine";
import { PROJECT, declare, startWorld, url, webhookStack, type World } from "../fixture";
import { assertConverged, checkpointOf, engine, succeeded, webhookStates, type Declared } from "./support";
import { snippet } from "../../docs/snippets";
import { killHalfway, recoverAsDocumented } from "./crash-support";

/** The documented recovery (docs/recovery.md), as written. */
const RECOVERY = {
  recover: snippet("recover-interrupted-up").text,
  tornCheckpointFix: snippet("recover-torn-checkpoint").text,
};

const SKIP_CHECKPOINTS = { PULUMI_SKIP_CHECKPOINTS: "true" };
const UP = "pulumi up --yes --skip-preview";
/** Latency per write, so each command lasts long enough to be killed with writes in flight. */
const WRITE_LATENCY_MS = 150;

let bin: string;
let world: World;
const fixtures: StackFixture[] = [];

beforeAll(async () => {
  bin = await provisionEngine();
  world = await startWorld();
});
afterAll(async () => {
  world?.emulator.clearFaults();
  // The emulator goes away with the stacks: destroying them first would assert nothing.
  for (const fixture of fixtures) fixture.discard();
  await world?.close();
});

function many(prefix: string, n: number, extra: (i: number) => Partial<Declared> = () => ({})) {
  return Object.fromEntries(
    Array.from({ length: n }, (_, i): [string, Declared] => [
      `${prefix}${i}`,
      { name: `${prefix} ${i}`, url: url(`/${prefix}/${i}`), events: ["users.*.create"], ...extra(i) },
    ]),
  );
}

async function stackOf(declared: Record<string, Declared>): Promise<StackFixture> {
  const fixture = await webhookStack(world, declared, {}, SKIP_CHECKPOINTS);
  fixtures.push(fixture);
  return fixture;
}

const live = () => world.emulator.webhooks(PROJECT);
const slowWrites = (method: string, path: RegExp) =>
  world.emulator.injectFault({ kind: "latency", method, path, latencyMs: WRITE_LATENCY_MS });

/** The documented recovery, as written; `command` swaps the final `pulumi up` for another command. */
async function recover(fixture: StackFixture, command = "up") {
  const run = await recoverAsDocumented(bin, fixture, RECOVERY, command);
  expect(run.code, run.output).toBe(0);
  return run;
}

describe("killed halfway with PULUMI_SKIP_CHECKPOINTS=true", () => {
  // Derived IDs (the default) and declared ones (GitOps's `<idPrefix><id>`) are found again alike:
  // one stack of both, alternating, so the run killed halfway has left orphans of each kind.
  it("an up of 100, derived and declared IDs: the documented recovery ends with exactly 100 webhooks, each key in force", async () => {
    const declared = many("bulk", 100, (i) => (i % 2 === 0 ? {} : { webhookId: `gitops-${i}` }));
    const fixture = await stackOf(declared);
    slowWrites("POST", /^\/v1\/webhooks$/);
    const up = snippet("large-stacks-up").text;
    const killed = await killHalfway(bin, fixture, up, () => live().length >= 50);
    world.emulator.clearFaults();
    const orphans = live().length;
    // The previous state (empty) is all there is: every webhook the run made is unknown to it.
    expect(checkpointOf(fixture).resources ?? []).toEqual([]);
    expect(orphans).toBeGreaterThanOrEqual(50);
    expect(orphans).toBeLessThan(100);
    const declaredOrphans = live().filter((w) => w.$id.startsWith("gitops-")).length;
    expect(declaredOrphans, "orphans under declared IDs").toBeGreaterThan(0);
    expect(orphans - declaredOrphans, "orphans under derived IDs").toBeGreaterThan(0);

    const run = await recover(fixture);
    console.log(
      `no checkpoints, up of 100 killed after ${killed.ranMs} ms with ${orphans} webhooks made ` +
        `(${declaredOrphans} under declared IDs); recovery took ${run.ms} ms`,
    );
    expect(live()).toHaveLength(100);
    await assertConverged(world, [{ stack: fixture.stack, declared }]);
    succeeded(await engine(fixture.stack, "destroy"));
    expect(live()).toEqual([]);
  });

  it("an update, a rotation and a destroy, each killed halfway, converge after the same recovery", async () => {
    const N = 16;
    let declared = many("small", N);
    const fixture = await stackOf(declared);
    succeeded(await engine(fixture.stack, "up"));

    // Update: every URL moves; the kill comes with half of the PUTs applied.
    declared = many("small", N, (i) => ({ url: url(`/small-v2/${i}`) }));
    await declare(fixture.stack, declared);
    slowWrites("PUT", /^\/v1\/webhooks\//);
    await killHalfway(bin, fixture, UP, () => moved() >= N / 2);
    world.emulator.clearFaults();
    expect(moved()).toBeLessThan(N);
    await recover(fixture);
    await assertConverged(world, [{ stack: fixture.stack, declared }]);

    // Rotation: half of the webhooks sign with a key no state holds when the run dies.
    const keysBefore = new Map((await webhookStates(fixture.stack)).map((s) => [s.id, s.outputs.secret]));
    const rotatedOnServer = () => live().filter((w) => keysBefore.get(w.$id) !== w.secret).length;
    declared = Object.fromEntries(
      Object.entries(declared).map(([k, v]) => [k, { ...v, rotationTrigger: 2 }]),
    );
    await declare(fixture.stack, declared);
    slowWrites("PATCH", /^\/v1\/webhooks\/.*\/secret$/);
    await killHalfway(bin, fixture, UP, () => rotatedOnServer() >= N / 2);
    world.emulator.clearFaults();
    expect(rotatedOnServer()).toBeLessThan(N);
    await recover(fixture);
    await assertConverged(world, [{ stack: fixture.stack, declared }]);
    const rotated = await webhookStates(fixture.stack);
    for (const state of rotated) expect(state.outputs.secret).not.toBe(keysBefore.get(state.id));

    // Destroy: half of the webhooks are gone and state still lists them all.
    slowWrites("DELETE", /^\/v1\/webhooks\//);
    await killHalfway(bin, fixture, "pulumi destroy --yes --skip-preview", () => live().length <= N / 2);
    world.emulator.clearFaults();
    expect(live().length).toBeGreaterThan(0);
    await recover(fixture, "destroy");
    expect(live()).toEqual([]);
    expect(await webhookStates(fixture.stack)).toEqual([]);

    function moved(): number {
      return live().filter((w) => w.url.includes("/small-v2/")).length;
    }
  });
});
