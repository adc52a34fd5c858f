/**
 * Webhook IDs derived from the resource and its target, and the create that recognises its own
 * webhook from an interrupted run. The lifecycle is called the way a door calls it: `check`
 * with the resource's URN as `resourceKey`, then `create` with the checked inputs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../provider/check";
import { create } from "../../provider/lifecycle";
import type { WebhookInputs } from "../../provider/schema";
import { startEmulator, type Emulator } from "../../emulator";
import {
  API_KEY,
  OTHER_PROJECT,
  PROJECT,
  baseArgs,
  expectedSignature,
  startReceiver,
  type Receiver,
} from "./fixtures";

let emulator: Emulator;
let receiver: Receiver;

beforeAll(async () => {
  emulator = await startEmulator({
    projects: [
      { id: PROJECT, keys: [{ key: API_KEY }] },
      { id: OTHER_PROJECT, keys: [{ key: `${API_KEY}-other` }] },
    ],
    deliveryTimeoutMs: 2000,
  });
  receiver = await startReceiver();
  emulator.setHostRoutes({ "hooks.example.com": receiver.origin });
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});
afterEach(() => {
  for (const project of [PROJECT, OTHER_PROJECT]) {
    for (const webhook of emulator.webhooks(project)) emulator.deleteWebhook(webhook.$id);
  }
});

const TYPE = "pulumi-nodejs:dynamic/appwrite:Webhook";
/** A URN as Pulumi builds it: stack, project, the parent types, the type, the name. */
const urn = (stack: string, project: string, name: string, parents: string[] = []) =>
  `urn:pulumi:${stack}::${project}::${[...parents, TYPE].join("$")}::${name}`;

type Checked = WebhookInputs & Record<string, unknown>;

function checked(
  resourceKey: string,
  args: Record<string, unknown> = {},
  olds: Record<string, unknown> = {},
  target: { endpoint?: string; projectId?: string; apiKey?: string } = {},
): Checked {
  const result = check(
    olds,
    { endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY, ...target, ...baseArgs, ...args },
    { resourceKey },
  );
  if (result.failures.length > 0) throw new Error(`check failed: ${JSON.stringify(result.failures)}`);
  return { ...result.inputs, __provider: "serialized-provider-text" } as unknown as Checked;
}

const idOf = (resourceKey: string, target: { endpoint?: string; projectId?: string } = {}) =>
  checked(resourceKey, {}, {}, target).webhookId;

describe("derived webhook IDs", () => {
  it("are the same on every check of one resource, and differ across stacks, projects, names, parents and targets", () => {
    const resources = [
      urn("dev", "shop", "orders"),
      urn("prod", "shop", "orders"),
      urn("dev", "billing", "orders"),
      urn("dev", "shop", "invoices"),
      urn("dev", "shop", "orders", ["shop:index:Team"]),
      urn("dev", "shop", "orders", ["shop:index:Partner"]),
      urn("dev", "shop", "orders", ["shop:index:Team", "shop:index:Partner"]),
    ];
    const otherServer = { endpoint: "http://other.example.com:8080/v1" };
    const ids = resources.flatMap((key) => {
      const here = idOf(key);
      // Preview and up each run check: the ID must not move between them.
      expect(idOf(key), key).toBe(here);
      return [here, idOf(key, { projectId: OTHER_PROJECT }), idOf(key, otherServer)];
    });
    expect(new Set(ids).size).toBe(resources.length * 3);
    // Appwrite's CustomId rule, at the length of its own ID::unique().
    for (const id of ids) expect(id).toMatch(/^[a-f0-9]{20}$/);
  });

  it("keeps an ID already in state, and a declared ID wins", () => {
    const key = urn("dev", "shop", "orders");
    const olds = { ...checked(key), webhookId: "6543210fedcba9876543" };
    expect(checked(key, {}, olds).webhookId).toBe("6543210fedcba9876543");
    expect(checked(key, { webhookId: "declared-id" }).webhookId).toBe("declared-id");
  });

  it("is unknown in preview while the target is, and known as soon as it is", () => {
    const key = urn("dev", "shop", "orders");
    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    expect(checked(key, {}, {}, { projectId: unknown }).webhookId).toBe(unknown);
    expect(checked(unknown).webhookId).toBe(unknown);
  });
});

describe("create after an interrupted run", () => {
  const key = urn("dev", "shop", "orders");

  async function deliverySignedWith(url: string, secret: string): Promise<boolean> {
    const before = receiver.received.length;
    await emulator.emit({ projectId: PROJECT, event: "users.u1.create", payload: { $id: "u1" } });
    const delivery = receiver.received.slice(before).find((d) => url.endsWith(d.path));
    if (!delivery) throw new Error("no delivery arrived");
    return delivery.headers["x-appwrite-webhook-signature"] === expectedSignature(url, delivery.body, secret);
  }

  it("a 409 on its derived ID for its own declared webhook adopts it with a key that verifies a delivery", async () => {
    // The killed run: its POST landed, its answer (with the only copy of the key) never got to state.
    const lost = await create(checked(key));
    emulator.resetCounters();
    const { id, outs } = await create(checked(key));
    // Its POST (409), the read that recognises it, and the key: it already had the declared state.
    expect(emulator.counters()).toMatchObject({
      total: 3,
      "POST /v1/webhooks": 1,
      "GET /v1/webhooks/:id": 1,
      "PATCH /v1/webhooks/:id/secret": 1,
    });
    expect(id).toBe(lost.id);
    expect(emulator.webhooks(PROJECT)).toHaveLength(1);
    expect(outs.secret).not.toBe(lost.outs.secret);
    expect(emulator.webhooks(PROJECT)[0]?.secret).toBe(outs.secret);
    expect(outs).not.toHaveProperty("resourceHash");
    expect(await deliverySignedWith(outs.url, outs.secret)).toBe(true);
  });

  it("a webhook of its own that differs in a field the match does not look at is set back by one PUT", async () => {
    const lost = await create(checked(key));
    emulator.updateWebhook(lost.id, { enabled: false });
    emulator.resetCounters();
    const { outs } = await create(checked(key));
    expect(emulator.counters()).toMatchObject({ total: 4, "PUT /v1/webhooks/:id": 1 });
    expect(outs.enabled).toBe(true);
    expect(emulator.webhooks(PROJECT)[0]).toMatchObject({ enabled: true, secret: outs.secret });
  });

  it("a 409 on its derived ID for a webhook that does not match the declaration stays a conflict", async () => {
    const first = await create(checked(key));
    await expect(create(checked(key, { url: "https://hooks.example.com/elsewhere" }))).rejects.toThrow(
      /already exists in project.*adopt: true/,
    );
    await expect(create(checked(key, { name: "renamed" }))).rejects.toThrow(/already exists in project/);
    await expect(create(checked(key, { events: ["teams.*"] }))).rejects.toThrow(/already exists in project/);
    expect(emulator.webhooks(PROJECT)).toHaveLength(1);
    expect(emulator.webhooks(PROJECT)[0]?.secret).toBe(first.outs.secret);
  });

  it("a 409 on a declared or kept ID is never taken over, even when it matches", async () => {
    const first = await create(checked(key, { webhookId: "declared-id" }));
    await expect(create(checked(key, { webhookId: "declared-id" }))).rejects.toThrow(/already exists/);
    // A forced replace re-checks with the old state: the kept ID must not adopt the webhook the
    // replace is about to delete.
    await expect(create(checked(key, {}, { ...first.outs }))).rejects.toThrow(/already exists/);
    expect(emulator.webhooks(PROJECT)[0]?.secret).toBe(first.outs.secret);
  });

  it("a forced replace of a derived ID, checked against the old inputs as the engine passes them, stays a conflict", async () => {
    // `pulumi up --replace` checks with the old inputs, which hold the hash the first check
    // derived, and creates before it deletes: taking the webhook over would let that delete
    // remove the replacement's webhook.
    const storedInputs = checked(key);
    expect(storedInputs.resourceHash).toEqual(expect.any(String));
    const first = await create({ ...storedInputs });
    await expect(create(checked(key, {}, { ...storedInputs }))).rejects.toThrow(/already exists/);
    expect(emulator.webhooks(PROJECT)[0]?.secret).toBe(first.outs.secret);
  });

  it("an ID taken in another project of the server keeps the other-project message", async () => {
    const elsewhere = checked(key, {}, {}, { projectId: OTHER_PROJECT, apiKey: `${API_KEY}-other` });
    await create({ ...elsewhere });
    // The same derived ID, aimed at this project (as a copied state would): the server says 409.
    const here = { ...checked(key), webhookId: elsewhere.webhookId };
    await expect(create(here)).rejects.toThrow(/another project.*unique per server/);
  });
});
