/**
 * The two late-landing races the fault matrix found, pinned down deterministically at the client
 * level (the engine adds seconds of jitter that make the exact interleaving a matter of luck):
 * - a POST that timed out is written after the read that found nothing, so the retried POST gets
 *   409 for the webhook this very create made: it must be recognised as ours, not reported as a
 *   conflict that asks the operator to adopt it;
 * - a rotation attempt that timed out lands after the retry's answer: the key the server ends on
 *   must be the key the client returned, or deliveries stop verifying.
 * And one found by the leak scan's failing update: a partial failure whose properties held an
 * `undefined` made the provider server's protobuf encoding throw after the error was caught, so
 * the RPC never answered and `pulumi up` hung forever.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AppwriteClient } from "../../provider/appwrite/client";
import { ResourceInitError } from "../../provider/appwrite/errors";
import { check } from "../../provider/lifecycle/check";
import { create, update } from "../../provider/lifecycle/steps";
import type { WebhookInputs } from "../../provider/lifecycle/schema";
import { startEmulator, type Emulator } from "../../emulator";
import { sleep } from "../e2e/reliability/support";

const PROJECT = "races";
const API_KEY = "standard_races-key-0123456789abcdef";
/** Far past the client timeout below, whatever the granularity of undici's timers. */
const SLOW_MS = 2500;

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.clearFaults();
  for (const webhook of emulator.webhooks(PROJECT)) emulator.deleteWebhook(webhook.$id);
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error("condition never held");
    await sleep(10);
  }
}

const client = (sleepBetweenAttempts: (ms: number) => Promise<void> = async () => undefined) =>
  new AppwriteClient(
    { endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY, selfSigned: false, timeoutMs: 300 },
    { sleep: sleepBetweenAttempts },
  );

const body = {
  name: "race",
  url: "https://hooks.example.com/race",
  events: ["users.*"],
  enabled: true,
  tls: true,
};

describe("late-landing writes", () => {
  it("a create whose first POST lands after the check: the 409 on the retry is our own webhook", async () => {
    emulator.injectFault({
      kind: "latency",
      method: "POST",
      path: "/v1/webhooks",
      latencyMs: SLOW_MS,
      count: 1,
    });
    const id = "race-create-1";
    // The backoff before the second POST lasts until the first one has been written.
    const outcome = await client(() =>
      until(() => emulator.webhooks(PROJECT).some((w) => w.$id === id)),
    ).create(id, body);
    expect(outcome.recoveredAfterLostResponse).toBe(true);
    expect(outcome.webhook.$id).toBe(id);
    expect(emulator.webhooks(PROJECT)).toHaveLength(1);
    const posts = emulator.requests().filter((r) => r.method === "POST");
    expect(posts).toHaveLength(2);
  });

  it("a 409 for an ID no earlier attempt could have written is still a conflict", async () => {
    const id = "race-create-2";
    await client().create(id, body);
    await expect(client().create(id, body)).rejects.toThrow(/HTTP 409 webhook_already_exists/);
  });

  it("a rotation whose first attempt lands after the retry's answer leaves the returned key in force", async () => {
    const id = "race-rotate";
    await client().create(id, body);
    emulator.injectFault({
      kind: "latency",
      method: "PATCH",
      path: `/v1/webhooks/${id}/secret`,
      latencyMs: SLOW_MS,
      count: 1,
    });
    const rotated = await client().updateSecret(id);
    // Let the first, timed-out attempt land.
    await sleep(SLOW_MS + 300);
    expect(emulator.webhooks(PROJECT).find((w) => w.$id === id)?.secret).toBe(rotated.secret);
    expect(rotated.secret).toMatch(/^[0-9a-f]{128}$/);
  });
});

describe("partial failures reach the engine", () => {
  it("a failed rotation of a webhook without rotationTrigger records properties with no undefined", async () => {
    const inputs = (args: Record<string, unknown>) =>
      ({
        ...check({}, { endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY, ...body, ...args })
          .inputs,
        __provider: "serialized",
      }) as unknown as WebhookInputs & Record<string, unknown>;
    const { id, outs } = await create(inputs({ secret: "first-user-key-1" }));
    emulator.injectFault({ kind: "status", status: 400, method: "PATCH" });
    const failure = await update(id, outs, inputs({ webhookId: id, secret: "second-user-key-2" })).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ResourceInitError);
    const properties = (failure as ResourceInitError).properties;
    // protobuf's Struct.fromJavaScript, which the dynamic provider server applies, throws on undefined.
    expect(Object.entries(properties).filter(([, value]) => value === undefined)).toEqual([]);
    expect(properties).toMatchObject({ secret: "first-user-key-1", __provider: "serialized" });
  });
});
