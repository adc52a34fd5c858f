import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/appwrite/config";
import { check } from "../../provider/lifecycle/check";
import { UNKNOWN, diff } from "../../provider/lifecycle/steps";
import type { WebhookInputs, WebhookState } from "../../provider/lifecycle/schema";

const valid = {
  name: "orders",
  url: "https://hooks.example.com/appwrite",
  events: ["users.*.create"],
};

const connection = { endpoint: "https://appwrite.example.com/v1", projectId: "p1", apiKey: "key-1234" };

function failuresOf(news: Record<string, unknown>) {
  return check({}, { ...connection, ...news }).failures;
}

describe("check: one failure per bad property, naming the rule", () => {
  beforeEach(() => setStackConfig({}));

  it("accepts valid args and applies the secure defaults", () => {
    const result = check({}, { ...connection, ...valid });
    expect(result.failures).toEqual([]);
    expect(result.inputs).toMatchObject({ enabled: true, tls: true, eventValidation: "1.9.6", adopt: false });
    expect(result.inputs.webhookId).toMatch(/^[0-9a-f]{20}$/);
  });

  it.each([
    [{ name: "" }, "name", /must not be empty/],
    [{ name: "x".repeat(129) }, "name", /1–128 characters/],
    [{ url: "http://localhost/x" }, "url", /not under a public suffix/],
    [{ url: "https://10.0.0.1/x" }, "url", /IP address/],
    [{ url: "https://[::1]/x" }, "url", /IP address/],
    [{ url: "ftp://hooks.example.com/x" }, "url", /http or https/],
    [{ url: "https://printer.local/x" }, "url", /public suffix/],
    [{ url: "https://hooks.example.com./x" }, "url", /end with a dot/],
    [{ url: `https://hooks.example.com/${"a".repeat(250)}` }, "url", /255 characters/],
    [{ events: ["users.*.creat"] }, "events", /did you mean "users\.\*\.create"/],
    [{ events: ["databases.*.collections.*.documents.*.upsert"] }, "events", /not an Appwrite 1\.9\.6 event/],
    [{ events: Array.from({ length: 101 }, () => "users.*") }, "events", /at most 100/],
    [{ enabled: "true" }, "enabled", /true or false/],
    [{ authUsername: "" }, "authUsername", /must not be empty/],
    [{ authUsername: "u" }, "authPassword", /required when authUsername is set/],
    [{ secret: "short" }, "secret", /8–256 characters/],
    [{ secret: "x".repeat(257) }, "secret", /8–256 characters/],
    [{ webhookId: "-bad" }, "webhookId", /not starting with a special character/],
    [{ webhookId: "unique()" }, "webhookId", /omit webhookId/],
    [{ endpoint: "https://appwrite.example.com" }, "endpoint", /must end with \/v1/],
    [{ eventValidation: "loose" }, "eventValidation", /"off"/],
    [{ colour: "blue" }, "colour", /unknown input colour/],
  ])("rejects %j on %s", (bad, property, reason) => {
    const failures = failuresOf({ ...valid, ...bad });
    expect(failures).toContainEqual({ property, reason: expect.stringMatching(reason) });
  });

  it("accepts events of a newer server when validation is off", () => {
    expect(failuresOf({ ...valid, events: ["users.*.update.labels"] })).toHaveLength(1);
    expect(failuresOf({ ...valid, events: ["users.*.update.labels"], eventValidation: "main" })).toEqual([]);
    expect(failuresOf({ ...valid, events: ["anything.at.all"], eventValidation: "off" })).toEqual([]);
  });

  it("skips values not known yet during preview", () => {
    expect(failuresOf({ ...valid, url: UNKNOWN, name: UNKNOWN })).toEqual([]);
    expect(failuresOf({ ...valid, events: ["users.*.create", UNKNOWN] })).toEqual([]);
  });

  it("keeps the ID it picked, and picks a new one for a new target", () => {
    const first = check({}, { ...connection, ...valid }).inputs;
    const second = check(first, { ...connection, ...valid }).inputs;
    expect(second.webhookId).toBe(first.webhookId);
    const moved = check(first, { ...connection, projectId: "p2", ...valid }).inputs;
    expect(moved.webhookId).not.toBe(first.webhookId);
  });

  it("returns the stored inputs unchanged when nothing changed, so the engine writes no checkpoint", () => {
    // Pulumi rewrites the checkpoint for every unchanged resource whose checked inputs differ from
    // state (backend/snapshot.go, sameSnapshotMutation.mustWrite): the derived ID's hash included.
    const identity = { resourceKey: "urn:pulumi:dev::shop::appwrite:Webhook::orders" };
    const first = check({}, { ...connection, ...valid }, identity).inputs;
    expect(first.resourceHash).toEqual(expect.any(String));
    expect(check(first, { ...connection, ...valid }, identity).inputs).toEqual(first);
    const declared = check(first, { ...connection, ...valid, webhookId: "declared-id" }, identity).inputs;
    expect(declared).not.toHaveProperty("resourceHash");
  });
});

describe("check: connection settings", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    setStackConfig({});
  });

  it("names all three places when a setting is missing", () => {
    delete process.env.APPWRITE_ENDPOINT;
    delete process.env.APPWRITE_PROJECT_ID;
    delete process.env.APPWRITE_API_KEY;
    const failures = check({}, valid).failures;
    expect(failures.map((f) => f.property)).toEqual(["endpoint", "projectId", "apiKey"]);
    for (const failure of failures) {
      expect(failure.reason).toMatch(/input/);
      expect(failure.reason).toMatch(/pulumi config set/);
      expect(failure.reason).toMatch(/APPWRITE_/);
    }
  });

  it("takes the resource input over stack config over the environment", () => {
    process.env.APPWRITE_ENDPOINT = "https://env.example.com/v1";
    process.env.APPWRITE_PROJECT_ID = "from-env";
    process.env.APPWRITE_API_KEY = "env-key";
    expect(check({}, valid).inputs).toMatchObject({
      endpoint: "https://env.example.com/v1",
      projectId: "from-env",
    });
    setStackConfig({ endpoint: "https://config.example.com/v1/", projectId: "from-config" });
    expect(check({}, valid).inputs).toMatchObject({
      endpoint: "https://config.example.com/v1",
      projectId: "from-config",
    });
    expect(check({}, { ...valid, projectId: "from-input" }).inputs.projectId).toBe("from-input");
    // The API key from config or env is never copied into the inputs (state would hold it).
    expect(check({}, valid).inputs.apiKey).toBeUndefined();
  });
});

describe("check: property test", () => {
  it("either accepts or returns failures; never throws", () => {
    const anyValue = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), { maxLength: 4 }),
      fc.constant(UNKNOWN),
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            name: fc.oneof(fc.string({ maxLength: 140 }), anyValue),
            url: fc.oneof(fc.webUrl(), anyValue),
            events: fc.oneof(
              fc.array(fc.constantFrom("users.*", "users.*.create", "x.y", ""), { maxLength: 5 }),
              anyValue,
            ),
            enabled: anyValue,
            tls: anyValue,
            authUsername: anyValue,
            authPassword: anyValue,
            webhookId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{0,40}$/), anyValue),
            secret: anyValue,
            rotationTrigger: anyValue,
          },
          { requiredKeys: [] },
        ),
        (news) => {
          const result = check({}, { ...connection, ...news });
          expect(Array.isArray(result.failures)).toBe(true);
          for (const failure of result.failures) {
            expect(typeof failure.property).toBe("string");
            expect(failure.reason.length).toBeGreaterThan(10);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("diff", () => {
  const inputs = check({}, { ...connection, ...valid, events: ["users.*.create", "buckets.*"] })
    .inputs as unknown as WebhookInputs;
  const state: WebhookState = {
    ...inputs,
    secret: "s".repeat(128),
    secretSource: "appwrite",
    createdAt: "2026-01-01T00:00:00.000+00:00",
    updatedAt: "2026-01-01T00:00:00.000+00:00",
    attempts: 0,
    logs: "",
  };
  const d = (news: Partial<WebhookInputs> & Record<string, unknown>, olds: Partial<WebhookState> = {}) =>
    diff(inputs.webhookId, { ...state, ...olds }, { ...inputs, ...news } as WebhookInputs);

  it("reports changes: false, not undefined, when nothing declared changed", () => {
    expect(d({})).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
      diffs: [],
      detailedDiff: {},
    });
  });
  it("ignores event order and duplicates", () => {
    expect(d({ events: ["buckets.*", "users.*.create", "buckets.*"] }).changes).toBe(false);
  });
  it("ignores computed fields and __provider", () => {
    expect(d({ __provider: "other code" }, { attempts: 7, logs: "x", updatedAt: "later" }).changes).toBe(
      false,
    );
  });
  it("updates in place for declared fields", () => {
    for (const change of [
      { name: "n2" },
      { url: "https://other.example.com/x" },
      { tls: false },
      { events: ["users.*"] },
    ]) {
      expect(d(change)).toMatchObject({ changes: true, replaces: [] });
    }
  });
  it("re-enables a webhook Appwrite auto-disabled", () => {
    expect(d({}, { enabled: false })).toMatchObject({ changes: true, replaces: [] });
  });
  it("rotates in place on a new secret or trigger, not on a removed secret", () => {
    expect(d({ secret: "new-secret-123" })).toMatchObject({ changes: true, replaces: [] });
    expect(d({ rotationTrigger: 2 })).toMatchObject({ changes: true, replaces: [] });
    expect(d({ secret: undefined }).changes).toBe(false);
  });
  it("replaces on identity changes; the same ID moving to another project is deleted first", () => {
    expect(d({ webhookId: "other" })).toEqual({
      changes: true,
      replaces: ["webhookId"],
      deleteBeforeReplace: false,
      diffs: ["webhookId"],
      detailedDiff: { webhookId: "update-replace" },
    });
    expect(d({ projectId: "p2" })).toEqual({
      changes: true,
      replaces: ["projectId"],
      deleteBeforeReplace: true,
      diffs: ["projectId"],
      detailedDiff: { projectId: "update-replace" },
    });
    // The same ID in another project of what may be the same server (under another address).
    expect(d({ projectId: "p2", endpoint: "https://b.example.com/v1" })).toMatchObject({
      replaces: ["projectId"],
      deleteBeforeReplace: true,
    });
  });
  it("updates, never replaces, on a new endpoint: it may be another address of the same server", () => {
    expect(d({ endpoint: "https://b.example.com/v1" })).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
      diffs: ["endpoint"],
      detailedDiff: { endpoint: "update" },
    });
  });
  it("treats unknown values as changes", () => {
    expect(d({ name: UNKNOWN }).changes).toBe(true);
    expect(d({ webhookId: UNKNOWN }).replaces).toEqual(["webhookId"]);
  });

  describe("names what changed, for the preview a reviewer reads", () => {
    const named = (news: Partial<WebhookInputs>, olds: Partial<WebhookState> = {}) => {
      const { diffs, detailedDiff } = d(news, olds);
      return { diffs, detailedDiff };
    };
    it("a new basic-auth password alone is a named update of authPassword, with no value in the result", () => {
      const result = d(
        { authUsername: "u", authPassword: "new-password-1" },
        { authUsername: "u", authPassword: "old-password-1" },
      );
      expect(result).toMatchObject({ changes: true, diffs: ["authPassword"] });
      expect(result.detailedDiff).toEqual({ authPassword: "update" });
      expect(JSON.stringify(result)).not.toMatch(/password-1/);
    });
    it("a new declared secret is an update of secret; a trigger names rotationTrigger", () => {
      expect(named({ secret: "new-secret-123" })).toEqual({
        diffs: ["secret"],
        detailedDiff: { secret: "update" },
      });
      expect(named({ rotationTrigger: "2" }, { rotationTrigger: "1" })).toEqual({
        diffs: ["rotationTrigger"],
        detailedDiff: { rotationTrigger: "update" },
      });
      // A key state does not hold (a partial failure) is set by the next up: a key is added.
      expect(named({}, { secret: "" })).toEqual({ diffs: ["secret"], detailedDiff: { secret: "add" } });
    });
    it("events as a set: an added event is an add at its new index, a removed one a delete at its old index", () => {
      const olds = { events: ["users.*.create", "buckets.*"] };
      expect(named({ events: ["buckets.*", "teams.*"] }, olds)).toEqual({
        diffs: ["events"],
        detailedDiff: { "events[0]": "delete", "events[1]": "add" },
      });
      expect(named({ events: ["users.*.create", "buckets.*", "teams.*"] }, olds).detailedDiff).toEqual({
        "events[2]": "add",
      });
      expect(named({ events: ["buckets.*"] }, olds).detailedDiff).toEqual({ "events[0]": "delete" });
      // A removal and an addition at one index: that element's value changes from one to the other.
      expect(named({ events: ["teams.*", "buckets.*"] }, olds).detailedDiff).toEqual({
        "events[0]": "update",
      });
    });
    it("a reorder is no change at all", () => {
      expect(d({ events: ["buckets.*", "users.*.create"] })).toMatchObject({
        changes: false,
        diffs: [],
        detailedDiff: {},
      });
    });
    it("optional inputs added and removed are adds and deletes; unknown events are one update", () => {
      expect(named({ authUsername: "u", authPassword: "p" }).detailedDiff).toEqual({
        authUsername: "add",
        authPassword: "add",
      });
      expect(named({}, { rotationTrigger: "1" })).toEqual({
        diffs: ["rotationTrigger"],
        detailedDiff: { rotationTrigger: "delete" },
      });
      expect(named({ events: [UNKNOWN] }).detailedDiff).toEqual({ events: "update" });
    });
  });
});
