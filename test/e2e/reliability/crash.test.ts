/**
 * A `pulumi up` with per-step checkpoints (Pulumi's default) killed halfway with SIGKILL (CLI,
 * language host and provider together, as an OOM kill or a cancelled CI runner would do it),
 * then the recovery of docs/recovery.md ("Recovering from an interrupted `pulumi up`"), read from it
 * and run as written: `pulumi cancel`, `pulumi up`, `pulumi refresh --clear-pending-creates`.
 *
 * The killed run leaves pending creates: resources whose POST was sent but whose result never
 * reached state. Pulumi 3.274's `up` warns ("Attempting to deploy or update resources with N
 * pending operations") and plans those resources as creates again; the derived IDs make those
 * creates meet the killed run's webhooks, which they take over. The pending records themselves
 * stay in state until a refresh clears them (a non-interactive `pulumi refresh` alone does not:
 * "`pulumi refresh` will need to be run interactively to clear pending CREATE operations").
 * The result must converge: exactly the declared webhooks, each in state once, no orphan, no
 * duplicate, no pending operation, every key in state verifying a delivery.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { provisionEngine, type StackFixture } from "../../support/engine";
import { PROJECT, startWorld, url, webhookStack, type World } from "../fixture";
import { assertConverged, checkpointOf, type Declared } from "./support";
import { snippet } from "../../docs/snippets";
import { killHalfway, recoverAsDocumented } from "./crash-support";

/** The documented recovery (docs/recovery.md), as written. */
const RECOVERY = {
  recover: snippet("recover-interrupted-up").text,
  tornCheckpointFix: snippet("recover-torn-checkpoint").text,
};

const N = 30;
/** Latency per create, so the up lasts a few seconds and is killed with creates in flight. */
const CREATE_LATENCY_MS = 300;

let bin: string;
let world: World;
let fixture: StackFixture;

beforeAll(async () => {
  bin = await provisionEngine();
  world = await startWorld();
});
afterAll(async () => {
  world?.emulator.clearFaults();
  // The emulator goes away with the stacks: destroying them first would assert nothing.
  fixture?.discard();
  await world?.close();
});

/** Webhooks with derived IDs (the default), or declared ones as GitOps declares them. */
const webhooksOf = (ids: "derived" | "declared"): Record<string, Declared> =>
  Object.fromEntries(
    Array.from({ length: N }, (_, i) => [
      `crash${i}`,
      {
        name: `crash ${i}`,
        url: url(`/crash-${ids}/${i}`),
        events: ["users.*.create"],
        ...(ids === "declared" ? { webhookId: `crash-${i}` } : {}),
      },
    ]),
  );

it.each(["derived", "declared"] as const)(
  "an up killed halfway converges after the documented recovery (%s IDs): cancel, up, clear the pending creates",
  async (ids) => {
    const declared = webhooksOf(ids);
    await fixture?.dispose();
    fixture = await webhookStack(world, declared);
    world.emulator.injectFault({
      kind: "latency",
      method: "POST",
      path: /^\/v1\/webhooks$/,
      latencyMs: CREATE_LATENCY_MS,
    });
    const live = () => world.emulator.webhooks(PROJECT);
    await killHalfway(bin, fixture, "pulumi up --yes", () => live().length >= N / 2);
    world.emulator.clearFaults();

    const crashed = checkpointOf(fixture);
    const inState = (crashed.resources ?? []).filter((r) => r.type.endsWith("Webhook")).length;
    const pendingCreates = (crashed.pending_operations ?? []).filter((op) => op.type === "creating");
    console.log(
      `crash, ${ids} IDs: after the kill ${live().length} webhooks on the server, ${inState} in state, ` +
        `${pendingCreates.length} pending creates`,
    );
    expect(pendingCreates.length).toBeGreaterThan(0);
    // Webhooks the state does not know: the orphans a naive recovery would leave behind.
    expect(live().length).toBeGreaterThan(inState);

    const recovery = await recoverAsDocumented(bin, fixture, RECOVERY);
    expect(recovery.code, recovery.output).toBe(0);
    console.log(
      `crash recovery: ${recovery.ms} ms` +
        (recovery.tornCheckpoint ? " (torn checkpoint metadata removed)" : ""),
    );

    await assertConverged(world, [{ stack: fixture.stack, declared }]);
    expect(live()).toHaveLength(N);
    expect(checkpointOf(fixture).pending_operations ?? []).toEqual([]);
  },
);
