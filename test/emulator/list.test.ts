/**
 * GET /v1/webhooks: default page size, limit/offset, cursors in both directions, total
 * (including total=false), filters, order, and the query validator's messages. All queries
 * are scoped by a name unique to this run, so the file also works on a shared real server.
 */
import { Query } from "node-appwrite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { body, call, Cleanup, createWebhook, errorOf, type Json } from "./http";
import { sdkFor } from "./sdk";
import { startTarget, testId, type Target } from "./target";

let target: Target;
const cleanup = new Cleanup();
const TAG = testId("list");
const COUNT = 27;
const ids: string[] = [];

beforeAll(async () => {
  target = await startTarget();
  for (let i = 0; i < COUNT; i++) {
    // Every third webhook is disabled, every fourth uses TLS, events alternate.
    const created = await createWebhook(target, cleanup, testId(`l${i}`), {
      name: TAG,
      url: `https://hooks.example.com/${i}`,
      enabled: i % 3 !== 0,
      tls: i % 4 === 0,
      events: i % 2 === 0 ? ["users.*.create"] : ["buckets.*.files.*"],
      ...(i === 5 ? { authUsername: "five", authPassword: "pw" } : {}),
    });
    ids.push(String(created["$id"]));
  }
});
afterAll(async () => {
  await cleanup.run();
  await target.close();
});

const scoped = JSON.stringify({ method: "equal", attribute: "name", values: [TAG] });

/** GET /webhooks with `queries[i]=…` (node-appwrite's encoding) plus extra parameters. */
async function list(queries: Json[], extra = ""): Promise<{ status: number; json: Json; message: unknown }> {
  const params = [scoped, ...queries.map((query) => JSON.stringify(query))]
    .map((query, index) => `queries%5B${index}%5D=${encodeURIComponent(query)}`)
    .join("&");
  const response = await call(target, "GET", `/webhooks?${params}${extra}`);
  return {
    status: response.status,
    json: response.status === 200 ? body(response) : {},
    message: response.status === 200 ? undefined : errorOf(response).message,
  };
}

const idsOf = (json: Json): string[] => (json["webhooks"] as Json[]).map((webhook) => String(webhook["$id"]));

describe("paging", () => {
  it("returns 25 by default, in insertion order, with total first", async () => {
    const { json } = await list([]);
    expect(Object.keys(json)).toEqual(["total", "webhooks"]);
    expect(json["total"]).toBe(COUNT);
    expect(idsOf(json)).toEqual(ids.slice(0, 25));
    expect((json["webhooks"] as Json[]).every((webhook) => webhook["secret"] === "")).toBe(true);
  });

  it("applies limit and offset", async () => {
    const { json } = await list([
      { method: "limit", values: [4] },
      { method: "offset", values: [10] },
    ]);
    expect(idsOf(json)).toEqual(ids.slice(10, 14));
    expect(json["total"]).toBe(COUNT);
  });

  it("walks forward with cursorAfter and back with cursorBefore", async () => {
    const forward: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await list([
        { method: "limit", values: [10] },
        ...(cursor ? [{ method: "cursorAfter", values: [cursor] }] : []),
      ]);
      const pageIds = idsOf(page.json);
      forward.push(...pageIds);
      if (pageIds.length < 10) break;
      cursor = pageIds[pageIds.length - 1];
    }
    expect(forward).toEqual(ids);
    const before = await list([
      { method: "limit", values: [3] },
      { method: "cursorBefore", values: [ids[10]] },
    ]);
    expect(idsOf(before.json)).toEqual(ids.slice(7, 10));
    const beforeFirst = await list([{ method: "cursorBefore", values: [ids[0]] }]);
    expect(idsOf(beforeFirst.json)).toEqual([]);
  });

  it("reports total 0 for total=false and total=0, and the count otherwise", async () => {
    expect((await list([{ method: "limit", values: [1] }], "&total=false")).json["total"]).toBe(0);
    expect((await list([{ method: "limit", values: [1] }], "&total=0")).json["total"]).toBe(0);
    expect((await list([{ method: "limit", values: [1] }], "&total=true")).json["total"]).toBe(COUNT);
    expect((await list([], "&total=maybe")).message).toBe(
      "Invalid `total` param: Value must be a valid boolean",
    );
  });
});

describe("filters and order", () => {
  it("filters by url, enabled, tls and authUsername with equal, and by events with contains", async () => {
    const byUrl = await list([
      {
        method: "equal",
        attribute: "url",
        values: ["https://hooks.example.com/3", "https://hooks.example.com/4"],
      },
    ]);
    expect(idsOf(byUrl.json)).toEqual([ids[3], ids[4]]);
    const disabled = await list([{ method: "equal", attribute: "enabled", values: [false] }]);
    expect(idsOf(disabled.json)).toEqual(ids.filter((_, i) => i % 3 === 0));
    expect(disabled.json["total"]).toBe(9);
    const tls = await list([{ method: "equal", attribute: "tls", values: [true] }]);
    expect(idsOf(tls.json)).toEqual(ids.filter((_, i) => i % 4 === 0));
    const user = await list([{ method: "equal", attribute: "authUsername", values: ["five"] }]);
    expect(idsOf(user.json)).toEqual([ids[5]]);
    const files = await list([
      { method: "contains", attribute: "events", values: ["buckets.*.files.*"] },
      { method: "limit", values: [100] },
    ]);
    expect(idsOf(files.json)).toEqual(ids.filter((_, i) => i % 2 === 1));
  });

  it("orders by url descending with orderDesc", async () => {
    const { json } = await list([
      { method: "orderDesc", attribute: "url" },
      { method: "limit", values: [3] },
    ]);
    const urls = (json["webhooks"] as Json[]).map((webhook) => webhook["url"]);
    // String order: /9 > /8 > /7 > /26 …
    expect(urls).toEqual([
      "https://hooks.example.com/9",
      "https://hooks.example.com/8",
      "https://hooks.example.com/7",
    ]);
  });

  it("works through node-appwrite's Query builder and total=false", async () => {
    const result = await sdkFor(target).list({
      queries: [Query.equal("name", [TAG]), Query.limit(2), Query.offset(1)],
      total: false,
    });
    expect(result.total).toBe(0);
    expect(result.webhooks.map((webhook) => webhook.$id)).toEqual(ids.slice(1, 3));
  });
});

describe("query validation", () => {
  it.each([
    [{ method: "select", values: [["name"]] }, "Invalid `queries` param: Invalid query method: select"],
    [
      { method: "equal", attribute: "secret", values: ["x"] },
      "Invalid `queries` param: Invalid query: Attribute not found in schema: secret",
    ],
    [
      { method: "equal", attribute: "events", values: ["users.*"] },
      'Invalid `queries` param: Invalid query: Cannot query equal on attribute "events" because it is an array.',
    ],
    [
      { method: "limit", values: [0] },
      "Invalid `queries` param: Invalid query: Invalid limit: Value must be a valid range between 1 and 9,223,372,036,854,775,807",
    ],
    [{ method: "bogus", values: [] }, "Invalid `queries` param: Invalid query: Invalid query method: bogus"],
    [
      { method: "equal", attribute: "enabled", values: ["yes"] },
      'Invalid `queries` param: Invalid query: Query value is invalid for attribute "enabled"',
    ],
  ])("rejects %j", async (query, message) => {
    expect(await list([query])).toMatchObject({ status: 400, message });
  });

  it("rejects malformed query JSON and a non-array queries parameter", async () => {
    const malformed = await call(target, "GET", `/webhooks?queries%5B0%5D=${encodeURIComponent("{nope")}`);
    expect(errorOf(malformed)).toMatchObject({
      status: 400,
      type: "general_argument_invalid",
      message: "Invalid `queries` param: Invalid query: Invalid query: Syntax error",
    });
    const scalar = await call(target, "GET", `/webhooks?queries=${encodeURIComponent(scoped)}`);
    expect(errorOf(scalar).message).toBe("Invalid `queries` param: Queries must be an array");
  });

  it("rejects an invalid cursor value with the UID description", async () => {
    expect((await list([{ method: "cursorAfter", values: ["_bad"] }])).message).toBe(
      "Invalid `queries` param: Invalid query: Invalid cursor: UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore",
    );
  });
});
