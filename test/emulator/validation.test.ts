/**
 * Parameter validation edges of Appwrite 1.9.6, each asserted with the exact message
 * (the validator descriptions are part of the API), and the storage limits behind them.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { body, call, Cleanup, errorOf, webhookBody, type Json } from "./http";
import { startTarget, testId, type Target } from "./target";

const URL_MESSAGE =
  "Invalid `url` param: 1. Value must be a valid URL with following schemes (http, https) \n2. Value must be a public domain \n";
const EVENTS_MESSAGE =
  "Invalid `events` param: Value must a valid array no longer than 100 items and Event is not valid.";
const SECRET_MESSAGE =
  "Invalid `secret` param: Value must be a valid string and at least 8 chars and no longer than 256 chars or null";
const ID_MESSAGE =
  "Invalid `webhookId` param: Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char";

let target: Target;
const cleanup = new Cleanup();
beforeAll(async () => {
  target = await startTarget();
});
afterEach(() => cleanup.run());
afterAll(() => target.close());

/** POSTs a create with overrides; returns status and (for 400s) the message. */
async function tryCreate(overrides: Json): Promise<{ status: number; message: unknown; created?: Json }> {
  const id = typeof overrides["webhookId"] === "string" ? overrides["webhookId"] : testId("v");
  const response = await call(target, "POST", "/webhooks", { body: webhookBody(id, overrides) });
  if (response.status === 201) {
    const created = body(response);
    cleanup.track(target, String(created["$id"]));
    return { status: 201, message: undefined, created };
  }
  return { status: response.status, message: errorOf(response).message };
}

describe("secret", () => {
  it.each([
    [7, 400],
    [8, 201],
    [256, 201],
    [257, 400],
  ])("length %i gives %i", async (length, status) => {
    const result = await tryCreate({ secret: "s".repeat(length) });
    expect(result.status).toBe(status);
    if (status === 400) expect(result.message).toBe(SECRET_MESSAGE);
    else expect(result.created?.["secret"]).toBe("s".repeat(length));
  });

  it("JSON null skips validation and generates a secret", async () => {
    const result = await tryCreate({ secret: null });
    expect(result.created?.["secret"]).toMatch(/^[0-9a-f]{128}$/);
  });
});

describe("url", () => {
  it.each([
    "http://localhost/x",
    "http://127.0.0.1/x",
    "https://8.8.8.8/",
    "http://[::1]/x",
    "https://printer.local/x",
    "https://hooks.test/x",
    "https://a.internal/x",
    "https://foo.example/x",
    "https://foo.invalid/x",
    "https://foo.lan/x",
    "https://myserver/x",
    "https://hooks.example.com./x",
    "invalid://appwrite.io",
    "ftp://hooks.example.com/x",
    "HTTPS://hooks.example.com/x",
    "https://hooks.example.com/a b",
    "https://hook_s.example.com/x",
    "https://hooks.example.com:99999/x",
    "hooks.example.com/x",
    "https://request-catcher-webhook/x",
  ])("rejects %s", async (url) => {
    expect(await tryCreate({ url })).toEqual({ status: 400, message: URL_MESSAGE });
  });

  it.each([
    "https://appwrite.io/",
    "http://x.nip.io/hook",
    "https://foo.co.uk/a?b=c#frag",
    "https://foo.github.io:8443/p",
    "https://user:pass@hooks.example.com/x",
    "https://xn--bcher-kva.ch/x",
    "https://hooks.example.com/path%20with%20escapes",
  ])("accepts %s", async (url) => {
    const result = await tryCreate({ url });
    expect(result.status).toBe(201);
    expect(result.created?.["url"]).toBe(url);
  });

  it("rejects a missing or non-string url", async () => {
    expect((await tryCreate({ url: 42 })).message).toBe(URL_MESSAGE);
    expect((await tryCreate({ url: "" })).message).toBe(URL_MESSAGE);
  });
});

describe("events", () => {
  it("accepts [] and duplicates, and keeps order", async () => {
    expect((await tryCreate({ events: [] })).created?.["events"]).toEqual([]);
    const events = ["users.*.create", "users.*", "users.*.create"];
    expect((await tryCreate({ events })).created?.["events"]).toEqual(events);
  });

  it.each([
    "users.*.sessions",
    "users.*.sessions.*.create",
    "users.u1.update.email",
    "databases.*.collections.*.documents.*.create",
    "databases.*.tables.*.rows.*.delete",
    "buckets.*.files.*",
    "teams.*.memberships.*.update.status",
  ])("accepts %s", async (event) => {
    expect((await tryCreate({ events: [event] })).status).toBe(201);
  });

  it.each([
    "databases.*.collections.*.documents.*.upsert",
    "databases.*.tables.*.rows.*.upsert",
    "account.*",
    "webhooks.*",
    "users",
    "users.*.*",
    "users.*.update.labels",
    "teams.*.update.status",
  ])("rejects %s", async (event) => {
    expect(await tryCreate({ events: [event] })).toEqual({ status: 400, message: EVENTS_MESSAGE });
  });

  it("accepts 100 events and rejects 101", async () => {
    const events = Array.from({ length: 101 }, (_, i) => `users.u${i}.create`);
    expect((await tryCreate({ events: events.slice(0, 100) })).status).toBe(201);
    expect(await tryCreate({ events })).toEqual({ status: 400, message: EVENTS_MESSAGE });
  });

  it("rejects a string and a non-string element", async () => {
    expect((await tryCreate({ events: "users.*" })).message).toBe(EVENTS_MESSAGE);
    expect((await tryCreate({ events: [1] })).message).toBe(EVENTS_MESSAGE);
  });

  it("fails with 500 for an event longer than the 255-character column", async () => {
    const result = await tryCreate({ events: [`users.${"u".repeat(250)}`] });
    expect(result).toEqual({ status: 500, message: "Server Error" });
  });
});

describe("name", () => {
  it("accepts 1 and 128 characters (code points), rejects '' and 129", async () => {
    expect((await tryCreate({ name: "n" })).status).toBe(201);
    expect((await tryCreate({ name: "é".repeat(128) })).status).toBe(201);
    expect((await tryCreate({ name: "😀".repeat(128) })).status).toBe(201);
    const message =
      "Invalid `name` param: Value must be a valid string and at least 1 chars and no longer than 128 chars";
    expect(await tryCreate({ name: "n".repeat(129) })).toEqual({ status: 400, message });
    expect(await tryCreate({ name: "" })).toEqual({ status: 400, message });
    expect(await tryCreate({ name: 5 })).toEqual({ status: 400, message });
  });
});

describe("booleans", () => {
  it.each(["enabled", "tls"])("%s is strict: true/false only", async (field) => {
    const message = `Invalid \`${field}\` param: Value must be a valid boolean`;
    for (const value of ["true", 1, "1", "yes"])
      expect(await tryCreate({ [field]: value })).toEqual({ status: 400, message });
    expect((await tryCreate({ [field]: true })).created?.[field]).toBe(true);
  });
});

describe("authUsername and authPassword", () => {
  it("reject an empty string (Text has a minimum of 1) and accept 1..256 characters", async () => {
    const message = (field: string): string =>
      `Invalid \`${field}\` param: Value must be a valid string and at least 1 chars and no longer than 256 chars`;
    expect(await tryCreate({ authUsername: "" })).toEqual({ status: 400, message: message("authUsername") });
    expect(await tryCreate({ authPassword: "" })).toEqual({ status: 400, message: message("authPassword") });
    expect(await tryCreate({ authUsername: "u".repeat(257) })).toEqual({
      status: 400,
      message: message("authUsername"),
    });
    expect((await tryCreate({ authUsername: "u".repeat(255), authPassword: "p" })).status).toBe(201);
  });

  it("fail with 500 where the column is smaller than the validator allows", async () => {
    expect(await tryCreate({ authUsername: "u".repeat(256) })).toEqual({
      status: 500,
      message: "Server Error",
    });
    // The stored password is encrypted JSON in a 255-character column: about 99 bytes fit.
    expect(await tryCreate({ authPassword: "p".repeat(150) })).toEqual({
      status: 500,
      message: "Server Error",
    });
    expect((await tryCreate({ authPassword: "p".repeat(64) })).status).toBe(201);
  });
});

describe("webhookId", () => {
  it.each(["_leading", ".leading", "-leading", "$id", "a".repeat(37), "has space", "ümlaut", ""])(
    "rejects %j",
    async (webhookId) => {
      const result = await tryCreate({ webhookId });
      expect(result).toEqual({ status: 400, message: ID_MESSAGE });
    },
  );

  it("accepts 36 characters with . - _ inside", async () => {
    const webhookId = `${testId("ok")}.-_`.padEnd(36, "z").slice(0, 36);
    expect((await tryCreate({ webhookId })).created?.["$id"]).toBe(webhookId);
  });
});
