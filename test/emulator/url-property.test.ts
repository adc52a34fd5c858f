/**
 * Preview and the server agree on URLs: over generated URLs biased to the characters and shapes
 * that decide PHP's URL filter and the public-domain rule, `check` accepts a URL exactly when the
 * target (the emulator, or a real Appwrite when configured) answers 201 to a create with it. The
 * one deliberate difference: check also refuses credentials in the URL, which Appwrite accepts.
 */
import fc from "fast-check";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { check } from "../../provider/lifecycle/check";
import { hasUrlUserinfo } from "../../provider/lifecycle/url-rules";
import { API_KEY, PROJECT_ID, startTarget, testId, type Target } from "./target";
import { call, Cleanup, webhookBody } from "./http";

const RUNS = 400;
let target: Target;
const cleanup = new Cleanup();
beforeAll(async () => {
  target = await startTarget();
});
afterEach(() => cleanup.run());
afterAll(() => target.close());

/** Characters that split, end or break a URL part, and ones PHP's filter removes. */
const tricky = fc.constantFrom(
  ..."-._~!$&'()*+,;=:@/?#[]%{}|\\^`<>\"".split(""),
  " ",
  "\t",
  "\u007f",
  "é",
  "例",
  "%41",
  "%a1",
  "%zz",
);
const plain = fc.constantFrom(..."abcxyz0189".split(""));
const chunk = (maxLength: number) =>
  fc
    .array(fc.oneof({ weight: 3, arbitrary: plain }, { weight: 1, arbitrary: tricky }), { maxLength })
    .map((cs) => cs.join(""));
const label = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("hooks", "api", "a", "x1", "ho-oks", "xn--r8jz45g") },
  { weight: 1, arbitrary: chunk(6) },
  { weight: 1, arbitrary: fc.constantFrom("-a", "a-", "", "a".repeat(64), "例え") },
);
const suffix = fc.constantFrom(
  "example.com",
  "example.org",
  "github.io",
  "jp",
  "co.uk",
  "localhost",
  "local",
  "test",
  "com.",
  "",
);
const host = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(fc.array(label, { maxLength: 3 }), suffix)
      .map(([ls, s]) => [...ls, s].filter(Boolean).join(".")),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("1.2.3.4", "[::1]", "[zz]", "localhost", "request-catcher-webhook"),
  },
);
const url = fc
  .record({
    scheme: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom("https://", "http://") },
      { weight: 1, arbitrary: fc.constantFrom("HTTPS://", "ftp://", "https:/", "https:", "https:///", "//") },
    ),
    userinfo: fc.oneof(
      { weight: 6, arbitrary: fc.constant("") },
      { weight: 1, arbitrary: chunk(6).map((u) => `${u}@`) },
    ),
    host,
    port: fc.oneof(
      { weight: 6, arbitrary: fc.constant("") },
      {
        weight: 1,
        arbitrary: fc.constantFrom(":443", ":", ":0", ":65535", ":65536", ":8a", ":+8", ":-1", ":123456"),
      },
    ),
    path: fc.oneof(
      { weight: 1, arbitrary: fc.constant("") },
      { weight: 3, arbitrary: chunk(12).map((p) => `/${p}`) },
    ),
  })
  .map(({ scheme, userinfo, host: h, port, path }) => `${scheme}${userinfo}${h}${port}${path}`)
  .filter((value) => value.length <= 255);

const checkAccepts = (value: string) =>
  check(
    {},
    {
      endpoint: target.endpoint,
      projectId: PROJECT_ID,
      apiKey: API_KEY,
      name: "n",
      url: value,
      events: ["users.*.create"],
    },
  ).failures.length === 0;

async function serverAnswer(value: string): Promise<number> {
  const response = await call(target, "POST", "/webhooks", {
    body: webhookBody(testId("p"), { url: value }),
  });
  if (response.status === 201)
    cleanup.track(target, String((JSON.parse(response.text) as { $id: string }).$id));
  return response.status;
}

describe("check and the server agree on URLs", () => {
  it(`accepts exactly what the server creates (${RUNS} generated URLs)`, async () => {
    const outcomes = { accepted: 0, refused: 0, userinfo: 0 };
    await fc.assert(
      fc.asyncProperty(url, async (value) => {
        const status = await serverAnswer(value);
        expect([201, 400], value).toContain(status);
        const expected = status === 201 && !hasUrlUserinfo(value);
        if (hasUrlUserinfo(value)) outcomes.userinfo++;
        outcomes[expected ? "accepted" : "refused"]++;
        expect(checkAccepts(value), `${JSON.stringify(value)}: server answered ${status}`).toBe(expected);
      }),
      { numRuns: RUNS },
    );
    // The generator must reach both outcomes, or the property proves nothing about one of them.
    expect(outcomes.accepted).toBeGreaterThan(RUNS / 10);
    expect(outcomes.refused).toBeGreaterThan(RUNS / 10);
    expect(outcomes.userinfo).toBeGreaterThan(0);
  });
});
