/**
 * Webhook IDs derived from the resource and its target, and the create that recognises its own
 * webhook from an interrupted run. The lifecycle is called the way a door calls it: `check`
 * with the resource's URN as `resourceKey`, then `create` with the checked inputs.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../provider/lifecycle/check";
import { create, remove } from "../../provider/lifecycle/steps";
import type { WebhookInputs } from "../../provider/lifecycle/schema";
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

  it("a 409 on a declared ID for the declared webhook takes it over, as GitOps's killed runs need; a different one stays a conflict", async () => {
    // defineWebhooks declares every ID (`<idPrefix><id>`): the killed run's POST landed, its key never reached state.
    const lost = await create(checked(key, { webhookId: "ci-orders" }));
    emulator.resetCounters();
    const { id, outs } = await create(checked(key, { webhookId: "ci-orders" }));
    expect(emulator.counters()).toMatchObject({
      total: 3,
      "POST /v1/webhooks": 1,
      "GET /v1/webhooks/:id": 1,
      "PATCH /v1/webhooks/:id/secret": 1,
    });
    expect(id).toBe("ci-orders");
    expect(outs.secret).not.toBe(lost.outs.secret);
    expect(emulator.webhooks(PROJECT).map((w) => [w.$id, w.secret])).toEqual([["ci-orders", outs.secret]]);
    expect(await deliverySignedWith(outs.url, outs.secret)).toBe(true);
    // Another name, URL or events under the declared ID is not this declaration: adopt: true is the way.
    for (const change of [
      { name: "renamed" },
      { url: "https://hooks.example.com/elsewhere" },
      { events: ["teams.*"] },
    ]) {
      await expect(create(checked(key, { webhookId: "ci-orders", ...change }))).rejects.toThrow(
        /already exists in project.*adopt: true/,
      );
    }
    expect(emulator.webhooks(PROJECT).map((w) => w.secret)).toEqual([outs.secret]);
  });

  it.each([
    ["derived", {}],
    ["declared", { webhookId: "replaced-hook" }],
  ])(
    "a replace that creates before it deletes keeps the webhook (%s ID): the old resource's delete leaves it to its replacement",
    async (_kind, args) => {
      // How the engine runs `pulumi up --replace` (and a tainted resource):
      // the replacement is checked without olds, so it has the ID it already has (derived again, or
      // declared), and is created before the old resource is deleted, all through one provider process.
      const replaced = urn("dev", "shop", "replaced");
      const old = await create(checked(replaced, args));
      const replacement = await create(checked(replaced, args));
      expect(replacement.id).toBe(old.id);
      await remove(old.id, old.outs);
      expect(emulator.webhooks(PROJECT).map((w) => [w.$id, w.secret])).toEqual([
        [old.id, replacement.outs.secret],
      ]);
      expect(await deliverySignedWith(replacement.outs.url, replacement.outs.secret)).toBe(true);
      // Only that one delete is left out: the replacement's own delete removes the webhook.
      await remove(replacement.id, replacement.outs);
      expect(emulator.webhooks(PROJECT)).toEqual([]);
    },
  );

  it("adopt keeps the webhook in the same way, when a renamed resource takes over the webhook of the one it replaces", async () => {
    const before = await create(checked(urn("dev", "shop", "old-name"), { webhookId: "renamed-hook" }));
    const after = await create(
      checked(urn("dev", "shop", "new-name"), { webhookId: "renamed-hook", adopt: true }),
    );
    await remove(before.id, before.outs);
    expect(emulator.webhooks(PROJECT).map((w) => [w.$id, w.secret])).toEqual([
      ["renamed-hook", after.outs.secret],
    ]);
  });

  it("an ID taken in another project of the server keeps the other-project message", async () => {
    const elsewhere = checked(key, {}, {}, { projectId: OTHER_PROJECT, apiKey: `${API_KEY}-other` });
    await create({ ...elsewhere });
    // The same derived ID, aimed at this project (as a copied state would): the server says 409.
    const here = { ...checked(key), webhookId: elsewhere.webhookId };
    await expect(create(here)).rejects.toThrow(/another project.*unique per server/);
  });
});
