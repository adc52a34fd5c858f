/**
 * Derived webhook IDs on the real engine: the preview shows the ID that `up` then creates; stacks,
 * targets, names and parents never share one; and a webhook deleted outside Pulumi comes back
 * under the same ID.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStack, provisionEngine, type StackFixture } from "../support/engine";
import { assertConverged, webhookStates, WEBHOOK_TYPE, type Declared } from "../reliability/support";
import { API_KEY, PROJECT, declare, quiet, startWorld, url, type World } from "./fixture";

const OTHER_PROJECT = "e2e-other";

let world: World;
let otherKey: string;
const stacks: StackFixture[] = [];

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
  world.emulator.createProject(OTHER_PROJECT);
  otherKey = world.emulator.createKey(OTHER_PROJECT);
});
afterAll(async () => {
  for (const fixture of stacks) await fixture.dispose();
  await world?.close();
});

async function stackOf(
  stackName: string,
  declared: Record<string, Declared>,
  project = PROJECT,
): Promise<StackFixture> {
  const fixture = await openStack({
    program: "test/e2e/programs/webhooks",
    stackName,
    config: { "appwrite:endpoint": world.emulator.endpoint, "appwrite:projectId": project },
    secretConfig: { "appwrite:apiKey": project === PROJECT ? API_KEY : otherKey, "e2e:secrets": "{}" },
  });
  stacks.push(fixture);
  await declare(fixture.stack, declared);
  return fixture;
}

/** The same four resources in every stack: two names, and one name under two parent types. */
function declaredFor(label: string): Record<string, Declared> {
  const spec = (key: string, extra: Record<string, unknown> = {}): Declared => ({
    name: `${label} ${key}`,
    url: url(`/${label}/${key}`),
    events: ["users.*.create"],
    ...extra,
  });
  return {
    orders: spec("orders"),
    invoices: spec("invoices"),
    teamOrders: spec("teamOrders", { resourceName: "orders", parentType: "e2e:index:Team" }),
    partnerOrders: spec("partnerOrders", { resourceName: "orders", parentType: "e2e:index:Partner" }),
  };
}

/** The webhook ID each planned create carries in a preview, by URN, and the preview's text. */
async function previewIds(fixture: StackFixture): Promise<{ ids: Map<string, string>; text: string }> {
  const ids = new Map<string, string>();
  let text = "";
  const onEvent = (event: EngineEvent) => {
    const step = event.resourcePreEvent?.metadata;
    if (step?.type === WEBHOOK_TYPE && step.op === "create") {
      ids.set(step.urn, String(step.new?.inputs?.webhookId));
    }
  };
  await fixture.stack.preview({ onEvent, diff: true, onOutput: (out) => (text += out) });
  return { ids, text };
}

describe("derived webhook IDs on the engine", () => {
  it("preview shows the IDs up creates; two stacks, two projects, two names and two parents never collide", async () => {
    // Stack `alpha` twice (two backends, as a second copy of one stack would be) on two Appwrite
    // projects of one server, and stack `beta` next to the first on the same project.
    const runs = [
      { fixture: await stackOf("alpha", declaredFor("a")), project: PROJECT },
      { fixture: await stackOf("beta", declaredFor("b")), project: PROJECT },
      { fixture: await stackOf("alpha", declaredFor("c"), OTHER_PROJECT), project: OTHER_PROJECT },
    ];
    const all: string[] = [];
    for (const { fixture } of runs) {
      const planned = await previewIds(fixture);
      expect(planned.ids.size).toBe(4);
      for (const id of planned.ids.values()) {
        expect(id).toMatch(/^[a-f0-9]{20}$/);
        // What the user reads in `pulumi preview --diff`, not only what the events carry.
        expect(planned.text).toContain(id);
      }
      await fixture.stack.up(quiet);
      const created = new Map((await webhookStates(fixture.stack)).map((s) => [s.urn, s.id]));
      expect(created).toEqual(planned.ids);
      all.push(...created.values());
    }
    expect(new Set(all).size).toBe(12);
    const [alpha, beta, alphaElsewhere] = runs;
    await assertConverged(world, [
      { stack: alpha!.fixture.stack, declared: declaredFor("a") },
      { stack: beta!.fixture.stack, declared: declaredFor("b") },
    ]);
    await assertConverged(
      world,
      [{ stack: alphaElsewhere!.fixture.stack, declared: declaredFor("c") }],
      OTHER_PROJECT,
    );
  });

  it("a webhook deleted outside Pulumi is re-created under the same ID", async () => {
    const declared = { kept: declaredFor("d").orders!, lost: declaredFor("d").invoices! };
    const fixture = await stackOf("recreate", declared);
    await fixture.stack.up(quiet);
    const before = new Map((await webhookStates(fixture.stack)).map((s) => [s.name, s.id]));
    const lostId = before.get("lost");
    expect(world.emulator.deleteWebhook(String(lostId))).toBe(true);
    await fixture.stack.refresh(quiet);
    const up = await fixture.stack.up(quiet);
    expect(up.summary.resourceChanges).toMatchObject({ create: 1 });
    const after = new Map((await webhookStates(fixture.stack)).map((s) => [s.name, s.id]));
    expect(after).toEqual(before);
    expect(world.emulator.webhooks(PROJECT).some((w) => w.$id === lostId)).toBe(true);
  });
});
