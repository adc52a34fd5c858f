/**
 * A preview never writes, on every door: on the real engine, `pulumi preview` of a create, an
 * update (a rename), a rotation and a forced replace makes 0 API requests, and `pulumi up` of
 * each, with its preview phase as users run it, makes the requests of one operation. The engine
 * calls a plugin's create and update during previews, so the plugin door (from TypeScript and
 * from YAML) is where a preview could write; the dynamic door runs the same story as the
 * reference. One stack for the two doors of a TypeScript program, one for YAML, each stepping
 * through the four changes, each previewed first.
 */
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStack, provisionEngine, upWithPreview, type StackFixture } from "../support/engine";
import { webhookStates } from "./reliability/support";
import type { RequestRecord } from "../../emulator";
import { requestsDuring } from "../support/outside-pulumi";
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
  // The emulator goes away with the stacks: destroying them first would assert nothing.
  for (const fixture of fixtures) fixture.discard();
  await world?.close();
});

/** How the figures name a request: its route and Appwrite's status. */
const routeAndStatus = (request: RequestRecord) => `${request.routeKey} ${request.status}`;

/** The steps the engine planned for the webhooks, and the IDs the preview showed for their creates. */
async function previewOf(stack: Stack, replace: string[] = []) {
  const planned: { ops: string[]; ids: unknown[] } = { ops: [], ids: [] };
  const isWebhook = (type: string | undefined) => type?.endsWith("Webhook") ?? false;
  const onEvent = (event: EngineEvent) => {
    const step = event.resourcePreEvent?.metadata;
    if (isWebhook(step?.type)) planned.ops.push(step!.op);
    const done = event.resOutputsEvent?.metadata;
    if (isWebhook(done?.type) && done?.op === "create") planned.ids.push(done.new?.outputs?.webhookId);
  };
  await stack.preview({ ...quiet, onEvent, replace });
  return planned;
}

/** A stack of one or more doors' webhooks, and how to declare each step of the story on it. */
interface Story {
  stack: Stack;
  /** The webhooks' URLs: their own per story, since the stories share one Appwrite project. */
  hookUrls: string[];
  rename(name: string): Promise<void>;
  rotate(trigger: number): Promise<void>;
}

const HOOK = { name: "Orders", events: ["users.*.create"] };

/** The test program's stack with one webhook per door, named after it: one engine run for both. */
async function programStory(doors: Door[]): Promise<Story> {
  const hookUrl = (door: Door) => url(`/${door}/orders`);
  const spec = (extra: WebhookSpec = {}): Record<string, WebhookSpec> =>
    Object.fromEntries(doors.map((door) => [door, { door, ...HOOK, url: hookUrl(door), ...extra }]));
  const fixture = await webhookStack(world, spec(), {}, {}, "preview-program");
  fixtures.push(fixture);
  let changes: WebhookSpec = {};
  return {
    stack: fixture.stack,
    hookUrls: doors.map(hookUrl),
    rename: (name) => declare(fixture.stack, spec((changes = { ...changes, name }))),
    rotate: (trigger) => declare(fixture.stack, spec((changes = { ...changes, rotationTrigger: trigger }))),
  };
}

/** examples/yaml (the YAML program docs/any-language.md shows) through the plugin, configured by stack config. */
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
    hookUrls: [hookUrl],
    rename: (name) => fixture.stack.setConfig("hookName", { value: name }),
    // The program declares rotationTrigger 1 from the start: any other value rotates.
    rotate: (trigger) => fixture.stack.setConfig("rotation", { value: String(trigger + 1) }),
  };
}

const STORIES: Record<string, () => Promise<Story>> = {
  "the dynamic door (Webhook) and the plugin door from TypeScript (NativeWebhook), in one program": () =>
    programStory(["dynamic", "native"]),
  "the plugin door from a YAML program": yamlStory,
};

describe.each(Object.keys(STORIES))("%s", (door) => {
  it("previews of a create, a rename, a rotation and a forced replace make 0 requests; each up, with its preview, makes one operation's", async () => {
    const story = await STORIES[door]!();
    const { stack } = story;
    const figures: Record<string, { preview: string[]; up: string[] }> = {};
    const hooks = story.hookUrls.length;
    const order = (hookUrl: unknown) => story.hookUrls.indexOf(String(hookUrl));
    const live = () =>
      world.emulator
        .webhooks(PROJECT)
        .filter((w) => story.hookUrls.includes(w.url))
        .sort((x, y) => order(x.url) - order(y.url));
    const states = async () =>
      (await webhookStates(stack)).sort((x, y) => order(x.outputs.url) - order(y.outputs.url));
    /** One operation's requests for each webhook of the stack; doors run in parallel, so in any order. */
    const once = (...requests: string[]) =>
      Array.from({ length: hooks }, () => requests)
        .flat()
        .sort();

    /** Previews the declared change (0 requests, the planned steps), then runs `up` with its preview. */
    async function step(label: string, op: string, options: { replace?: string[]; stack?: boolean } = {}) {
      const replace = options.replace ?? [];
      let planned: Awaited<ReturnType<typeof previewOf>> = { ops: [], ids: [] };
      const preview = await requestsDuring(
        world.emulator,
        async () => (planned = await previewOf(stack, replace)),
        routeAndStatus,
      );
      expect(
        planned.ops.filter((planned) => planned === op),
        `${label}: the steps the preview plans`,
      ).toHaveLength(hooks);
      let changes: Record<string, number> | undefined;
      const up = await requestsDuring(
        world.emulator,
        async () => {
          changes = (await upWithPreview(stack, { replace })).summary.resourceChanges;
        },
        routeAndStatus,
      );
      figures[label] = { preview, up };
      expect(preview, `${label}: requests of \`pulumi preview\``).toEqual([]);
      // The first up creates the stack resource beside the webhooks.
      expect(changes?.[op], `${label}: the steps \`up\` applied`).toBe(hooks + (options.stack ? 1 : 0));
      return { planned, up: [...up].sort() };
    }

    // Create: one POST each. The preview shows the IDs that up then creates.
    const created = await step("create", "create", { stack: true });
    expect(created.up).toEqual(once("POST /v1/webhooks 201"));
    const createdStates = await states();
    expect([...created.planned.ids].sort()).toEqual(createdStates.map((state) => state.id).sort());
    const webhooks = live();
    expect(webhooks.map((w) => w.$id)).toEqual(createdStates.map((state) => state.id));
    expect(createdStates.map((state) => state.outputs.secret)).toEqual(webhooks.map((w) => w.secret));

    // Rename: one PUT each, and the keys stay.
    await story.rename("Orders v2");
    expect((await step("rename", "update")).up).toEqual(once("PUT /v1/webhooks/:id 200"));
    expect(live()).toMatchObject(webhooks.map((w) => ({ $id: w.$id, name: "Orders v2", secret: w.secret })));

    // Rotation: one PATCH of the key each, no PUT; the old key becomes previousSecret.
    await story.rotate(2);
    expect((await step("rotation", "update")).up).toEqual(once("PATCH /v1/webhooks/:id/secret 200"));
    const rotated = live().map((w) => w.secret);
    rotated.forEach((secret, i) => expect(secret).not.toBe(webhooks[i]?.secret));
    const afterRotation = await states();
    expect(afterRotation.map((state) => state.outputs)).toMatchObject(
      rotated.map((secret, i) => ({ secret, previousSecret: webhooks[i]?.secret })),
    );

    // Forced replace (`--replace`) of derived IDs, as docs/how-it-behaves.md says: it
    // creates before it deletes, under the same ID, so the create meets the webhook (409), the
    // replacement takes it over with a new key, and the old resource's delete leaves it in place.
    const replaced = await step("forced replace", "replace", {
      replace: afterRotation.map((state) => state.urn),
    });
    expect(replaced.up).toEqual(
      once("POST /v1/webhooks 409", "GET /v1/webhooks/:id 200", "PATCH /v1/webhooks/:id/secret 200"),
    );
    const after = live();
    expect(after.map((w) => [w.$id, w.name])).toEqual(webhooks.map((w) => [w.$id, "Orders v2"]));
    after.forEach((w, i) => expect(w.secret).not.toBe(rotated[i]));
    expect((await states()).map((state) => state.outputs.secret)).toEqual(after.map((w) => w.secret));

    console.log(`requests per command, ${door}: ${JSON.stringify(figures)}`);
  }, 900_000);
});
