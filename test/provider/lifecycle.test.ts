import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/appwrite/config";
import { ResourceInitError } from "../../provider/appwrite/errors";
import { create, diff, read, remove, update } from "../../provider/lifecycle/steps";
import type { WebhookState } from "../../provider/lifecycle/schema";
import { startEmulator, type Emulator } from "../../emulator";
import {
  API_KEY,
  OTHER_PROJECT,
  PROJECT,
  READ_ONLY_KEY,
  checkedInputs,
  expectedSignature,
  startReceiver,
  type Receiver,
} from "./fixtures";

let emulator: Emulator;
let receiver: Receiver;

beforeAll(async () => {
  emulator = await startEmulator({
    projects: [
      { id: PROJECT, keys: [{ key: API_KEY }, { key: READ_ONLY_KEY, scopes: ["webhooks.read"] }] },
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
beforeEach(() => {
  setStackConfig({});
  emulator.resetCounters();
});
afterEach(() => {
  emulator.clearFaults();
  for (const project of [PROJECT, OTHER_PROJECT]) {
    for (const webhook of emulator.webhooks(project)) emulator.deleteWebhook(webhook.$id);
  }
});

const inputs = (args: Record<string, unknown> = {}) => checkedInputs(emulator.endpoint, args);

/** The secret the emulator holds for a webhook (emulator-only inspection). */
const liveSecret = (id: string) => emulator.webhooks(PROJECT).find((w) => w.$id === id)?.secret;

/** Emits an event and checks the delivery to the local receiver with an independently computed signature. */
async function deliveredSignatureMatches(state: WebhookState): Promise<boolean> {
  const before = receiver.received.length;
  await emulator.emit({ projectId: PROJECT, event: "users.u1.create", payload: { $id: "u1", name: "Ada" } });
  const delivery = receiver.received[before];
  if (!delivery) throw new Error("no delivery arrived");
  return (
    delivery.headers["x-appwrite-webhook-signature"] ===
    expectedSignature(state.url, delivery.body, state.secret)
  );
}

describe("create", () => {
  it("creates the webhook with the declared state and keeps the generated secret", async () => {
    const { id, outs } = await create(inputs());
    expect(id).toBe(outs.webhookId);
    expect(outs.secret).toMatch(/^[0-9a-f]{128}$/);
    expect(outs).toMatchObject({ secretSource: "appwrite", tls: true, enabled: true, attempts: 0, logs: "" });
    const stored = emulator.webhooks(PROJECT);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ $id: id, name: "orders", tls: true, secret: outs.secret });
    expect(await deliveredSignatureMatches(outs)).toBe(true);
  });

  it("sets a user-supplied secret and basic auth", async () => {
    const { id, outs } = await create(
      inputs({ secret: "my-own-secret-1", authUsername: "u", authPassword: "p@ss" }),
    );
    expect(outs).toMatchObject({ secret: "my-own-secret-1", secretSource: "user" });
    expect(liveSecret(id)).toBe("my-own-secret-1");
    expect(emulator.webhooks(PROJECT)[0]).toMatchObject({ authUsername: "u", authPassword: "p@ss" });
  });

  it("fails on an existing ID of another webhook (not the declared name, URL and events) with a message that tells how to adopt", async () => {
    const first = await create(inputs({ webhookId: "taken", name: "console-made" }));
    await expect(create(inputs({ webhookId: "taken" }))).rejects.toThrow(/already exists.*adopt: true/);
    expect(emulator.webhooks(PROJECT)).toHaveLength(1);
    expect(liveSecret(first.id)).toBe(first.outs.secret);
  });

  it("explains an ID taken by another project of the same server", async () => {
    await create({
      ...inputs({ webhookId: "shared-id" }),
      projectId: OTHER_PROJECT,
      apiKey: `${API_KEY}-other`,
    });
    await expect(create(inputs({ webhookId: "shared-id" }))).rejects.toThrow(
      /another project.*unique per server/,
    );
  });

  it("adopts an existing webhook when asked, making its secret known", async () => {
    const existing = await create(inputs({ webhookId: "adopt-me", name: "console-made" }));
    const { outs } = await create(inputs({ webhookId: "adopt-me", adopt: true, name: "declared" }));
    expect(outs.secret).not.toBe(existing.outs.secret);
    expect(liveSecret("adopt-me")).toBe(outs.secret);
    expect(emulator.webhooks(PROJECT)).toHaveLength(1);
    expect(emulator.webhooks(PROJECT)[0]?.name).toBe("declared");
    expect(await deliveredSignatureMatches(outs)).toBe(true);
  });
});

describe("read", () => {
  it("returns live fields, keeps the secret the API hides, and returns inputs", async () => {
    const { id, outs } = await create(inputs());
    emulator.updateWebhook(id, { name: "renamed in console", enabled: false, attempts: 10 });
    const result = await read(id, outs);
    expect(result.id).toBe(id);
    expect(result.props).toMatchObject({
      name: "renamed in console",
      enabled: false,
      attempts: 10,
      secret: outs.secret,
    });
    expect(result.inputs).toMatchObject({ name: "renamed in console", enabled: false });
    expect(result.inputs).not.toHaveProperty("secret");
    // The declared args now differ from the refreshed state: up restores them in place.
    const plan = diff(id, result.props as WebhookState, inputs({ webhookId: id }));
    expect(plan).toMatchObject({ changes: true, replaces: [] });
  });

  it("returns an empty ID for a webhook deleted out of band", async () => {
    const { id, outs } = await create(inputs());
    emulator.deleteWebhook(id);
    expect(await read(id, outs)).toEqual({ id: "" });
  });
});

describe("update", () => {
  it("PUTs the full state and keeps the secret", async () => {
    const { id, outs } = await create(inputs({ authUsername: "u", authPassword: "p1" }));
    const news = inputs({
      webhookId: id,
      name: "renamed",
      events: ["users.*"],
      authUsername: "u",
      authPassword: "p1",
    });
    const updated = await update(id, outs, news);
    expect(updated.outs).toMatchObject({ name: "renamed", events: ["users.*"], secret: outs.secret });
    expect(emulator.webhooks(PROJECT)[0]).toMatchObject({ name: "renamed", authPassword: "p1", tls: true });
    expect(emulator.counters()["PATCH /v1/webhooks/:id/secret"] ?? 0).toBe(0);
  });

  it("rotates on a trigger change: new key signs deliveries, old key becomes previousSecret", async () => {
    const { id, outs } = await create(inputs({ rotationTrigger: 1 }));
    emulator.resetCounters();
    const rotated = await update(id, outs, inputs({ webhookId: id, rotationTrigger: 2 }));
    expect(rotated.outs.secret).toMatch(/^[0-9a-f]{128}$/);
    expect(rotated.outs.secret).not.toBe(outs.secret);
    expect(rotated.outs.previousSecret).toBe(outs.secret);
    expect(rotated.outs.secretRotatedAt).toBeDefined();
    expect(liveSecret(id)).toBe(rotated.outs.secret);
    // A rotation alone is no PUT (a PUT would reset attempts).
    expect(emulator.counters()["PUT /v1/webhooks/:id"] ?? 0).toBe(0);
    expect(await deliveredSignatureMatches(rotated.outs)).toBe(true);
    expect(await deliveredSignatureMatches({ ...rotated.outs, secret: outs.secret })).toBe(false);
  });

  it("sets a changed user-supplied secret in place", async () => {
    const { id, outs } = await create(inputs({ secret: "first-secret-1" }));
    const changed = await update(id, outs, inputs({ webhookId: id, secret: "second-secret-2" }));
    expect(changed.outs).toMatchObject({
      secret: "second-secret-2",
      previousSecret: "first-secret-1",
      secretSource: "user",
    });
    expect(liveSecret(id)).toBe("second-secret-2");
  });

  it("with a declared secret, a trigger change re-applies that key over one changed out of band", async () => {
    const declared = inputs({ secret: "declared-key-1", rotationTrigger: 1 });
    const { id, outs } = await create(declared);
    emulator.updateWebhook(id, { secret: "changed-out-of-band" });
    const bumped = inputs({ webhookId: id, secret: "declared-key-1", rotationTrigger: 2 });
    expect(diff(id, outs, bumped).changes).toBe(true);
    const recovered = await update(id, outs, bumped);
    expect(recovered.outs).toMatchObject({ secret: "declared-key-1", secretSource: "user" });
    // State held the declared key all along: nothing rotated from the receivers' point of view.
    expect(recovered.outs.previousSecret).toBeUndefined();
    expect(liveSecret(id)).toBe("declared-key-1");
    expect(await deliveredSignatureMatches(recovered.outs)).toBe(true);
    // The next run has nothing to put back.
    expect(diff(id, recovered.outs, bumped).changes).toBe(false);
  });

  it("re-enables a webhook Appwrite auto-disabled", async () => {
    const { id, outs } = await create(inputs());
    emulator.updateWebhook(id, { enabled: false, attempts: 10 });
    const refreshed = (await read(id, outs)).props as WebhookState;
    const plan = diff(id, refreshed, inputs({ webhookId: id }));
    expect(plan.changes).toBe(true);
    const result = await update(id, refreshed, inputs({ webhookId: id }));
    expect(result.outs).toMatchObject({ enabled: true, attempts: 0 });
    expect(emulator.webhooks(PROJECT)[0]).toMatchObject({ enabled: true, attempts: 0 });
  });

  it("gives a clear error when the webhook was deleted out of band", async () => {
    const { id, outs } = await create(inputs());
    emulator.deleteWebhook(id);
    await expect(update(id, outs, inputs({ webhookId: id, name: "x" }))).rejects.toThrow(
      /deleted outside Pulumi.*refresh/,
    );
  });

  it("records the PUT and keeps the old key when the rotation fails (partial failure)", async () => {
    const { id, outs } = await create(inputs({ rotationTrigger: "a" }));
    emulator.injectFault({ kind: "status", status: 500, method: "PATCH", path: "/v1/webhooks/" });
    const failure = await update(
      id,
      outs,
      inputs({ webhookId: id, name: "renamed", rotationTrigger: "b" }),
    ).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ResourceInitError);
    const error = failure as ResourceInitError;
    expect(error.properties).toMatchObject({ name: "renamed", secret: outs.secret, rotationTrigger: "a" });
    expect(error.properties.__provider).toBe("serialized-provider-text");
    expect(liveSecret(id)).toBe(outs.secret);
  });
});

describe("delete", () => {
  it("deletes, and treats an already deleted webhook as gone", async () => {
    const { id, outs } = await create(inputs());
    await remove(id, outs);
    expect(emulator.webhooks(PROJECT)).toHaveLength(0);
    await expect(remove(id, outs)).resolves.toBeUndefined();
  });
});

describe("faults: each run converges with exactly one webhook and a known secret", () => {
  it("429 with Retry-After on create", async () => {
    emulator.injectFault({
      kind: "status",
      status: 429,
      retryAfter: 1,
      method: "POST",
      path: "/v1/webhooks",
      count: 1,
    });
    const started = Date.now();
    const { outs } = await create(inputs());
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(emulator.webhooks(PROJECT)).toHaveLength(1);
    expect(await deliveredSignatureMatches(outs)).toBe(true);
  });

  it("503 on create is resolved by reading the chosen ID, never by a blind re-POST", async () => {
    emulator.injectFault({ kind: "status", status: 503, method: "POST", path: "/v1/webhooks", count: 2 });
    const { outs } = await create(inputs());
    expect(emulator.webhooks(PROJECT)).toHaveLength(1);
    expect(await deliveredSignatureMatches(outs)).toBe(true);
  });

  it("connection reset on create", async () => {
    emulator.injectFault({ kind: "reset", method: "POST", path: "/v1/webhooks", count: 1 });
    const { outs } = await create(inputs());
    expect(emulator.webhooks(PROJECT)).toHaveLength(1);
    expect(await deliveredSignatureMatches(outs)).toBe(true);
  });

  it("commit-then-drop on create: found by ID, key rotated so it is known", async () => {
    emulator.injectFault({ kind: "commit-then-drop", method: "POST", path: "/v1/webhooks", count: 1 });
    const { outs } = await create(inputs());
    expect(emulator.webhooks(PROJECT)).toHaveLength(1);
    expect(liveSecret(outs.webhookId)).toBe(outs.secret);
    expect(await deliveredSignatureMatches(outs)).toBe(true);
  });

  it("commit-then-drop on create with a user secret keeps that secret", async () => {
    emulator.injectFault({ kind: "commit-then-drop", method: "POST", path: "/v1/webhooks", count: 1 });
    const { outs } = await create(inputs({ secret: "declared-secret-1" }));
    expect(outs.secret).toBe("declared-secret-1");
    expect(emulator.webhooks(PROJECT)).toHaveLength(1);
    expect(await deliveredSignatureMatches(outs)).toBe(true);
  });

  it("commit-then-drop on create, then the key cannot be set: partial failure records the webhook", async () => {
    emulator.injectFault({ kind: "commit-then-drop", method: "POST", path: "/v1/webhooks", count: 1 });
    emulator.injectFault({ kind: "status", status: 500, method: "PATCH", path: "/v1/webhooks/" });
    const failure = await create(inputs()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ResourceInitError);
    const error = failure as ResourceInitError;
    expect(emulator.webhooks(PROJECT)).toHaveLength(1);
    expect(error.id).toBe(emulator.webhooks(PROJECT)[0]?.$id);
    expect(error.properties.__provider).toBe("serialized-provider-text");
    expect(error.reasons.length).toBeGreaterThan(0);
    // The next `up` sees the unknown key as a change and sets one.
    emulator.clearFaults();
    const recorded = error.properties as unknown as WebhookState;
    const news = inputs({ webhookId: error.id });
    expect(diff(error.id, recorded, news).changes).toBe(true);
    const healed = await update(error.id, recorded, news);
    expect(healed.outs.secret).toMatch(/^[0-9a-f]{128}$/);
    expect(liveSecret(error.id)).toBe(healed.outs.secret);
    expect(await deliveredSignatureMatches(healed.outs)).toBe(true);
  });

  it("503 and resets on reads, updates, rotations and deletes are retried", async () => {
    const { id, outs } = await create(inputs());
    emulator.injectFault({ kind: "status", status: 503, method: "GET", count: 2 });
    expect((await read(id, outs)).id).toBe(id);
    emulator.injectFault({ kind: "reset", method: "PUT", count: 1 });
    const updated = await update(id, outs, inputs({ webhookId: id, name: "n2" }));
    emulator.injectFault({ kind: "commit-then-drop", method: "PATCH", count: 1 });
    const rotated = await update(id, updated.outs, inputs({ webhookId: id, name: "n2", rotationTrigger: 1 }));
    expect(liveSecret(id)).toBe(rotated.outs.secret);
    emulator.injectFault({ kind: "commit-then-drop", method: "DELETE", count: 1 });
    await remove(id, rotated.outs);
    expect(emulator.webhooks(PROJECT)).toHaveLength(0);
  });

  it("a persistent fault fails with the operation and Appwrite's error named", async () => {
    emulator.injectFault({ kind: "status", status: 503, method: "GET" });
    const { id, outs } = await create(inputs());
    await expect(read(id, outs)).rejects.toThrow(/read webhook .*HTTP 503/);
  });
});

describe("errors name the fix and never the secrets", () => {
  it("a key without the write scope", async () => {
    const attempt = create({ ...inputs({ secret: "never-printed-secret" }), apiKey: READ_ONLY_KEY });
    const error = (await attempt.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/HTTP 401 general_unauthorized_scope.*webhooks\.write/);
    expect(error.message).not.toContain(READ_ONLY_KEY);
    expect(error.message).not.toContain("never-printed-secret");
  });

  it("an unknown key", async () => {
    await expect(create({ ...inputs(), apiKey: "standard_wrong" })).rejects.toThrow(
      /user_unauthorized.*not valid for project .*check appwrite:apiKey \/ APPWRITE_API_KEY/,
    );
  });

  it("the fix names the config key of the door in use", async () => {
    setStackConfig({}, "appwrite-webhooks");
    await expect(create({ ...inputs(), apiKey: "standard_wrong" })).rejects.toThrow(
      /check appwrite-webhooks:apiKey \/ APPWRITE_API_KEY/,
    );
  });

  it("connection settings come from stack config when not on the resource", async () => {
    setStackConfig({ endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY });
    const { apiKey: _ignored, ...withoutKey } = inputs();
    const { id } = await create(withoutKey as typeof withoutKey & { webhookId: string });
    expect(emulator.webhooks(PROJECT).map((w) => w.$id)).toEqual([id]);
  });
});
