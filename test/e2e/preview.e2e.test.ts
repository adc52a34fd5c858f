/**
 * A preview never writes, on every door: on the real engine, `pulumi preview` of a create, an
 * update (a rename), a rotation and a forced replace makes 0 API requests, and `pulumi up` of
 * each, with its preview phase as users run it, makes the requests of one operation. The engine
 * calls a plugin's create and update during previews, so the plugin door (from TypeScript and
 * from YAML) is where a preview could write; the dynamic door runs the same story as the
 * reference. One stack per door steps through the four changes, each previewed first.
 */
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStack, provisionEngine, upWithPreview, type StackFixture } from "../support/engine";
import { webhookStates } from "../reliability/support";
import type { Door } from "./doors";
import {
  API_KEY,
  PROJECT,
  declare,
  quiet,
  startWorld,
  url,
  webhookStack,
  type WebhookSpec,
  type World,
} from "./fixture";

let world: World;
const fixtures: StackFixture[] = [];

beforeAll(async () => {
  await provisionEngine();
  world = await startWorld();
});
afterAll(async () => {
  for (const fixture of fixtures) await fixture.dispose();
  await world?.close();
});

/** The API requests `step` caused, as `<route> <status>`, in order (the control API is not counted). */
async function requestsDuring(step: () => Promise<unknown>): Promise<string[]> {
  const cursor = world.emulator.requests().at(-1)?.seq ?? 0;
  await step();
  return world.emulator
    .requests()
    .filter((request) => request.seq > cursor)
    .map((request) => `${request.routeKey} ${request.status}`);
}

/** The steps the engine planned for the webhook, and the outputs the preview showed for its create. */
async function previewOf(stack: Stack, replace: string[] = []) {
  const planned: { ops: string[]; outputs?: Record<string, unknown> } = { ops: [] };
  const onEvent = (event: EngineEvent) => {
    const step = event.resourcePreEvent?.metadata;
    if (step?.urn.endsWith("::orders")) planned.ops.push(step.op);
    const done = event.resOutputsEvent?.metadata;
    if (done?.urn.endsWith("::orders") && done.op === "create") planned.outputs = done.new?.outputs;
  };
  await stack.preview({ ...quiet, onEvent, replace });
  return planned;
}

/** One door's stack, and how to declare each step of the story on it. */
interface Story {
  stack: Stack;
  /** The webhook's URL: its own per story, since the stories share one Appwrite project. */
  hookUrl: string;
  rename(name: string): Promise<void>;
  rotate(trigger: number): Promise<void>;
}

const HOOK = { name: "Orders", events: ["users.*.create"] };

/** The test program's stack with one webhook, `orders`, through the dynamic or the plugin door. */
async function programStory(door: Door): Promise<Story> {
  const hookUrl = url(`/${door}/orders`);
  const spec = (extra: WebhookSpec = {}): Record<string, WebhookSpec> => ({
    orders: { door, ...HOOK, url: hookUrl, ...extra },
  });
  const fixture = await webhookStack(world, spec(), {}, {}, `preview-${door}`);
  fixtures.push(fixture);
  let declared = spec();
  return {
    stack: fixture.stack,
    hookUrl,
    rename: (name) => declare(fixture.stack, (declared = { orders: { ...declared.orders, name } })),
    rotate: (trigger) =>
      declare(fixture.stack, (declared = { orders: { ...declared.orders, rotationTrigger: trigger } })),
  };
}

/** examples/yaml (the README's YAML program) through the plugin, configured by stack config. */
async function yamlStory(): Promise<Story> {
  const hookUrl = url("/yaml/orders");
  const fixture = await openStack({
    program: "examples/yaml",
    stackName: "preview-yaml",
    config: {
      "appwrite-webhooks:endpoint": world.emulator.endpoint,
      "appwrite-webhooks:projectId": PROJECT,
      hookName: HOOK.name,
      hookUrl,
    },
    secretConfig: { "appwrite-webhooks:apiKey": API_KEY },
  });
  fixtures.push(fixture);
  return {
    stack: fixture.stack,
    hookUrl,
    rename: (name) => fixture.stack.setConfig("hookName", { value: name }),
    // The program declares rotationTrigger 1 from the start: any other value rotates.
    rotate: (trigger) => fixture.stack.setConfig("rotation", { value: String(trigger + 1) }),
  };
}

const STORIES: Record<string, () => Promise<Story>> = {
  "the dynamic door (Webhook)": () => programStory("dynamic"),
  "the plugin door from TypeScript (NativeWebhook)": () => programStory("native"),
  "the plugin door from a YAML program": yamlStory,
};

describe.each(Object.keys(STORIES))("%s", (door) => {
  it("previews of a create, a rename, a rotation and a forced replace make 0 requests; each up, with its preview, makes one operation's", async () => {
    const story = await STORIES[door]!();
    const { stack } = story;
    const figures: Record<string, { preview: string[]; up: string[] }> = {};
    const live = () => world.emulator.webhooks(PROJECT).filter((w) => w.url === story.hookUrl);

    /** Previews the declared change (0 requests, the planned step), then runs `up` with its preview. */
    async function step(label: string, op: string, options: { replace?: string[]; changes?: number } = {}) {
      const replace = options.replace ?? [];
      let planned: Awaited<ReturnType<typeof previewOf>> = { ops: [] };
      const preview = await requestsDuring(async () => (planned = await previewOf(stack, replace)));
      expect(planned.ops, `${label}: the steps the preview plans`).toContain(op);
      let changes: Record<string, number> | undefined;
      const up = await requestsDuring(async () => {
        changes = (await upWithPreview(stack, { replace })).summary.resourceChanges;
      });
      figures[label] = { preview, up };
      expect(preview, `${label}: requests of \`pulumi preview\``).toEqual([]);
      expect(changes?.[op], `${label}: the step \`up\` applied`).toBe(options.changes ?? 1);
      return { planned, up };
    }

    // Create: one POST. The preview shows the ID that up then creates.
    // The first up creates the stack resource beside the webhook.
    const created = await step("create", "create", { changes: 2 });
    expect(created.up).toEqual(["POST /v1/webhooks 201"]);
    const [state] = await webhookStates(stack);
    expect(created.planned.outputs?.webhookId).toBe(state?.id);
    const [webhook] = live();
    expect(webhook?.$id).toBe(state?.id);
    expect(state?.outputs.secret).toBe(webhook?.secret);

    // Rename: one PUT, and the key stays.
    await story.rename("Orders v2");
    expect((await step("rename", "update")).up).toEqual(["PUT /v1/webhooks/:id 200"]);
    expect(live()).toMatchObject([{ $id: webhook?.$id, name: "Orders v2", secret: webhook?.secret }]);

    // Rotation: one PATCH of the key, no PUT; the old key becomes previousSecret.
    await story.rotate(2);
    expect((await step("rotation", "update")).up).toEqual(["PATCH /v1/webhooks/:id/secret 200"]);
    const rotated = live()[0]?.secret;
    expect(rotated).not.toBe(webhook?.secret);
    const [afterRotation] = await webhookStates(stack);
    expect(afterRotation?.outputs).toMatchObject({ secret: rotated, previousSecret: webhook?.secret });

    // Forced replace (`--replace`) of a derived ID, as the README's "How it behaves" says: it
    // creates before it deletes, under the same ID, so the create meets the webhook (409), the
    // replacement takes it over with a new key, and the old resource's delete leaves it in place.
    const urn = afterRotation!.urn;
    const replaced = await step("forced replace", "replace", { replace: [urn] });
    expect(replaced.up).toEqual([
      "POST /v1/webhooks 409",
      "GET /v1/webhooks/:id 200",
      "PATCH /v1/webhooks/:id/secret 200",
    ]);
    const after = live();
    expect(after.map((w) => [w.$id, w.name])).toEqual([[webhook?.$id, "Orders v2"]]);
    expect(after[0]?.secret).not.toBe(rotated);
    expect((await webhookStates(stack))[0]?.outputs.secret).toBe(after[0]?.secret);

    console.log(`requests per command, ${door}: ${JSON.stringify(figures)}`);
  }, 900_000);
});
