/**
 * A webhook whose endpoint changes: another address of the same server (`127.0.0.1` and
 * `localhost` here, Appwrite Cloud's global and regional hostnames in the field) or another
 * server. The lifecycle is called the way a door calls it: check with the old state, diff, then
 * update. Expected signatures are computed here with node:crypto, not with the package.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../provider/lifecycle/check";
import { create, diff, remove, update } from "../../provider/lifecycle/steps";
import type { WebhookInputs, WebhookState } from "../../provider/lifecycle/schema";
import { startEmulator, type Emulator } from "../../emulator";
import { API_KEY, PROJECT, baseArgs, expectedSignature, startReceiver, type Receiver } from "./fixtures";

let here: Emulator;
let elsewhere: Emulator;
let receiver: Receiver;

const emulatorFor = () =>
  startEmulator({ projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }], deliveryTimeoutMs: 2000 });

beforeAll(async () => {
  [here, elsewhere, receiver] = await Promise.all([emulatorFor(), emulatorFor(), startReceiver()]);
  for (const server of [here, elsewhere]) server.setHostRoutes({ "hooks.example.com": receiver.origin });
});
afterAll(async () => {
  await Promise.all([here.close(), elsewhere.close(), receiver.close()]);
});
afterEach(() => {
  for (const server of [here, elsewhere]) {
    for (const webhook of server.webhooks(PROJECT)) server.deleteWebhook(webhook.$id);
  }
});

type Checked = WebhookInputs & Record<string, unknown>;
const RESOURCE = "urn:pulumi:dev::shop::pulumi-nodejs:dynamic/appwrite:Webhook::orders";

function checked(endpoint: string, olds: Record<string, unknown> = {}, args: Record<string, unknown> = {}) {
  const result = check(
    olds,
    { endpoint, projectId: PROJECT, apiKey: API_KEY, ...baseArgs, ...args },
    { resourceKey: RESOURCE },
  );
  if (result.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return { ...result.inputs, __provider: "serialized-provider-text" } as unknown as Checked;
}

/** The same server under another name: `localhost` for `127.0.0.1`. */
const alias = (endpoint: string) => endpoint.replace("127.0.0.1", "localhost");

/** The API's requests since `mark` (a count of requests), by route; the control API is the test's own. */
const apiCallsSince = (server: Emulator, mark: number) =>
  server
    .requests()
    .slice(mark)
    .map((r) => r.routeKey)
    .filter((route) => route.includes(" /v1/"));

async function deliveryVerifiesWith(server: Emulator, state: WebhookState): Promise<boolean> {
  const before = receiver.received.length;
  await server.emit({ projectId: PROJECT, event: "users.u1.create", payload: { $id: "u1" } });
  const delivery = receiver.received.slice(before).at(-1);
  if (!delivery) throw new Error("no delivery arrived");
  return (
    delivery.headers["x-appwrite-webhook-signature"] ===
    expectedSignature(state.url, delivery.body, state.secret)
  );
}

/** Steps a created webhook to a new endpoint as the engine would: check with olds, diff, update. */
async function moveTo(endpoint: string, olds: WebhookState, args: Record<string, unknown> = {}) {
  const news = checked(endpoint, olds as unknown as Record<string, unknown>, args);
  const planned = diff(olds.webhookId, olds, news);
  return { planned, news, result: planned.changes ? await update(olds.webhookId, olds, news) : undefined };
}

describe.each([
  ["a derived ID", {}],
  ["a declared ID (GitOps)", { webhookId: "ci-orders" }],
])("a new endpoint, with %s", (_label, declared) => {
  it("another address of the same server: an update with one read, the same webhook and the same key", async () => {
    const { outs } = await create(checked(here.endpoint, {}, declared));
    const mark = here.requests().length;

    const { planned, news, result } = await moveTo(alias(here.endpoint), outs, declared);
    expect(planned).toMatchObject({ changes: true, replaces: [] });
    expect(news.webhookId).toBe(outs.webhookId);
    expect(apiCallsSince(here, mark)).toEqual(["GET /v1/webhooks/:id"]);
    expect(here.webhooks(PROJECT).map((w) => w.$id)).toEqual([outs.webhookId]);
    expect(result?.outs).toMatchObject({ endpoint: alias(here.endpoint), secret: outs.secret });
    expect(result?.outs.createdAt).toBe(outs.createdAt);
    expect(await deliveryVerifiesWith(here, result!.outs)).toBe(true);

    // And the stack moves on: the next plan is empty.
    const again = checked(alias(here.endpoint), result!.outs as unknown as Record<string, unknown>, declared);
    expect(diff(outs.webhookId, result!.outs, again).changes).toBe(false);
  });

  it("another server: the webhook moves there with the key receivers hold, and leaves the old one", async () => {
    const { outs } = await create(checked(here.endpoint, {}, declared));

    const { planned, result } = await moveTo(elsewhere.endpoint, outs, declared);
    expect(planned.replaces).toEqual([]);
    expect(here.webhooks(PROJECT)).toHaveLength(0);
    expect(elsewhere.webhooks(PROJECT).map((w) => w.$id)).toEqual([outs.webhookId]);
    expect(result?.outs).toMatchObject({ endpoint: elsewhere.endpoint, secret: outs.secret });
    expect(result?.outs.secretSource).toBe(outs.secretSource);
    expect(elsewhere.webhooks(PROJECT)[0]?.secret).toBe(outs.secret);
    expect(await deliveryVerifiesWith(elsewhere, result!.outs)).toBe(true);
  });

  it("another server and a rotation at once: the moved webhook gets the new key, the old one stays previous", async () => {
    const { outs } = await create(checked(here.endpoint, {}, { ...declared, rotationTrigger: "1" }));
    const { result } = await moveTo(elsewhere.endpoint, outs, { ...declared, rotationTrigger: "2" });
    expect(result?.outs.secret).not.toBe(outs.secret);
    expect(result?.outs.previousSecret).toBe(outs.secret);
    expect(elsewhere.webhooks(PROJECT)[0]?.secret).toBe(result?.outs.secret);
  });

  it("an alias while the webhook was deleted outside Pulumi: created once, and not deleted again through the old address", async () => {
    const { outs } = await create(checked(here.endpoint, {}, declared));
    here.deleteWebhook(outs.webhookId);
    const { result } = await moveTo(alias(here.endpoint), outs, declared);
    expect(here.webhooks(PROJECT).map((w) => w.$id)).toEqual([outs.webhookId]);
    expect(here.webhooks(PROJECT)[0]?.secret).toBe(result?.outs.secret);
    expect(await deliveryVerifiesWith(here, result!.outs)).toBe(true);
  });

  it("a webhook under the ID at the new address that is not the one in state is a conflict, not a takeover", async () => {
    const { outs } = await create(checked(here.endpoint, {}, declared));
    // Someone else's webhook under the same ID on the other server, with other fields.
    await create({
      ...checked(elsewhere.endpoint, {}, { webhookId: outs.webhookId }),
      name: "someone else's",
    });
    await expect(moveTo(elsewhere.endpoint, outs, declared)).rejects.toThrow(/already exists.*adopt: true/);
    expect(here.webhooks(PROJECT).map((w) => w.$id)).toEqual([outs.webhookId]);
    expect(elsewhere.webhooks(PROJECT)[0]?.name).toBe("someone else's");
  });
});

describe("a new project", () => {
  it("is still a replace, deleting first when the ID stays (IDs are unique per server)", async () => {
    const { outs } = await create(checked(here.endpoint, {}, { webhookId: "moving" }));
    const news = { ...checked(here.endpoint, {}, { webhookId: "moving" }), projectId: "elsewhere" };
    expect(diff(outs.webhookId, outs, news)).toMatchObject({
      changes: true,
      replaces: ["projectId"],
      deleteBeforeReplace: true,
      diffs: ["projectId"],
    });
  });
});

describe("an adopted webhook on delete", () => {
  it("is left on the server while `adopt: true` is declared, and deleted once it is removed", async () => {
    // A webhook made outside Pulumi (the console), then adopted.
    await create({ ...checked(here.endpoint, {}, { webhookId: "console-made" }), name: "console" });
    const adopted = await create(checked(here.endpoint, {}, { webhookId: "console-made", adopt: true }));
    await remove(adopted.id, adopted.outs);
    expect(here.webhooks(PROJECT).map((w) => w.$id)).toEqual(["console-made"]);

    // Removing `adopt` is an update of state alone, and hands the webhook's deletion to Pulumi.
    const news = checked(here.endpoint, adopted.outs as unknown as Record<string, unknown>, {
      webhookId: "console-made",
    });
    expect(diff(adopted.id, adopted.outs, news).changes).toBe(true);
    const mark = here.requests().length;
    const { outs } = await update(adopted.id, adopted.outs, news);
    expect(apiCallsSince(here, mark)).toEqual([]);
    await remove(adopted.id, outs);
    expect(here.webhooks(PROJECT)).toHaveLength(0);
  });
});
