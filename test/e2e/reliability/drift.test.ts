/**
 * Drift policy, as documented in docs/drift-and-failures.md ("Drift"):
 * - a webhook Appwrite auto-disabled after failed deliveries: `refresh` records enabled=false
 *   (and the attempts and log), `up` re-enables it;
 * - a webhook deleted in the console: `refresh` drops it from state, `up` creates it again;
 * - a signing key rotated outside Pulumi: undetectable (the API never returns keys), so refresh
 *   and preview see nothing, and deliveries no longer verify with the key in state; bumping
 *   `rotationTrigger` sets a new key, and the key in state verifies again.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionEngine, type StackFixture } from "../../support/engine";
import {
  PROJECT,
  RECEIVER_HOST,
  declare,
  signature,
  startWorld,
  url,
  webhookStack,
  type World,
} from "../fixture";
import { assertConverged, engine, succeeded, webhookStates, type Declared } from "./support";

let world: World;
let fixture: StackFixture;

const spec = (name: string, trigger = 1): Declared => ({
  name,
  url: url(`/drift/${name}`),
  // Only "disabled" hears team events, so only it fails while the receiver is away.
  events: name === "disabled" ? ["users.*.create", "teams.*"] : ["users.*.create"],
  rotationTrigger: trigger,
});
let declared: Record<string, Declared> = {
  disabled: spec("disabled"),
  deleted: spec("deleted"),
  rotated: spec("rotated"),
};

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
  fixture = await webhookStack(world, declared);
  succeeded(await engine(fixture.stack, "up"));
});
afterAll(async () => {
  // The emulator goes away with the stacks: destroying them first would assert nothing.
  fixture?.discard();
  await world?.close();
});

const stateOf = async (name: string) => {
  const state = (await webhookStates(fixture.stack)).find((s) => s.name === name);
  if (!state) throw new Error(`${name} is not in state`);
  return state;
};
const live = (id: string) => world.emulator.webhooks(PROJECT).find((w) => w.$id === id);

describe("drift", () => {
  it("an auto-disabled webhook: refresh reports enabled=false, up re-enables it", async () => {
    const { id } = await stateOf("disabled");
    // The receiver goes away: ten failed deliveries in a row make Appwrite disable the webhook.
    const receiverOrigin = world.receiver.origin;
    world.emulator.setHostRoutes({ [RECEIVER_HOST]: "http://127.0.0.1:9" });
    for (let i = 0; i < 10; i++) {
      await world.emulator.emit({ projectId: PROJECT, event: "teams.t1.create", payload: { $id: "t1" } });
    }
    world.emulator.setHostRoutes({ [RECEIVER_HOST]: receiverOrigin });
    expect(live(id)).toMatchObject({ enabled: false, attempts: 10 });

    succeeded(await engine(fixture.stack, "refresh"));
    expect((await stateOf("disabled")).outputs).toMatchObject({ enabled: false, attempts: 10 });
    expect(String((await stateOf("disabled")).outputs.logs)).not.toBe("");
    const preview = succeeded(await engine(fixture.stack, "preview"));
    expect(preview.output).toMatch(/~ .*disabled.*update/);

    succeeded(await engine(fixture.stack, "up"));
    expect(live(id)).toMatchObject({ enabled: true, attempts: 0 });
    await assertConverged(world, [{ stack: fixture.stack, declared }]);
  });

  it("a webhook deleted in the console: refresh drops it, up creates it again", async () => {
    const { id, outputs } = await stateOf("deleted");
    world.emulator.deleteWebhook(id);
    succeeded(await engine(fixture.stack, "refresh"));
    expect((await webhookStates(fixture.stack)).map((s) => s.name).sort()).toEqual(["disabled", "rotated"]);
    succeeded(await engine(fixture.stack, "up"));
    const recreated = await stateOf("deleted");
    // The ID is derived from the resource and its target, so it comes back unchanged.
    expect(recreated.id).toBe(id);
    expect(recreated.outputs.secret).not.toBe(outputs.secret);
    await assertConverged(world, [{ stack: fixture.stack, declared }]);
  });

  it("a key rotated outside Pulumi cannot be detected; bumping rotationTrigger recovers", async () => {
    const before = await stateOf("rotated");
    const consoleKey = "rotated-in-the-console-0f3a9c";
    world.emulator.updateWebhook(before.id, { secret: consoleKey });

    // Undetectable: the API returns "" for the key, so refresh changes nothing and preview is empty.
    succeeded(await engine(fixture.stack, "refresh"));
    const refreshed = await stateOf("rotated");
    expect(refreshed.outputs.secret).toBe(before.outputs.secret);
    const preview = succeeded(await engine(fixture.stack, "preview"));
    expect(preview.output).not.toMatch(/~ .*rotated.*update/);

    // Deliveries are now signed with a key state does not hold: receivers configured from the
    // stack's outputs reject them.
    const received = world.receiver.received.length;
    await world.emulator.emit({ projectId: PROJECT, event: "users.u1.create", payload: { $id: "u1" } });
    const delivery = world.receiver.received.slice(received).find((d) => d.path === "/drift/rotated");
    if (!delivery) throw new Error("no delivery for the rotated webhook");
    const header = delivery.headers["x-appwrite-webhook-signature"];
    const webhookUrl = url("/drift/rotated");
    expect(header).not.toBe(signature(webhookUrl, delivery.body, String(refreshed.outputs.secret)));
    expect(header).toBe(signature(webhookUrl, delivery.body, consoleKey));

    // The documented recovery: bump the trigger; `up` sets a new key and state holds it again.
    declared = { ...declared, rotated: spec("rotated", 2) };
    await declare(fixture.stack, declared);
    succeeded(await engine(fixture.stack, "up"));
    const after = await stateOf("rotated");
    expect(after.outputs.secret).not.toBe(consoleKey);
    expect(after.outputs.secret).not.toBe(before.outputs.secret);
    await assertConverged(world, [{ stack: fixture.stack, declared }]);
  });
});
