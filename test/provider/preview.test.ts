/**
 * The preview's predictions (provider/lifecycle/preview.ts) against the steps they predict, on the
 * emulator: a prediction makes no request, every value it shows as known is the value the real
 * step then returns, and it shows as unknown exactly what the step's requests decide.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/appwrite/config";
import { UNKNOWN, create, update } from "../../provider/lifecycle/steps";
import { predictCreate, predictUpdate } from "../../provider/lifecycle/preview";
import type { WebhookState } from "../../provider/lifecycle/schema";
import { startEmulator, type Emulator } from "../../emulator";
import { API_KEY, PROJECT, checkedInputs } from "./fixtures";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  setStackConfig({});
  for (const webhook of emulator.webhooks(PROJECT)) emulator.deleteWebhook(webhook.$id);
  emulator.resetCounters();
});

const inputs = (args: Record<string, unknown> = {}) => checkedInputs(emulator.endpoint, args);

/** The fields a prediction leaves unknown; every other predicted field must equal the real outcome. */
function compare(predicted: object, actual: object): string[] {
  const unknown: string[] = [];
  for (const [key, value] of Object.entries(predicted)) {
    if (value === UNKNOWN) unknown.push(key);
    else expect(value, key).toEqual((actual as Record<string, unknown>)[key]);
  }
  // Nothing the step returns is missing from the prediction (absent would read as "no value").
  for (const key of Object.keys(actual)) expect(Object.keys(predicted), key).toContain(key);
  return unknown.sort();
}

/** Counts the requests of `step`, which must be none. */
function withoutRequests<T>(step: () => T): T {
  const result = step();
  expect(emulator.counters().total ?? 0).toBe(0);
  return result;
}

describe("preview predictions", () => {
  it("create: the declared inputs and the derived ID are known; the key and the server's fields are not", async () => {
    const declared = inputs();
    const predicted = withoutRequests(() => predictCreate(declared));
    const actual = await create(declared);
    expect(predicted.id).toBe(actual.id);
    expect(compare(predicted.outs, actual.outs)).toEqual([
      "attempts",
      "createdAt",
      "logs",
      "secret",
      "secretRotatedAt",
      "updatedAt",
    ]);
  });

  it("create with a declared key shows that key", async () => {
    const declared = inputs({ secret: "declared-key-0001" });
    const predicted = withoutRequests(() => predictCreate(declared));
    expect(predicted.outs).toMatchObject({ secret: "declared-key-0001", secretSource: "user" });
    compare(predicted.outs, (await create(declared)).outs);
  });

  it("create with an ID not known yet answers the empty ID a preview may return", () => {
    expect(withoutRequests(() => predictCreate({ ...inputs(), webhookId: UNKNOWN })).id).toBe("");
  });

  describe("update", () => {
    let olds: WebhookState;
    beforeEach(async () => {
      olds = (await create(inputs({ webhookId: "predicted" }))).outs;
      emulator.resetCounters();
    });

    it("a rename: the key is known, the fields the PUT's answer sets are not", async () => {
      const news = inputs({ webhookId: "predicted", name: "renamed" });
      const predicted = withoutRequests(() => predictUpdate(olds, news));
      const actual = await update("predicted", olds, news);
      expect(emulator.counters()).toMatchObject({ total: 1, "PUT /v1/webhooks/:id": 1 });
      expect(compare(predicted.outs, actual.outs)).toEqual(["attempts", "logs", "updatedAt"]);
    });

    it("a rotation: the key, the key it replaces and the rotation time are unknown", async () => {
      const news = inputs({ webhookId: "predicted", rotationTrigger: 2 });
      const predicted = withoutRequests(() => predictUpdate(olds, news));
      const actual = await update("predicted", olds, news);
      expect(emulator.counters()).toMatchObject({ total: 1, "PATCH /v1/webhooks/:id/secret": 1 });
      expect(compare(predicted.outs, actual.outs)).toEqual([
        "attempts",
        "logs",
        "previousSecret",
        "secret",
        "secretRotatedAt",
        "updatedAt",
      ]);
    });

    it("a new endpoint: what the server sets, its creation time too, is unknown (it may be another server)", async () => {
      // The same server under another name: update's one read finds the webhook it recorded.
      const alias = emulator.endpoint.replace("127.0.0.1", "localhost");
      const news = checkedInputs(alias, { webhookId: "predicted" });
      const predicted = withoutRequests(() => predictUpdate(olds, news));
      const actual = await update("predicted", olds, news);
      expect(emulator.counters()).toMatchObject({ total: 1, "GET /v1/webhooks/:id": 1 });
      expect(compare(predicted.outs, actual.outs)).toEqual(["attempts", "createdAt", "logs", "updatedAt"]);
    });

    it("a change that needs no request (the API key) predicts the whole outcome", async () => {
      const news = { ...inputs({ webhookId: "predicted" }), apiKey: API_KEY };
      const predicted = withoutRequests(() => predictUpdate(olds, news));
      const actual = await update("predicted", olds, news);
      expect(emulator.counters().total ?? 0).toBe(0);
      expect(compare(predicted.outs, actual.outs)).toEqual([]);
    });
  });
});
