/**
 * Derived webhook IDs on the real engine: the preview shows the ID that `up` then creates; stacks,
 * targets, names and parents never share one; and a webhook deleted outside Pulumi comes back
 * under the same ID.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStack, provisionEngine, type StackFixture } from "../support/engine";
import { assertConverged, webhookStates, WEBHOOK_TYPE, type Declared } from "./reliability/support";
import { API_KEY, PROJECT, quiet, startWorld, url, type World } from "./fixture";

const OTHER_PROJECT = "e2e-other";

let world: World;
let otherKey: string;
const stacks: StackFixture[] = [];
/** The stacks the second test reuses. */
const shared: { alpha?: StackFixture; beta?: StackFixture } = {};

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
  world.emulator.createProject(OTHER_PROJECT);
  otherKey = world.emulator.createKey(OTHER_PROJECT);
});
afterAll(async () => {
  // The emulator goes away with the stacks: destroying them first would assert nothing.
  for (const fixture of stacks) fixture.discard();
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
    // The declaration with the rest of the config: one `config set-all`.
    config: {
      "appwrite:endpoint": world.emulator.endpoint,
      "appwrite:projectId": project,
      "e2e:webhooks": JSON.stringify(declared),
    },
    secretConfig: { "appwrite:apiKey": project === PROJECT ? API_KEY : otherKey, "e2e:secrets": "{}" },
  });
  stacks.push(fixture);
  return fixture;
}

interface StateResource {
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
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
    const [alpha, beta, alphaElsewhere] = await Promise.all([
      stackOf("alpha", declaredFor("a")),
      stackOf("beta", declaredFor("b")),
      stackOf("alpha", declaredFor("c"), OTHER_PROJECT),
    ]);
    Object.assign(shared, { alpha, beta });
    // The three stacks run at once, as independent CI jobs would.
    const created = await Promise.all(
      [alpha!, beta!, alphaElsewhere!].map(async (fixture) => {
        const planned = await previewIds(fixture);
        expect(planned.ids.size).toBe(4);
        for (const id of planned.ids.values()) {
          expect(id).toMatch(/^[a-f0-9]{20}$/);
          // What the user reads in `pulumi preview --diff`, not only what the events carry.
          expect(planned.text).toContain(id);
        }
        await fixture.stack.up(quiet);
        const ids = new Map((await webhookStates(fixture.stack)).map((s) => [s.urn, s.id]));
        expect(ids).toEqual(planned.ids);
        return [...ids.values()];
      }),
    );
    expect(new Set(created.flat()).size).toBe(12);
    // State keeps 16 characters of the URN's digest in the inputs, and neither the URN nor the
    // digest anywhere else.
    const resources = (
      (await alpha!.stack.exportStack()).deployment as { resources: StateResource[] }
    ).resources.filter((r) => r.type === WEBHOOK_TYPE);
    for (const resource of resources) {
      expect(resource.inputs).not.toHaveProperty("resourceKey");
      expect(resource.inputs.resourceHash).toMatch(/^[a-f0-9]{16}$/);
      expect(resource.outputs).not.toHaveProperty("resourceHash");
    }
    await assertConverged(world, [
      { stack: alpha!.stack, declared: declaredFor("a") },
      { stack: beta!.stack, declared: declaredFor("b") },
    ]);
    await assertConverged(
      world,
      [{ stack: alphaElsewhere!.stack, declared: declaredFor("c") }],
      OTHER_PROJECT,
    );
  });

  it("a webhook deleted outside Pulumi is re-created under the same ID", async () => {
    // Stack `alpha` of the test above, with its four webhooks.
    const fixture = shared.alpha!;
    const before = new Map((await webhookStates(fixture.stack)).map((s) => [s.urn, s.id]));
    const [lostUrn, lostId] = [...before].find(([urn]) => urn.endsWith("::invoices"))!;
    expect(world.emulator.deleteWebhook(lostId)).toBe(true);
    await fixture.stack.refresh(quiet);
    expect((await webhookStates(fixture.stack)).some((s) => s.urn === lostUrn)).toBe(false);
    const up = await fixture.stack.up(quiet);
    expect(up.summary.resourceChanges).toMatchObject({ create: 1 });
    const after = new Map((await webhookStates(fixture.stack)).map((s) => [s.urn, s.id]));
    expect(after).toEqual(before);
    await assertConverged(world, [
      { stack: fixture.stack, declared: declaredFor("a") },
      { stack: shared.beta!.stack, declared: declaredFor("b") },
    ]);
  });
});
