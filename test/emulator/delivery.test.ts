/**
 * The delivery worker, through the emulator's control API: payload bytes, signature
 * (checked against an independent HMAC and a vector computed with openssl), headers, basic
 * auth, event matching, and Appwrite's failure bookkeeping (attempts, logs, auto-disable).
 * Deliveries reach a local receiver through host routing, so URLs stay public.
 */
import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { body, call, Cleanup, createWebhook } from "./http";
import { startReceiver, type Receiver } from "./receiver";
import { emulatorOf, isRealAppwrite, OTHER_PROJECT_ID, startTarget, testId, type Target } from "./target";

/**
 * Computed in a shell, independently of any code in this repository:
 *   printf '%s' 'https://hooks.example.com/hook path?x=1{"$id":"u1","name":"Zo\u00eb","path":"a\/b"}' \
 *     | openssl dgst -sha1 -hmac 'contract-vector-secret' -binary | base64
 */
const VECTOR = {
  url: "https://hooks.example.com/hook%20path?x=1",
  secret: "contract-vector-secret",
  payload: { $id: "u1", name: "Zoë", path: "a/b" },
  body: '{"$id":"u1","name":"Zo\\u00eb","path":"a\\/b"}',
  signature: "pLopURVAF/Zh6Q78URZdEADMzTU=",
};
const USER_EVENTS = "users.u1.create,users.*.create,users.u1,users.*";

let target: Target;
let receiver: Receiver;
const cleanup = new Cleanup();

beforeAll(async () => {
  target = await startTarget({ deliveryTimeoutMs: 400, maxFailedAttempts: 10 });
  receiver = await startReceiver();
  if (!isRealAppwrite) emulatorOf(target).setHostRoutes({ "hooks.example.com": receiver.origin });
});
afterEach(async () => {
  await cleanup.run();
  receiver.received.length = 0;
});
afterAll(async () => {
  await receiver.close();
  await target.close();
});

const emit = (event: string, payload: unknown = { $id: "u1" }, userId?: string) =>
  emulatorOf(target).emit({ projectId: target.projectId, event, payload, ...(userId ? { userId } : {}) });

const stored = (id: string) =>
  emulatorOf(target)
    .webhooks(target.projectId)
    .find((webhook) => webhook.$id === id);

describe("a delivery", () => {
  it.skipIf(isRealAppwrite)("is the PHP json_encode body, signed over rawurldecode(url) + body", async () => {
    const created = await createWebhook(target, cleanup, testId("sig"), {
      url: VECTOR.url,
      secret: VECTOR.secret,
      events: ["users.*"],
    });
    const [record] = await emit("users.u1.create", VECTOR.payload);
    expect(record).toMatchObject({ webhookId: created["$id"], status: 200, success: true, error: null });
    const request = receiver.received[0];
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/hook%20path?x=1");
    expect(request?.body).toBe(VECTOR.body);
    const signature = request?.headers["x-appwrite-webhook-signature"];
    expect(signature).toBe(VECTOR.signature);
    const independent = createHmac("sha1", VECTOR.secret)
      .update("https://hooks.example.com/hook path?x=1")
      .update(VECTOR.body)
      .digest("base64");
    expect(signature).toBe(independent);
  });

  it.skipIf(isRealAppwrite)(
    "carries Appwrite's headers, with all generated events and the routed host kept",
    async () => {
      const created = await createWebhook(target, cleanup, testId("hdr"), {
        name: "Header check",
        events: ["users.*"],
      });
      await emit("users.u1.create", { $id: "u1", emoji: "😀" });
      const request = receiver.received[0];
      const expectedBody = '{"$id":"u1","emoji":"\\ud83d\\ude00"}';
      expect(request?.body).toBe(expectedBody);
      expect(request?.headers).toMatchObject({
        host: "hooks.example.com",
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(expectedBody)),
        "user-agent": "Appwrite-Server vdev. Please report abuse at security@appwrite.io",
        "x-appwrite-webhook-id": created["$id"],
        "x-appwrite-webhook-events": USER_EVENTS,
        "x-appwrite-webhook-name": "Header check",
        "x-appwrite-webhook-project-id": target.projectId,
      });
      // curl does not send a header whose value is empty: an API-key trigger has no user id.
      expect(request?.headers["x-appwrite-webhook-user-id"]).toBeUndefined();
      expect(request?.headers["authorization"]).toBeUndefined();
      const secret = String(created["secret"]);
      const expected = createHmac("sha1", secret)
        .update("https://hooks.example.com/appwrite")
        .update(expectedBody)
        .digest("base64");
      expect(request?.headers["x-appwrite-webhook-signature"]).toBe(expected);
      await emit("users.u1.create", { $id: "u1" }, "user-42");
      expect(receiver.received[1]?.headers["x-appwrite-webhook-user-id"]).toBe("user-42");
    },
  );

  it.skipIf(isRealAppwrite)("sends basic auth only when both username and password are set", async () => {
    const both = await createWebhook(target, cleanup, testId("auth"), {
      url: "https://hooks.example.com/both",
      authUsername: "alice",
      authPassword: "pä:ss",
    });
    await createWebhook(target, cleanup, testId("auth"), {
      url: "https://hooks.example.com/user-only",
      authUsername: "alice",
    });
    await createWebhook(target, cleanup, testId("auth"), {
      url: "https://hooks.example.com/zero",
      authUsername: "0",
      authPassword: "x",
    });
    await emit("users.u1.create");
    const byPath = new Map(
      receiver.received.map((request) => [request.path, request.headers["authorization"]]),
    );
    expect(byPath.get("/both")).toBe(`Basic ${Buffer.from("alice:pä:ss", "utf8").toString("base64")}`);
    expect(byPath.get("/user-only")).toBeUndefined();
    // PHP empty("0") is true.
    expect(byPath.get("/zero")).toBeUndefined();
    expect(byPath.size).toBe(3);
    expect(both["authPassword"]).toBe("pä:ss");
  });

  it.skipIf(isRealAppwrite)("sends a non-ASCII webhook name as UTF-8 bytes, as curl does", async () => {
    await createWebhook(target, cleanup, testId("utf8"), { name: "Zoë 😀" });
    const [record] = await emit("users.u1.create");
    expect(record).toMatchObject({ success: true, requestHeaders: { "x-appwrite-webhook-name": "Zoë 😀" } });
    // Node decodes header bytes as latin1, so the UTF-8 bytes arrive as their latin1 reading.
    const raw = String(receiver.received[0]?.headers["x-appwrite-webhook-name"]);
    expect(Buffer.from(raw, "latin1").toString("utf8")).toBe("Zoë 😀");
  });
});

describe("matching", () => {
  it.skipIf(isRealAppwrite)(
    "delivers to enabled webhooks of the project whose events intersect exactly",
    async () => {
      const hit = await createWebhook(target, cleanup, testId("hit"), {
        url: "https://hooks.example.com/hit",
        events: ["users.*.create"],
      });
      await createWebhook(target, cleanup, testId("miss"), {
        url: "https://hooks.example.com/miss",
        events: ["users.*.delete", "users.u2"],
      });
      await createWebhook(target, cleanup, testId("off"), {
        url: "https://hooks.example.com/off",
        events: ["users.*"],
        enabled: false,
      });
      const emulator = emulatorOf(target);
      emulator.createKey(OTHER_PROJECT_ID, { key: "other-project-delivery-key" });
      const foreign = await call(target, "POST", "/webhooks", {
        body: {
          webhookId: testId("foreign"),
          url: "https://hooks.example.com/foreign",
          name: "f",
          events: ["users.*"],
        },
        project: OTHER_PROJECT_ID,
        key: "other-project-delivery-key",
      });
      expect(foreign.status).toBe(201);
      const records = await emit("users.u1.create");
      expect(records.map((record) => record.webhookId)).toEqual([hit["$id"]]);
      expect(receiver.received.map((request) => request.path)).toEqual(["/hit"]);
      expect(emulator.deleteWebhook(String(body(foreign)["$id"]))).toBe(true);
    },
  );

  it.skipIf(isRealAppwrite)(
    "matches either spelling of database events (collections/documents and tables/rows)",
    async () => {
      await createWebhook(target, cleanup, testId("rows"), {
        events: ["databases.*.tables.*.rows.*.create"],
      });
      const [record] = await emit("databases.db1.collections.c1.documents.d1.create");
      expect(record?.events).toHaveLength(42);
      expect(record?.events).toContain("databases.db1.collections.c1.documents.d1.create");
      expect(receiver.received[0]?.headers["x-appwrite-webhook-events"]?.toString().split(",")).toHaveLength(
        42,
      );
    },
  );
});

describe("failure bookkeeping", () => {
  it.skipIf(isRealAppwrite)(
    "counts a status >= 400 as a failure with Appwrite's log, and a success resets attempts",
    async () => {
      receiver.reply("/failing", { status: 500, body: "boom" });
      const id = String(
        (await createWebhook(target, cleanup, testId("fail"), { url: "https://hooks.example.com/failing" }))[
          "$id"
        ],
      );
      const [failed] = await emit("users.u1.create");
      expect(failed).toMatchObject({ status: 500, success: false, error: null, responseBody: "boom" });
      expect(stored(id)).toMatchObject({
        attempts: 1,
        enabled: true,
        logs: "URL: https://hooks.example.com/failing\nMethod: POST\nStatus code: 500\nBody: \nboom\n",
      });
      const viaApi = body(await call(target, "GET", `/webhooks/${id}`));
      expect(viaApi).toMatchObject({
        attempts: 1,
        logs: "URL: https://hooks.example.com/failing\nMethod: POST\nStatus code: 500\nBody: \nboom\n",
      });
      receiver.reply("/failing", { status: 204, body: "" });
      await emit("users.u1.create");
      expect(stored(id)).toMatchObject({ attempts: 0, logs: viaApi["logs"] });
    },
  );

  it.skipIf(isRealAppwrite)("treats a redirect as success without following it", async () => {
    receiver.reply("/moved", { status: 302, headers: { location: "https://hooks.example.com/elsewhere" } });
    const id = String(
      (await createWebhook(target, cleanup, testId("redir"), { url: "https://hooks.example.com/moved" }))[
        "$id"
      ],
    );
    const [record] = await emit("users.u1.create");
    expect(record).toMatchObject({ status: 302, success: true });
    expect(receiver.received.map((request) => request.path)).toEqual(["/moved"]);
    expect(stored(id)?.attempts).toBe(0);
  });

  it.skipIf(isRealAppwrite)(
    "disables a webhook after 10 consecutive failures; PUT re-enables and resets attempts",
    async () => {
      const url = "https://dead.example.net/hook";
      const id = String((await createWebhook(target, cleanup, testId("dead"), { url }))["$id"]);
      for (let i = 1; i <= 10; i++) {
        const [record] = await emit("users.u1.create");
        expect(record).toMatchObject({
          success: false,
          status: null,
          target: null,
          error: "Could not resolve host: dead.example.net",
        });
        expect(stored(id)).toMatchObject({ attempts: i, enabled: i < 10 });
      }
      expect(stored(id)?.logs).toBe(
        `URL: ${url}\nMethod: POST\nCURL Error: Could not resolve host: dead.example.net\nEvents: ${USER_EVENTS.split(",").join(", ")}\n`,
      );
      expect(await emit("users.u1.create")).toEqual([]);
      expect(body(await call(target, "GET", `/webhooks/${id}`))).toMatchObject({
        enabled: false,
        attempts: 10,
      });
      const reenabled = await call(target, "PUT", `/webhooks/${id}`, {
        body: { name: "n", url, events: ["users.*"] },
      });
      expect(body(reenabled)).toMatchObject({ enabled: true, attempts: 0 });
    },
  );

  it.skipIf(isRealAppwrite)(
    "reports a timeout and a refused connection the way curl words them",
    async () => {
      receiver.reply("/slow", { delayMs: 1500 });
      await createWebhook(target, cleanup, testId("slow"), { url: "https://hooks.example.com/slow" });
      const [slow] = await emit("users.u1.create");
      expect(slow?.error).toMatch(/^Operation timed out after \d+ milliseconds with 0 bytes received$/);
      expect(slow?.durationMs).toBeGreaterThanOrEqual(390);
      expect(slow?.durationMs).toBeLessThan(1400);
      await cleanup.run();

      const emulator = emulatorOf(target);
      emulator.setHostRoutes({
        "hooks.example.com": receiver.origin,
        "closed.example.com": "http://127.0.0.1:1",
      });
      try {
        await createWebhook(target, cleanup, testId("refused"), { url: "https://closed.example.com/x" });
        const [refused] = await emit("users.u1.create");
        expect(refused?.error).toMatch(
          /^Failed to connect to closed\.example\.com port 443 after \d+ ms: Couldn't connect to server$/,
        );
        expect(refused?.target).toBe("http://127.0.0.1:1/x");
      } finally {
        emulator.setHostRoutes({ "hooks.example.com": receiver.origin });
      }
    },
  );

  it.skipIf(isRealAppwrite)(
    "refuses a host route to a non-loopback origin unless external delivery is allowed",
    () => {
      expect(() => emulatorOf(target).setHostRoutes({ "hooks.example.com": "http://10.0.0.1:80" })).toThrow(
        /loopback/,
      );
    },
  );
});
