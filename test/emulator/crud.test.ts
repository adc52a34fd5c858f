/**
 * The six endpoints end to end, over raw HTTP and through node-appwrite: status codes, the
 * model's key order and values, secret visibility, PUT's full-replace semantics, empty
 * bodies, instance-wide id uniqueness, legacy aliases and response format filters.
 */
import { AppwriteException } from "node-appwrite";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { body, call, Cleanup, createWebhook, errorOf, webhookBody } from "./http";
import { sdkFor } from "./sdk";
import {
  emulatorOf,
  isRealAppwrite,
  OTHER_PROJECT_ID,
  startTarget,
  testId,
  type Target,
  API_KEY,
} from "./target";

const MODEL_KEYS = [
  "$id",
  "$createdAt",
  "$updatedAt",
  "name",
  "url",
  "events",
  "tls",
  "authUsername",
  "authPassword",
  "secret",
  "enabled",
  "logs",
  "attempts",
];
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+00:00$/;

let target: Target;
const cleanup = new Cleanup();
beforeAll(async () => {
  target = await startTarget();
});
afterEach(() => cleanup.run());
afterAll(() => target.close());

describe("POST /v1/webhooks", () => {
  it("answers 201 with the model in Appwrite's key order and a generated 128-hex secret", async () => {
    const id = testId("create");
    const response = await call(target, "POST", "/webhooks", {
      body: webhookBody(id, { url: "https://hooks.example.com/a/b?x=1", name: "Zoë" }),
    });
    cleanup.track(target, id);
    expect(response.status).toBe(201);
    expect(response.headers["content-type"]).toBe("application/json; charset=UTF-8");
    const created = body(response);
    expect(Object.keys(created)).toEqual(MODEL_KEYS);
    expect(created).toMatchObject({
      $id: id,
      name: "Zoë",
      url: "https://hooks.example.com/a/b?x=1",
      events: ["users.*.create"],
      tls: false,
      authUsername: "",
      authPassword: "",
      enabled: true,
      logs: "",
      attempts: 0,
    });
    expect(created["secret"]).toMatch(/^[0-9a-f]{128}$/);
    expect(created["$createdAt"]).toMatch(TIMESTAMP);
    expect(created["$updatedAt"]).toBe(created["$createdAt"]);
    // PHP json_encode escapes "/" but keeps UTF-8 (JSON_UNESCAPED_UNICODE).
    expect(response.text).toContain('"url":"https:\\/\\/hooks.example.com\\/a\\/b?x=1"');
    expect(response.text).toContain('"name":"Zoë"');
  });

  it("replaces unique() with a 20-character id (13 hex uniqid + 7 hex)", async () => {
    const created = await createWebhook(target, cleanup, "unique()");
    expect(created["$id"]).toMatch(/^[0-9a-f]{20}$/);
  });

  it("stores a custom secret and the basic-auth password verbatim, and returns the password in plain text", async () => {
    const created = await createWebhook(target, cleanup, testId("auth"), {
      secret: "custom-secret-1",
      authUsername: "user",
      authPassword: "p@ss/wörd",
      enabled: false,
      tls: true,
    });
    expect(created).toMatchObject({
      secret: "custom-secret-1",
      authUsername: "user",
      authPassword: "p@ss/wörd",
      enabled: false,
      tls: true,
    });
    const fetched = body(await call(target, "GET", `/webhooks/${String(created["$id"])}`));
    expect(fetched).toMatchObject({ secret: "", authPassword: "p@ss/wörd", enabled: false, tls: true });
  });

  it("answers 409 webhook_already_exists for a duplicate id", async () => {
    const id = testId("dup");
    await createWebhook(target, cleanup, id);
    const error = errorOf(await call(target, "POST", "/webhooks", { body: webhookBody(id) }));
    expect(error).toMatchObject({ status: 409, type: "webhook_already_exists", code: 409 });
    expect(error.message).toBe("Webhook with the same ID already exists. Try again with a different ID.");
  });

  it.skipIf(isRealAppwrite)("keeps ids unique across projects (409 from another project)", async () => {
    const id = testId("cross");
    await createWebhook(target, cleanup, id);
    const other = await call(target, "POST", "/webhooks", {
      body: webhookBody(id),
      project: OTHER_PROJECT_ID,
      key: `${API_KEY}-other`,
    });
    expect(errorOf(other)).toMatchObject({ status: 409, type: "webhook_already_exists" });
    expect(emulatorOf(target).webhooks(OTHER_PROJECT_ID)).toEqual([]);
  });
});

describe("GET /v1/webhooks/:id", () => {
  it("answers 200 with secret hidden as an empty string", async () => {
    const created = await createWebhook(target, cleanup, testId("get"));
    const response = await call(target, "GET", `/webhooks/${String(created["$id"])}`);
    expect(response.status).toBe(200);
    const fetched = body(response);
    expect(Object.keys(fetched)).toEqual(MODEL_KEYS);
    expect(fetched).toEqual({ ...created, secret: "" });
  });

  it("answers 404 webhook_not_found for an unknown id", async () => {
    const error = errorOf(await call(target, "GET", `/webhooks/${testId("missing")}`));
    expect(error).toEqual({
      status: 404,
      keys: ["message", "code", "type", "version"],
      type: "webhook_not_found",
      message: "Webhook with the requested ID could not be found.",
      code: 404,
      version: "1.9.6",
    });
  });

  it.skipIf(isRealAppwrite)("does not see another project's webhook (GET and DELETE give 404)", async () => {
    const id = testId("foreign");
    const other = { project: OTHER_PROJECT_ID, key: `${API_KEY}-other` };
    expect((await call(target, "POST", "/webhooks", { body: webhookBody(id), ...other })).status).toBe(201);
    try {
      expect(errorOf(await call(target, "GET", `/webhooks/${id}`)).type).toBe("webhook_not_found");
      expect(errorOf(await call(target, "DELETE", `/webhooks/${id}`)).type).toBe("webhook_not_found");
      expect((await call(target, "GET", `/webhooks/${id}`, other)).status).toBe(200);
    } finally {
      expect((await call(target, "DELETE", `/webhooks/${id}`, other)).status).toBe(204);
    }
  });
});

describe("PUT /v1/webhooks/:id", () => {
  it("is a full replace: omitted fields return to enabled=true, tls=false, auth ''", async () => {
    const created = await createWebhook(target, cleanup, testId("put"), {
      enabled: false,
      tls: true,
      authUsername: "u",
      authPassword: "p",
      secret: "kept-secret-1",
    });
    const id = String(created["$id"]);
    const response = await call(target, "PUT", `/webhooks/${id}`, {
      body: { name: "renamed", url: "https://other.example.org/hook", events: ["buckets.*.files.*"] },
    });
    expect(response.status).toBe(200);
    const updated = body(response);
    expect(Object.keys(updated)).toEqual(MODEL_KEYS);
    expect(updated).toMatchObject({
      $id: id,
      name: "renamed",
      url: "https://other.example.org/hook",
      events: ["buckets.*.files.*"],
      enabled: true,
      tls: false,
      authUsername: "",
      authPassword: "",
      secret: "",
      attempts: 0,
    });
    expect(updated["$createdAt"]).toBe(created["$createdAt"]);
    // The secret survives a PUT: PATCH …/secret without a value would be the only way to change it.
    if (!isRealAppwrite)
      expect(
        emulatorOf(target)
          .webhooks(target.projectId)
          .find((w) => w.$id === id)?.secret,
      ).toBe("kept-secret-1");
  });

  it.skipIf(isRealAppwrite)(
    "resets attempts when enabled (sent or defaulted) and keeps them when disabled",
    async () => {
      const emulator = emulatorOf(target);
      const id = String((await createWebhook(target, cleanup, testId("attempts")))["$id"]);
      const fields = { name: "n", url: "https://hooks.example.com/x", events: ["users.*"] };
      emulator.updateWebhook(id, { attempts: 7, enabled: false });
      expect(
        body(await call(target, "PUT", `/webhooks/${id}`, { body: { ...fields, enabled: false } }))[
          "attempts"
        ],
      ).toBe(7);
      expect(body(await call(target, "PUT", `/webhooks/${id}`, { body: fields }))).toMatchObject({
        attempts: 0,
        enabled: true,
      });
    },
  );

  it("answers 404 for an unknown webhook and leaves a rejected update unapplied", async () => {
    const missing = await call(target, "PUT", `/webhooks/${testId("none")}`, {
      body: { name: "n", url: "https://hooks.example.com/x", events: [] },
    });
    expect(errorOf(missing)).toMatchObject({ status: 404, type: "webhook_not_found" });
    const id = String((await createWebhook(target, cleanup, testId("keep")))["$id"]);
    const rejected = await call(target, "PUT", `/webhooks/${id}`, {
      body: { name: "n", url: "http://localhost/x", events: [] },
    });
    expect(errorOf(rejected)).toMatchObject({ status: 400, type: "general_argument_invalid" });
    expect(body(await call(target, "GET", `/webhooks/${id}`))["url"]).toBe(
      "https://hooks.example.com/appwrite",
    );
  });
});

describe("PATCH /v1/webhooks/:id/secret", () => {
  it("generates a new 128-hex secret and returns it; GET still hides it", async () => {
    const created = await createWebhook(target, cleanup, testId("rotate"));
    const id = String(created["$id"]);
    const response = await call(target, "PATCH", `/webhooks/${id}/secret`, { raw: "[]" });
    expect(response.status).toBe(200);
    const rotated = body(response);
    expect(Object.keys(rotated)).toEqual(MODEL_KEYS);
    expect(rotated["secret"]).toMatch(/^[0-9a-f]{128}$/);
    expect(rotated["secret"]).not.toBe(created["secret"]);
    expect(body(await call(target, "GET", `/webhooks/${id}`))["secret"]).toBe("");
  });

  it("sets a given secret, and JSON null means generate", async () => {
    const id = String((await createWebhook(target, cleanup, testId("setsecret")))["$id"]);
    expect(
      body(await call(target, "PATCH", `/webhooks/${id}/secret`, { body: { secret: "my-own-secret" } }))[
        "secret"
      ],
    ).toBe("my-own-secret");
    expect(
      body(await call(target, "PATCH", `/webhooks/${id}/secret`, { body: { secret: null } }))["secret"],
    ).toMatch(/^[0-9a-f]{128}$/);
  });
});

describe("DELETE /v1/webhooks/:id", () => {
  it("answers 204 with an empty body for [] and for {}, then 404", async () => {
    const first = String((await createWebhook(target, cleanup, testId("del")))["$id"]);
    const second = String((await createWebhook(target, cleanup, testId("del")))["$id"]);
    const withList = await call(target, "DELETE", `/webhooks/${first}`, { raw: "[]" });
    expect(withList.status).toBe(204);
    expect(withList.text).toBe("");
    const withObject = await call(target, "DELETE", `/webhooks/${second}`, { raw: "{}" });
    expect(withObject.status).toBe(204);
    expect(withObject.text).toBe("");
    expect(errorOf(await call(target, "DELETE", `/webhooks/${first}`))).toMatchObject({
      status: 404,
      type: "webhook_not_found",
    });
  });
});

describe("node-appwrite 27.1.0 as an independent client", () => {
  it("runs create, get, list, update, updateSecret and delete", async () => {
    const webhooks = sdkFor(target);
    const id = testId("sdk");
    const created = await webhooks.create({
      webhookId: id,
      url: "https://hooks.example.com/sdk",
      name: "sdk",
      events: ["users.*.create", "users.*.delete"],
      authUsername: "alice",
      authPassword: "secret-pw",
    });
    cleanup.track(target, id);
    expect(created).toMatchObject({
      $id: id,
      tls: false,
      enabled: true,
      authUsername: "alice",
      authPassword: "secret-pw",
    });
    expect(created.secret).toMatch(/^[0-9a-f]{128}$/);
    expect(await webhooks.get({ webhookId: id })).toMatchObject({ $id: id, secret: "", name: "sdk" });
    const listed = await webhooks.list({ total: true });
    expect(listed.webhooks.map((w) => w.$id)).toContain(id);
    expect(listed.total).toBeGreaterThanOrEqual(1);
    const updated = await webhooks.update({
      webhookId: id,
      name: "sdk2",
      url: "https://hooks.example.com/sdk2",
      events: ["users.*"],
      tls: true,
    });
    expect(updated).toMatchObject({
      name: "sdk2",
      tls: true,
      authUsername: "",
      authPassword: "",
      secret: "",
    });
    const rotated = await webhooks.updateSecret({ webhookId: id, secret: "sdk-chosen-secret" });
    expect(rotated.secret).toBe("sdk-chosen-secret");
    await webhooks.delete({ webhookId: id });
    const error = await webhooks.get({ webhookId: id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppwriteException);
    expect(error).toMatchObject({ code: 404, type: "webhook_not_found" });
  });
});

describe("legacy /v1/projects/:projectId/webhooks aliases", () => {
  it("serve the same endpoints (and /signature for the secret)", async () => {
    const id = testId("legacy");
    const base = `/projects/${target.projectId}/webhooks`;
    const created = await call(target, "POST", base, { body: webhookBody(id) });
    cleanup.track(target, id);
    expect(created.status).toBe(201);
    expect((await call(target, "GET", `${base}/${id}`)).status).toBe(200);
    expect(body(await call(target, "GET", base))["webhooks"]).toEqual(
      expect.arrayContaining([expect.objectContaining({ $id: id })]),
    );
    expect(
      body(await call(target, "PATCH", `${base}/${id}/signature`, { body: { secret: "legacy-secret" } }))[
        "secret"
      ],
    ).toBe("legacy-secret");
    expect(
      (
        await call(target, "PUT", `${base}/${id}`, {
          body: { name: "l", url: "https://hooks.example.com/l", events: [] },
        })
      ).status,
    ).toBe(200);
    expect((await call(target, "DELETE", `${base}/${id}`)).status).toBe(204);
  });

  it("refuse a project header that names another project", async () => {
    const response = await call(target, "GET", `/projects/${target.projectId}/webhooks`, {
      project: "some-other-project",
      key: null,
    });
    expect(errorOf(response)).toMatchObject({ status: 401, type: "user_unauthorized" });
  });
});

describe("X-Appwrite-Response-Format", () => {
  it("before 1.9.1 uses security/httpUser/httpPass/signatureKey in and out", async () => {
    const id = testId("v190");
    const response = await call(target, "POST", "/webhooks", {
      body: {
        webhookId: id,
        url: "https://hooks.example.com/old",
        name: "old",
        events: [],
        security: true,
        httpUser: "u",
        httpPass: "p",
      },
      headers: { "x-appwrite-response-format": "1.9.0" },
    });
    cleanup.track(target, id);
    expect(response.status).toBe(201);
    const created = body(response);
    // prettier-ignore
    expect(Object.keys(created)).toEqual([
      "$id", "$createdAt", "$updatedAt", "name", "url", "events", "enabled", "logs", "attempts",
      "security", "httpUser", "httpPass", "signatureKey",
    ]);
    expect(created).toMatchObject({ security: true, httpUser: "u", httpPass: "p" });
    expect(created["signatureKey"]).toMatch(/^[0-9a-f]{128}$/);
    const current = body(
      await call(target, "GET", `/webhooks/${id}`, { headers: { "x-appwrite-response-format": "1.9.5" } }),
    );
    expect(current).toMatchObject({ tls: true, authUsername: "u", authPassword: "p", secret: "" });
  });

  it("before 1.9.0 lets create omit webhookId", async () => {
    const response = await call(target, "POST", "/webhooks", {
      body: { url: "https://hooks.example.com/older", name: "older", events: [] },
      headers: { "x-appwrite-response-format": "1.8.0" },
    });
    expect(response.status).toBe(201);
    const id = String(body(response)["$id"]);
    cleanup.track(target, id);
    expect(id).toMatch(/^[0-9a-f]{20}$/);
  });
});
