/**
 * The WebhookSet lifecycle on plain data against the emulator, without the engine: check names
 * the entry and the field, diff names each entry's change by property path, a step sends exactly
 * the changed entries' requests at most `concurrency` at a time, and a partial failure keeps
 * every success with its key and names each failure.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/appwrite/config";
import { ResourceInitError } from "../../provider/appwrite/errors";
import * as set from "../../provider/lifecycle/webhook-set/stored";
import type { SetInputs, SetState } from "../../provider/lifecycle/webhook-set/types";
import { startEmulator, type Emulator } from "../../emulator";
import { API_KEY, PROJECT, expectedSignature, startReceiver, type Receiver } from "./fixtures";

let emulator: Emulator;
let receiver: Receiver;
const URN = "urn:pulumi:dev::shop::pulumi-nodejs:dynamic/appwrite:WebhookSet::hooks";

beforeAll(async () => {
  emulator = await startEmulator({
    projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }],
    deliveryTimeoutMs: 2000,
  });
  receiver = await startReceiver();
  emulator.setHostRoutes({ "hooks.example.com": receiver.origin });
});
afterAll(async () => {
  await emulator.close();
  await receiver.close();
});
/** The last request before the running test: the emulator's request log spans the file. */
let cursor = 0;
beforeEach(() => {
  setStackConfig({});
  emulator.resetCounters();
  cursor = emulator.requests().at(-1)?.seq ?? 0;
});
const requestsOfThisTest = () => emulator.requests().filter((request) => request.seq > cursor);
afterEach(() => {
  emulator.clearFaults();
  for (const webhook of emulator.webhooks(PROJECT)) emulator.deleteWebhook(webhook.$id);
});

const entry = (i: number, extra: Record<string, unknown> = {}) => ({
  name: `Hook ${i}`,
  url: `https://hooks.example.com/set/${i}`,
  events: ["users.*.create"],
  ...extra,
});
const entries = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, entry(i)]));

async function checked(
  news: Record<string, unknown>,
  olds: Record<string, unknown> = {},
): Promise<SetInputs> {
  const result = await set.check(
    olds,
    { endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY, ...news },
    { resourceKey: URN },
  );
  expect(result.failures).toEqual([]);
  return result.inputs as unknown as SetInputs;
}

const writes = () =>
  requestsOfThisTest()
    .filter((request) => request.method !== "GET")
    .map((request) => `${request.method} ${request.path}`);

describe("check", () => {
  it("names the entry and the field of each problem, before any request", async () => {
    const result = await set.check(
      {},
      {
        endpoint: emulator.endpoint,
        projectId: PROJECT,
        apiKey: API_KEY,
        webhooks: {
          good: entry(1),
          "bad.url": entry(2, { url: "http://localhost/x" }),
          noName: { url: "https://hooks.example.com/n", events: ["users.*"] },
          foreign: entry(3, { projectId: "other" }),
          event: entry(4, { events: ["user.*.create"] }),
        },
      },
      { resourceKey: URN },
    );
    const byProperty = Object.fromEntries(result.failures.map((f) => [f.property, f.reason]));
    expect(Object.keys(byProperty).sort()).toEqual([
      "webhooks.event.events",
      "webhooks.foreign.projectId",
      "webhooks.noName.name",
      'webhooks["bad.url"].url',
    ]);
    expect(byProperty['webhooks["bad.url"].url']).toMatch(/^webhooks\["bad\.url"\]: url /);
    expect(byProperty["webhooks.foreign.projectId"]).toMatch(
      /connection and eventValidation are the set's own/,
    );
    expect(byProperty["webhooks.event.events"]).toMatch(/did you mean "users\.\*"/);
    expect(requestsOfThisTest()).toEqual([]);
  });

  it("rejects a bad policy, concurrency and two entries with one webhook ID", async () => {
    const failures = async (news: Record<string, unknown>) =>
      (
        await set.check(
          {},
          { endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY, ...news },
          { resourceKey: URN },
        )
      ).failures;
    expect(await failures({ webhooks: {}, unmanaged: "purge" })).toEqual([
      { property: "unmanaged", reason: 'unmanaged must be "report" (default), "ignore" or "delete"' },
    ]);
    expect((await failures({ webhooks: {}, concurrency: 0 }))[0]?.reason).toBe(
      "concurrency must be at least 1",
    );
    expect(
      await failures({
        webhooks: { a: entry(1, { webhookId: "same" }), b: entry(2, { webhookId: "same" }) },
      }),
    ).toEqual([
      {
        property: "webhooks.b.webhookId",
        reason: "webhooks.b: webhookId same is also the ID of webhooks.a; each entry needs its own webhook",
      },
    ]);
  });

  it("derives a distinct, stable ID per key from the set's URN, and keeps an ID in state", async () => {
    const first = await checked({ webhooks: entries(3) });
    const again = await checked({ webhooks: entries(3) });
    const ids = Object.values(first.webhooks).map((e) => e.webhookId);
    expect(new Set(ids).size).toBe(3);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{20}$/);
    expect(again.webhooks).toEqual(first.webhooks);
    const other = await set.check(
      {},
      { endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY, webhooks: entries(1) },
      {
        resourceKey: `${URN}-other`,
      },
    );
    expect((other.inputs.webhooks as SetInputs["webhooks"]).k0?.webhookId).not.toBe(
      first.webhooks.k0?.webhookId,
    );
    const kept = await checked(
      { webhooks: entries(1) },
      { projectId: PROJECT, webhooks: { k0: { webhookId: "kept-id" } } },
    );
    expect(kept.webhooks.k0?.webhookId).toBe("kept-id");
  });
});

describe("preview", () => {
  it("predicts the IDs create gives and sends no request; entries not known yet make every map unknown", async () => {
    const inputs = await checked({ webhooks: entries(3) });
    const predicted = set.previewCreate(inputs);
    expect(requestsOfThisTest()).toEqual([]);
    const { outs } = await set.create(inputs as SetInputs & Record<string, unknown>);
    expect(predicted.outs.webhookIds).toEqual(outs.webhookIds);
    expect(predicted.id).toBe(PROJECT);

    const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    const pending = await set.check(
      {},
      {
        endpoint: emulator.endpoint,
        projectId: PROJECT,
        apiKey: API_KEY,
        webhooks: { a: entry(1), b: unknown },
      },
      { resourceKey: URN },
    );
    expect(pending.failures).toEqual([]);
    expect(pending.inputs.webhooks).toBe(unknown);
    const news = pending.inputs as unknown as SetInputs;
    expect((await set.diff(PROJECT, outs, news)).changes).toBe(true);
    expect(set.previewUpdate(outs, news).outs.secrets).toBe(unknown);
  });
});

describe("diff and the steps", () => {
  it("creates N, then one changed entry is one PUT, a rotation one PATCH, a removal one DELETE, each named by path", async () => {
    const inputs = await checked({ webhooks: entries(20), unmanaged: "ignore" });
    const { outs } = await set.create(inputs as SetInputs & Record<string, unknown>);
    expect(writes().filter((w) => w === "POST /v1/webhooks")).toHaveLength(20);
    expect(Object.keys(outs.secrets)).toHaveLength(20);
    for (const [key, id] of Object.entries(outs.webhookIds)) {
      expect(emulator.webhooks(PROJECT).find((w) => w.$id === id)?.secret).toBe(outs.secrets[key]);
    }
    const before = receiver.received.length;
    await emulator.emit({ projectId: PROJECT, event: "users.u1.create", payload: { $id: "u1" } });
    const delivery = receiver.received.slice(before).find((d) => d.path === "/set/5");
    expect(delivery?.headers["x-appwrite-webhook-signature"]).toBe(
      expectedSignature("https://hooks.example.com/set/5", delivery?.body ?? "", outs.secrets.k5 ?? ""),
    );

    expect(
      await set.diff(
        PROJECT,
        outs,
        await checked(
          { webhooks: entries(20), unmanaged: "ignore" },
          inputs as unknown as Record<string, unknown>,
        ),
      ),
    ).toMatchObject({
      changes: false,
      detailedDiff: {},
    });

    const declared = entries(20);
    declared.k3 = entry(3, { url: "https://hooks.example.com/set/3b" });
    declared.k4 = entry(4, { rotationTrigger: 2 });
    delete declared.k9;
    declared["new.one"] = entry(99);
    const news = await checked(
      { webhooks: declared, unmanaged: "ignore" },
      inputs as unknown as Record<string, unknown>,
    );
    const result = await set.diff(PROJECT, outs, news);
    expect(result).toMatchObject({ changes: true, replaces: [], diffs: ["webhooks"] });
    expect(result.detailedDiff).toEqual({
      "webhooks.k3.url": "update",
      "webhooks.k4.rotationTrigger": "add",
      "webhooks.k9": "delete",
      'webhooks["new.one"]': "add",
    });
    emulator.resetCounters();
    const cursor = emulator.requests().at(-1)?.seq ?? 0;
    const { outs: after } = await set.update(PROJECT, outs, news as SetInputs & Record<string, unknown>);
    const sent = emulator
      .requests()
      .filter((r) => r.seq > cursor && r.method !== "GET")
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(sent).toEqual(
      [
        "POST /v1/webhooks",
        `PUT /v1/webhooks/${outs.webhookIds.k3}`,
        `PATCH /v1/webhooks/${outs.webhookIds.k4}/secret`,
        `DELETE /v1/webhooks/${outs.webhookIds.k9}`,
      ].sort(),
    );
    expect(after.previousSecrets.k4).toBe(outs.secrets.k4);
    expect(after.secrets.k4).not.toBe(outs.secrets.k4);
    expect(after.webhookIds.k9).toBeUndefined();
    expect(Object.keys(after.webhookIds)).toHaveLength(20);

    await set.remove(PROJECT, after);
    expect(emulator.webhooks(PROJECT)).toEqual([]);
  });

  it("a new project or endpoint replaces the set", async () => {
    const inputs = await checked({ webhooks: entries(1), unmanaged: "ignore" });
    const { outs } = await set.create(inputs as SetInputs & Record<string, unknown>);
    const moved = { ...inputs, projectId: "elsewhere" };
    expect(await set.diff(PROJECT, outs, moved)).toMatchObject({
      changes: true,
      replaces: ["projectId"],
      deleteBeforeReplace: true,
    });
  });

  it("keeps requests within `concurrency` and fails partially, naming each failed entry, keeping the rest with their keys", async () => {
    // The first matching fault applies: 5 POSTs refused, then every POST slow.
    emulator.injectFault({
      kind: "status",
      status: 400,
      method: "POST",
      count: 5,
      message: "refused for the test",
    });
    emulator.injectFault({ kind: "latency", latencyMs: 60, method: "POST" });
    const inputs = await checked({ webhooks: entries(20), unmanaged: "ignore", concurrency: 4 });
    const started = Date.now();
    const failure = await set.create(inputs as SetInputs & Record<string, unknown>).then(
      () => undefined,
      (error: unknown) => error,
    );
    // 15 slow POSTs of at least 60 ms, 4 at a time, cannot take less than 4 rounds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4 * 60);
    expect(failure).toBeInstanceOf(ResourceInitError);
    const { message, properties } = failure as ResourceInitError;
    const state = properties as unknown as SetState;
    expect(message).toMatch(/^5 of 20 webhook changes of this WebhookSet failed:/);
    const failed = [...message.matchAll(/- (webhooks\.k\d+) \(create webhook/g)].map((m) => m[1]);
    expect(failed).toHaveLength(5);
    expect(message).toMatch(/refused for the test/);
    expect(Object.keys(state.webhookIds)).toHaveLength(15);
    for (const path of failed)
      expect(state.webhookIds[String(path).slice("webhooks.".length)]).toBeUndefined();
    for (const [key, id] of Object.entries(state.webhookIds)) {
      expect(emulator.webhooks(PROJECT).find((w) => w.$id === id)?.secret).toBe(state.secrets[key]);
    }

    emulator.clearFaults();
    const cursor = emulator.requests().at(-1)?.seq ?? 0;
    const { outs } = await set.update(PROJECT, state, inputs as SetInputs & Record<string, unknown>);
    expect(
      emulator
        .requests()
        .filter((r) => r.seq > cursor && r.method !== "GET")
        .map((r) => r.method),
    ).toEqual(Array(5).fill("POST"));
    expect(Object.keys(outs.webhookIds)).toHaveLength(20);
    expect(emulator.webhooks(PROJECT)).toHaveLength(20);
  });
});
