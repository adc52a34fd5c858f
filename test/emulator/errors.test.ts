/**
 * Every error type the webhooks API raises, with the exact body (`message`, `code` as a
 * number, `type`, `version` in that order), its headers, and the order of checks: project and
 * key first, then parameters, then the action.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { body, call, Cleanup, createWebhook, ERROR_KEYS, errorOf, webhookBody } from "./http";
import {
  API_KEY,
  emulatorOf,
  isRealAppwrite,
  OTHER_PROJECT_ID,
  startTarget,
  testId,
  type Target,
} from "./target";

let target: Target;
const cleanup = new Cleanup();
beforeAll(async () => {
  target = await startTarget({ maxBodyBytes: 64 * 1024 });
});
afterEach(() => cleanup.run());
afterAll(() => target.close());

describe("error body and headers", () => {
  it("is {message, code, type, version} with no-cache headers and the JSON content type", async () => {
    const response = await call(target, "GET", `/webhooks/${testId("nope")}`);
    expect(response.status).toBe(404);
    expect(response.headers["content-type"]).toBe("application/json; charset=UTF-8");
    expect(response.headers["cache-control"]).toBe("no-cache, no-store, must-revalidate");
    expect(response.headers["expires"]).toBe("0");
    expect(response.headers["pragma"]).toBe("no-cache");
    expect(Object.keys(body(response))).toEqual(ERROR_KEYS);
    // code is a JSON number, not a string.
    expect(response.text).toMatch(/"code":404,/);
    expect(response.text).toMatch(/"version":"1\.9\.6"\}$/);
  });
});

describe("project and key checks", () => {
  it("user_unauthorized (401) for an unknown key", async () => {
    const error = errorOf(await call(target, "GET", "/webhooks", { key: "not-a-real-key" }));
    expect(error).toEqual({
      status: 401,
      keys: ERROR_KEYS,
      type: "user_unauthorized",
      message: "The current user is not authorized to perform the requested action.",
      code: 401,
      version: "1.9.6",
    });
  });

  it("project_id_missing (403) for a key without X-Appwrite-Project", async () => {
    const error = errorOf(await call(target, "GET", "/webhooks", { project: null }));
    expect(error).toMatchObject({
      status: 403,
      type: "project_id_missing",
      code: 403,
      message:
        "When using project API key, make sure to pass x-appwrite-project header with your project ID.",
    });
  });

  it("project_not_found (404) for an unknown project", async () => {
    const error = errorOf(await call(target, "GET", "/webhooks", { project: testId("noproject") }));
    expect(error).toMatchObject({
      status: 404,
      type: "project_not_found",
      message:
        "Project with the requested ID could not be found. Please check the value of the X-Appwrite-Project header to ensure the correct project ID is being used.",
    });
  });

  it("general_unauthorized_scope (401) for a guest, naming the scope", async () => {
    const read = errorOf(await call(target, "GET", "/webhooks", { key: null }));
    expect(read).toMatchObject({
      status: 401,
      type: "general_unauthorized_scope",
      message: 'User (role: guests) missing scopes (["webhooks.read"])',
    });
    const write = errorOf(
      await call(target, "POST", "/webhooks", { key: null, body: webhookBody(testId("guest")) }),
    );
    expect(write.message).toBe('User (role: guests) missing scopes (["webhooks.write"])');
  });

  it.skipIf(isRealAppwrite)(
    "general_unauthorized_scope (401) for a key lacking the scope, naming the key's service identity",
    async () => {
      const readOnly = emulatorOf(target).createKey(target.projectId, { scopes: ["webhooks.read"] });
      expect(readOnly).toMatch(/^standard_[0-9a-f]{256}$/);
      expect((await call(target, "GET", "/webhooks", { key: readOnly })).status).toBe(200);
      const error = errorOf(
        await call(target, "POST", "/webhooks", { key: readOnly, body: webhookBody(testId("ro")) }),
      );
      expect(error).toMatchObject({
        status: 401,
        type: "general_unauthorized_scope",
        message: `app.${target.projectId}@service.${target.hostname} (role: applications) missing scopes (["webhooks.write"])`,
      });
    },
  );

  it.skipIf(isRealAppwrite)(
    "project_key_expired (401) for an expired key, before the scope check",
    async () => {
      const expired = emulatorOf(target).createKey(target.projectId, {
        scopes: [],
        expire: "2020-01-01T00:00:00.000+00:00",
      });
      expect(errorOf(await call(target, "GET", "/webhooks", { key: expired }))).toMatchObject({
        status: 401,
        type: "project_key_expired",
        message: "The project key has expired. Please generate a new key using the Appwrite console.",
      });
    },
  );

  it.skipIf(isRealAppwrite)("a key of one project does not work in another", async () => {
    const error = errorOf(
      await call(target, "GET", "/webhooks", { project: OTHER_PROJECT_ID, key: API_KEY }),
    );
    expect(error).toMatchObject({ status: 401, type: "user_unauthorized" });
  });

  it("checks auth before parameters, and parameters before the action", async () => {
    // An invalid body without credentials is a scope error, not a 400.
    const unauthenticated = await call(target, "POST", "/webhooks", {
      key: null,
      body: { webhookId: "_bad" },
    });
    expect(errorOf(unauthenticated).type).toBe("general_unauthorized_scope");
    const unknownProject = await call(target, "PUT", "/webhooks/!!", { project: testId("np"), body: {} });
    expect(errorOf(unknownProject).type).toBe("project_not_found");
    // An invalid path id is a 400 even though no such webhook exists.
    const invalidId = await call(target, "GET", "/webhooks/_leading-underscore");
    expect(errorOf(invalidId)).toMatchObject({
      status: 400,
      type: "general_argument_invalid",
      message:
        "Invalid `webhookId` param: UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore",
    });
    // A duplicate id with an invalid field fails on the field first.
    const id = testId("order");
    await createWebhook(target, cleanup, id);
    const duplicate = await call(target, "POST", "/webhooks", { body: webhookBody(id, { name: "" }) });
    expect(errorOf(duplicate)).toMatchObject({ status: 400, type: "general_argument_invalid" });
  });
});

describe("general_argument_invalid", () => {
  it('says Param "x" is not optional. for the first missing parameter in declaration order', async () => {
    const missingAll = errorOf(await call(target, "POST", "/webhooks", { body: {} }));
    expect(missingAll).toMatchObject({
      status: 400,
      type: "general_argument_invalid",
      message: 'Param "webhookId" is not optional.',
    });
    const missingUrl = errorOf(
      await call(target, "POST", "/webhooks", { body: { webhookId: "unique()", name: "n", events: [] } }),
    );
    expect(missingUrl.message).toBe('Param "url" is not optional.');
    const missingEvents = errorOf(
      await call(target, "PUT", `/webhooks/${testId("x")}`, {
        body: { name: "n", url: "https://a.example.com/" },
      }),
    );
    expect(missingEvents.message).toBe('Param "events" is not optional.');
  });

  it("treats malformed JSON, a JSON scalar and a non-JSON content type as no parameters", async () => {
    for (const options of [
      { raw: "{not json" },
      { raw: '"just a string"' },
      { raw: JSON.stringify(webhookBody("x")), contentType: "text/plain" },
    ]) {
      const error = errorOf(await call(target, "POST", "/webhooks", options));
      expect(error).toMatchObject({
        status: 400,
        type: "general_argument_invalid",
        message: 'Param "webhookId" is not optional.',
      });
    }
  });

  it.skipIf(isRealAppwrite)("refuses a body over the size cap with an Appwrite-shaped 413", async () => {
    const response = await call(target, "POST", "/webhooks", {
      raw: JSON.stringify(webhookBody("big", { name: "x".repeat(70 * 1024) })),
    });
    expect(response.status).toBe(413);
    expect(Object.keys(body(response))).toEqual(ERROR_KEYS);
    expect(body(response)["type"]).toBe("general_payload_too_large");
  });
});

describe("other errors", () => {
  it("general_route_not_found (404) for an unknown /v1 route and for a wrong method", async () => {
    for (const [method, path] of [
      ["GET", "/webhooks/a/b/c"],
      ["PATCH", "/webhooks"],
    ] as const) {
      const response = await call(target, method, path);
      expect(response.status).toBe(404);
      // Appwrite 1.9.x may answer with an HTML page here (its error view); the type is in it either way.
      if (isRealAppwrite) expect(response.text).toContain("Route not found");
      else
        expect(errorOf(response)).toMatchObject({
          type: "general_route_not_found",
          code: 404,
          keys: ERROR_KEYS,
        });
    }
  });

  it("general_cursor_not_found (400) for a cursor id that does not exist", async () => {
    const query = encodeURIComponent(JSON.stringify({ method: "cursorAfter", values: ["does-not-exist"] }));
    const error = errorOf(await call(target, "GET", `/webhooks?queries%5B0%5D=${query}`));
    expect(error).toMatchObject({
      status: 400,
      type: "general_cursor_not_found",
      message: "Webhook 'does-not-exist' for the 'cursor' value not found.",
    });
  });

  it("general_unknown (500) 'Server Error' when a value passes validation but not the storage limits", async () => {
    const longUrl = `https://hooks.example.com/${"a".repeat(240)}`;
    const error = errorOf(
      await call(target, "POST", "/webhooks", { body: webhookBody(testId("long"), { url: longUrl }) }),
    );
    expect(error).toEqual({
      status: 500,
      keys: ERROR_KEYS,
      type: "general_unknown",
      message: "Server Error",
      code: 500,
      version: "1.9.6",
    });
  });

  it("general_unknown (500) for JSON null on a non-nullable optional parameter (PHP TypeError)", async () => {
    const error = errorOf(
      await call(target, "POST", "/webhooks", { body: webhookBody(testId("null"), { enabled: null }) }),
    );
    expect(error).toMatchObject({ status: 500, type: "general_unknown", message: "Server Error" });
  });
});
