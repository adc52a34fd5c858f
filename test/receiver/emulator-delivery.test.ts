/**
 * End to end with the Appwrite emulator: a webhook created over the API, a delivery signed by
 * the emulator's worker, received over HTTP by createWebhookReceiver, then a key rotation
 * through PATCH /v1/webhooks/{id}/secret. Everything runs once per Appwrite release the emulator
 * speaks: 1.9.6 signs rawurldecode(url), `next` (main) the URL as stored.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createWebhookReceiver,
  verifyWebhookRequest,
  type WebhookDelivery,
} from "../../receiver/src/node/http-receiver";
import type { WebhookSecrets } from "../../receiver/src/node/node-crypto";
import { APPWRITE_RELEASES, startEmulator, type DeliveryRecord, type Emulator } from "../../emulator";

const PROJECT = "demo";
const KEY = "k1";
const WEBHOOK_URL = "https://hooks.example.com/appwrite?x=1";

let emulator: Emulator;
let receiver: Server;
/** The keys the receiver accepts; each test sets them as a deployment would. */
let secrets: WebhookSecrets = [];
const received: WebhookDelivery[] = [];

async function api(
  method: "POST" | "PATCH",
  path: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await request(`${emulator.endpoint}${path}`, {
    method,
    headers: { "content-type": "application/json", "x-appwrite-project": PROJECT, "x-appwrite-key": KEY },
    body: JSON.stringify(body),
  });
  const json = (await response.body.json()) as Record<string, unknown>;
  expect(response.statusCode, JSON.stringify(json)).toBeLessThan(300);
  return json;
}

async function emitUserCreate(): Promise<DeliveryRecord> {
  const records = await emulator.emit({
    projectId: PROJECT,
    event: "users.u1.create",
    payload: { $id: "u1", name: "José", email: "jose@example.com", prefs: { site: "https://example.com/é" } },
  });
  expect(records).toHaveLength(1);
  return records[0] as DeliveryRecord;
}

/** Re-verifies a recorded delivery offline with a given set of keys. */
function verifyRecorded(record: DeliveryRecord, keys: WebhookSecrets) {
  return verifyWebhookRequest({
    url: WEBHOOK_URL,
    rawBody: record.body,
    headers: record.requestHeaders,
    secrets: keys,
  });
}

describe.each(APPWRITE_RELEASES)("deliveries from the emulator speaking Appwrite %s", (appwrite) => {
  beforeAll(async () => {
    received.length = 0;
    emulator = await startEmulator({ appwrite, projects: [{ id: PROJECT, keys: [{ key: KEY }] }] });
    const handler = createWebhookReceiver({
      url: WEBHOOK_URL,
      getSecrets: () => secrets,
      onEvent: (delivery) => void received.push(delivery),
    });
    receiver = createServer(handler as RequestListener);
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const { port } = receiver.address() as AddressInfo;
    emulator.setHostRoutes({ "hooks.example.com": `http://127.0.0.1:${port}` });
  });

  afterAll(async () => {
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    await emulator.close();
  });

  it("verifies a delivery, then follows a key rotation", async () => {
    const created = await api("POST", "/webhooks", {
      webhookId: "unique()",
      name: "Sign-ups",
      url: WEBHOOK_URL,
      events: ["users.*.create"],
    });
    const webhookId = created["$id"] as string;
    const original = created["secret"] as string;
    expect(original).toMatch(/^[0-9a-f]{128}$/);

    secrets = original;
    const first = await emitUserCreate();
    expect(first).toMatchObject({ status: 200, success: true });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      matched: "current",
      payload: { $id: "u1", name: "José", prefs: { site: "https://example.com/é" } },
      headers: { webhookId, name: "Sign-ups", projectId: PROJECT, userId: "" },
    });
    expect(received[0]?.headers.events).toContain("users.u1.create");
    // The emulator sends PHP's bytes: escaped slashes and \u escapes, which the receiver verified as is.
    expect(first.body).toContain("https:\\/\\/example.com\\/\\u00e9");

    const rotated = (await api("PATCH", `/webhooks/${webhookId}/secret`, {}))["secret"] as string;
    expect(rotated).toMatch(/^[0-9a-f]{128}$/);
    expect(rotated).not.toBe(original);

    // A receiver that has not learned the new key refuses the delivery: the instant-rotation gap.
    secrets = original;
    const stale = await emitUserCreate();
    expect(stale).toMatchObject({ status: 401, success: false });

    // Deployed with the new key and the old one as previous: accepted, matched by the new key.
    secrets = { current: rotated, previous: original, rotatedAt: new Date().toISOString() };
    const next = await emitUserCreate();
    expect(next).toMatchObject({ status: 200, success: true });
    expect(received.at(-1)?.matched).toBe("current");

    expect(verifyRecorded(next, rotated)).toMatchObject({ ok: true, matched: "current" });
    expect(verifyRecorded(next, original)).toEqual(
      expect.objectContaining({ ok: false, reason: "mismatch" }),
    );
    expect(verifyRecorded(next, { current: rotated, previous: original })).toMatchObject({
      ok: true,
      matched: "current",
    });
    // The delivery signed before the rotation still passes while the old key is the previous one.
    expect(verifyRecorded(first, { current: rotated, previous: original })).toMatchObject({
      ok: true,
      matched: "previous",
    });
    expect(verifyRecorded(first, rotated)).toMatchObject({ ok: false, reason: "mismatch" });
  });

  // The URL a receiver knows is the one it was given (raw). 1.9.6 signed it decoded, main signs
  // it as is: a verifier that knew only one form would fail on the other server.
  const signedForm = appwrite === "1.9.6" ? "decoded" : "raw";
  const otherForm = appwrite === "1.9.6" ? "raw" : "decoded";
  it(`verifies a %XX URL in the ${signedForm} form, and not in the ${otherForm} one`, async () => {
    const url = "https://hooks.example.com/caf%C3%A9/a%20b?x=1";
    await api("POST", "/webhooks", {
      webhookId: "unique()",
      name: "Escaped",
      url,
      events: ["users.*.update"],
    });
    const records = await emulator.emit({
      projectId: PROJECT,
      event: "users.u2.update",
      payload: { $id: "u2" },
    });
    const record = records.find((r) => r.url === url) as DeliveryRecord;
    const secret = emulator.webhooks(PROJECT).find((w) => w.url === url)?.secret as string;
    const check = (urlMode?: "raw" | "decoded") =>
      verifyWebhookRequest({
        url,
        rawBody: record.body,
        headers: record.requestHeaders,
        secrets: secret,
        urlMode,
      });
    expect(check()).toEqual(expect.objectContaining({ ok: true, urlMode: signedForm }));
    expect(check(signedForm)).toEqual(expect.objectContaining({ ok: true, urlMode: signedForm }));
    expect(check(otherForm)).toEqual(expect.objectContaining({ ok: false, reason: "mismatch" }));
  });
});
