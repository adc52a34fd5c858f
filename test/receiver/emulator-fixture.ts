/**
 * One emulator for the receiver tests that need real deliveries: webhooks created over its API
 * (so the key is the one Appwrite would generate), deliveries signed by its worker, and the same
 * delivery replayed with one byte changed, for the 401 side.
 */
import { createHmac } from "node:crypto";
import { request } from "undici";
import { expect } from "vitest";
import { startEmulator, type DeliveryRecord, type Emulator } from "../../emulator";

export const PROJECT = "demo";
const KEY = "k1";

export interface EmulatorFixture {
  emulator: Emulator;
  /** Creates a webhook for `url` on users.*.create and returns its id and generated key. */
  createWebhook(url: string, name?: string): Promise<{ id: string; secret: string }>;
  /** Fires users.<id>.create and returns the one delivery made to `url`. */
  deliver(url: string, payload?: Record<string, unknown>): Promise<DeliveryRecord>;
  close(): Promise<void>;
}

export async function startEmulatorFixture(): Promise<EmulatorFixture> {
  const emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: KEY }] }] });
  let users = 0;
  return {
    emulator,
    async createWebhook(url, name = "Receiver test") {
      const response = await request(`${emulator.endpoint}/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-appwrite-project": PROJECT, "x-appwrite-key": KEY },
        body: JSON.stringify({ webhookId: "unique()", name, url, events: ["users.*.create"] }),
      });
      const json = (await response.body.json()) as Record<string, unknown>;
      expect(response.statusCode, JSON.stringify(json)).toBe(201);
      return { id: json["$id"] as string, secret: json["secret"] as string };
    },
    async deliver(url, payload) {
      const id = `u${++users}`;
      const records = await emulator.emit({
        projectId: PROJECT,
        event: `users.${id}.create`,
        payload: payload ?? { $id: id, name: "José", prefs: { site: "https://example.com/é" } },
      });
      const record = records.find((r) => r.url === url);
      expect(record, `no delivery to ${url}`).toBeDefined();
      return record as DeliveryRecord;
    },
    close: () => emulator.close(),
  };
}

/**
 * Sends a recorded delivery again to `origin + path` with the emulator's own headers, the last
 * body byte's lowest bit flipped. Returns the status and the JSON answer.
 */
export async function replayTampered(
  record: DeliveryRecord,
  target: string,
): Promise<{ status: number; json: unknown }> {
  const body = Buffer.from(record.body, "utf8");
  body[body.length - 1] = (body[body.length - 1] as number) ^ 0x01;
  const headers = Object.fromEntries(
    Object.entries(record.requestHeaders).filter(
      ([name]) => !["host", "content-length"].includes(name.toLowerCase()),
    ),
  );
  const response = await request(target, { method: "POST", headers, body });
  const text = await response.body.text();
  return { status: response.statusCode, json: JSON.parse(text) as unknown };
}

/**
 * Sends a recorded delivery again to `target`, re-signed with `key` as Appwrite signs (HMAC-SHA1
 * of the configured URL, which must have no %XX escapes here, and the body): a forgery by whoever
 * holds that key. Returns the status and the JSON answer.
 */
export async function replaySignedWith(
  record: DeliveryRecord,
  target: string,
  key: string,
): Promise<{ status: number; json: unknown }> {
  expect(record.url).not.toContain("%");
  const headers = Object.fromEntries(
    Object.entries(record.requestHeaders).filter(
      ([name]) => !["host", "content-length"].includes(name.toLowerCase()),
    ),
  );
  headers["x-appwrite-webhook-signature"] = createHmac("sha1", key)
    .update(record.url)
    .update(record.body)
    .digest("base64");
  const response = await request(target, { method: "POST", headers, body: record.body });
  const text = await response.body.text();
  return { status: response.statusCode, json: JSON.parse(text) as unknown };
}

/** The answer every receiver gives while its previous key is the word `null`. */
export const PREVIOUS_IS_NULL = {
  status: 500,
  json: {
    error: "receiver_misconfigured",
    reason: "invalid-secrets",
    problem:
      'the previous key is the text "null", which is how an unset value prints (pulumi stack output prints null before the first rotation); leave it empty or unset instead',
  },
};
