/**
 * Bad input is refused cleanly, before any API call, and never takes a process down:
 * - fast-check fuzzing of the Webhook args through the provider's own `check` while the
 *   connection points at a live emulator: every case returns a check result (never a throw)
 *   and the emulator's counters prove no request was made;
 * - fuzzing of the declaration file: `parseDeclaration`, `renderDeclaration` and
 *   `validateRendered` either succeed or throw a DeclarationError, never anything else, and the
 *   one-pass `checkDeclaration` agrees with them;
 * - malformed and oversized requests to the emulator over raw sockets: each gets an
 *   Appwrite-shaped JSON error (or a closed connection where HTTP allows no answer), and a normal
 *   request still works after each.
 */
import { INPUT_KEYS } from "../../provider/lifecycle/state";
import { connect } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { setStackConfig } from "../../provider/appwrite/config";
import {
  DeclarationError,
  checkDeclaration,
  parseDeclaration,
  renderDeclaration,
  validateRendered,
} from "../../provider/gitops/declaration";
import { check } from "../../provider/lifecycle/check";
import { UNKNOWN } from "../../provider/lifecycle/steps";
import { startEmulator, type Emulator } from "../../emulator";

const PROJECT = "fuzz";
const API_KEY = "standard_fuzz-key-0123456789abcdef";
/** Cases per property; the suite reports the totals. */
const RUNS = { args: 3000, argsWithOlds: 1000, declarationText: 1500, declarationTree: 1500 };
const counts: Record<string, number> = {};

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ projects: [{ id: PROJECT, keys: [{ key: API_KEY }] }] });
});
afterAll(async () => {
  await emulator.close();
  console.log(`fuzz cases: ${JSON.stringify(counts)}`);
});
beforeEach(() => {
  emulator.resetCounters();
});

const count = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);

/** Values that break naive code: wrong types, odd numbers, odd strings, deep nesting, the preview sentinel. */
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, withBigInt: false, withNullPrototype: true, withObjectString: true }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }),
  fc.constantFrom(
    UNKNOWN,
    "",
    " ",
    "\u0000",
    "x".repeat(100_000),
    "é".repeat(200),
    "👩‍👩‍👧".repeat(60),
    NaN,
    Infinity,
    -0,
    Number.MAX_SAFE_INTEGER + 2,
    [UNKNOWN],
    { toString: null },
    JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {}}}') as unknown,
  ),
  fc.array(fc.string({ unit: "binary", maxLength: 300 }), { maxLength: 120 }),
);

const urls: fc.Arbitrary<unknown> = fc.oneof(
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.constantFrom(
    "https://hooks.example.com/a",
    "http://localhost/hook",
    "https://127.0.0.1/x",
    "https://[::1]/x",
    "https://xn--nxasmq6b.com/x",
    "https://user:pass@hooks.example.com/x",
    "https://hooks.example.com:99999/x",
    "https://hooks.example.com./x",
    "ftp://hooks.example.com/x",
    "javascript:alert(1)",
    "https://" + "a.".repeat(200) + "com/",
    "https://exa mple.com/",
    "https://%zz.com/",
    "https://bücher.de/%E0%A4%A",
  ),
  fc.string({ unit: "binary", maxLength: 80 }).map((tail) => `https://hooks.example.com/${tail}`),
  fc.string({ unit: "binary", maxLength: 40 }).map((host) => `https://${host}/x`),
);

const events: fc.Arbitrary<unknown> = fc.oneof(
  fc.array(
    fc.oneof(
      fc.constantFrom(
        "users.*.create",
        "buckets.*.files.*",
        "databases.*.collections.*.documents.*.upsert",
        "users.*.creat",
        "*",
        "",
        "0",
        "users..create",
        "users.*.".repeat(40),
      ),
      fc.string({ unit: "binary", maxLength: 300 }),
      fc
        .array(fc.constantFrom("users", "*", "create", "buckets", "files", "teams", "0", ""), {
          maxLength: 8,
        })
        .map((parts) => parts.join(".")),
    ),
    { maxLength: 110 },
  ),
  nasty,
);

/** Every input a program can declare: the fuzzer varies each. */
const ARG_KEYS: readonly string[] = INPUT_KEYS;

/** Args that pass check, so that the fuzzing reaches the code after validation too. */
const validArgs = fc.record({
  name: fc.string({ minLength: 1, maxLength: 100 }),
  url: fc.constantFrom(
    "https://hooks.example.com/a",
    "https://x.example.org/p?q=1",
    "http://xn--bcher-kva.de/%20",
  ),
  events: fc.array(fc.constantFrom("users.*.create", "buckets.*.files.*", "teams.*", "users.*"), {
    maxLength: 5,
  }),
});

/** A base (valid, or fuzzed), then some fields replaced by nasty values and some unknown keys added. */
const args: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.oneof(
      validArgs,
      fc.record({ name: fc.string({ maxLength: 140 }), url: urls, events }, { requiredKeys: [] }),
    ),
    fc.oneof(fc.constant({}), fc.dictionary(fc.constantFrom(...ARG_KEYS), nasty, { maxKeys: 3 })),
    fc.dictionary(fc.string({ maxLength: 12 }), nasty, { maxKeys: 2 }),
    fc.boolean(),
  )
  .map(([base, mutated, extra, withExtra]) => ({
    ...base,
    ...mutated,
    ...(withExtra ? extra : {}),
  }));

/** Cases the fuzzer found once; kept so they run every time. */
const FOUND: Array<[Record<string, unknown>]> = [
  // A connection setting holding an unknown inside a list made check throw (TypeError on .trim).
  [{ name: " ", url: "https://hooks.example.com/a", events: [], projectId: [UNKNOWN] }],
  [{ name: "n", url: "https://hooks.example.com/a", events: [], endpoint: [UNKNOWN], apiKey: [UNKNOWN] }],
];

function expectCleanCheck(result: unknown): void {
  const { inputs, failures } = result as { inputs: unknown; failures: unknown };
  expect(inputs).toBeTypeOf("object");
  expect(Array.isArray(failures)).toBe(true);
  for (const failure of failures as Array<{ property: unknown; reason: unknown }>) {
    expect(failure.property).toBeTypeOf("string");
    expect(failure.reason).toBeTypeOf("string");
    expect(String(failure.reason).length).toBeGreaterThan(0);
    // A failure reason is a sentence for a human, not a leaked stack or an object dump.
    expect(failure.reason).not.toMatch(/\n\s+at |\[object Object\]/);
  }
}

describe("Webhook args: check never throws and never calls the API", () => {
  it("fuzzed args against a live emulator", () => {
    setStackConfig({ endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY });
    let failed = 0;
    fc.assert(
      fc.property(args, (raw) => {
        count("args");
        const result = check({}, { ...raw, __provider: "serialized" });
        expectCleanCheck(result);
        if (result.failures.length > 0) failed++;
      }),
      { numRuns: RUNS.args, examples: FOUND },
    );
    expect(emulator.counters().total ?? 0).toBe(0);
    counts["args (failed check)"] = failed;
    // The generator must reach both outcomes, or it proves nothing about one of them.
    expect(failed).toBeGreaterThan(RUNS.args / 10);
    expect(failed).toBeLessThan(RUNS.args * 0.9);
  });

  it("fuzzed args with fuzzed prior state (olds) and connection settings from the resource", () => {
    setStackConfig({});
    fc.assert(
      fc.property(
        args,
        fc.dictionary(fc.constantFrom(...ARG_KEYS, "secret", "webhookId"), nasty, { maxKeys: 6 }),
        (raw, olds) => {
          count("args with olds");
          const news = { endpoint: emulator.endpoint, projectId: PROJECT, apiKey: API_KEY, ...raw };
          expectCleanCheck(check(olds, news));
        },
      ),
      { numRuns: RUNS.argsWithOlds },
    );
    expect(emulator.counters().total ?? 0).toBe(0);
  });
});

const VALID_DECLARATION = `version: 1
variables:
  host: hooks.example.com
defaults:
  tls: true
webhooks:
  - id: orders
    name: Orders \${host}
    url: https://\${host}/orders
    events: [users.*.create]
    auth: { username: u, passwordConfig: app:pw }
    secret: { generate: true, rotationTrigger: "\${host}" }
`;

/**
 * Either a result or a DeclarationError: any other exception is a bug. The one-pass check of
 * `validate` must accept exactly what the staged path (parse, render, validate) accepts.
 */
function declarationOutcome(text: string, lookup: (name: string) => string | undefined): "valid" | "error" {
  const staged = outcomeOf(text, () => {
    const parsed = parseDeclaration(text, "fuzz.yaml");
    validateRendered(parsed, renderDeclaration(parsed, lookup));
  });
  expect(outcomeOf(text, () => checkDeclaration(text, "fuzz.yaml", lookup))).toBe(staged);
  return staged;
}

function outcomeOf(text: string, run: () => unknown): "valid" | "error" {
  try {
    run();
    return "valid";
  } catch (error) {
    if (error instanceof DeclarationError) {
      expect(error.problems.length).toBeGreaterThan(0);
      for (const problem of error.problems) expect(problem).toBeTypeOf("string");
      return "error";
    }
    throw new Error(`not a DeclarationError for ${JSON.stringify(text).slice(0, 300)}`, { cause: error });
  }
}

describe("declaration file: valid or a DeclarationError, never another exception", () => {
  const lookups = fc.oneof(
    fc.constant(() => undefined),
    fc.func(fc.option(fc.string({ unit: "binary", maxLength: 30 }), { nil: undefined })),
  );

  it("arbitrary text, and mutations of a valid file", () => {
    const outcomes = { valid: 0, error: 0 };
    const text = fc.oneof(
      fc.string({ unit: "binary", maxLength: 400 }),
      fc
        .tuple(fc.nat({ max: VALID_DECLARATION.length }), fc.string({ unit: "binary", maxLength: 20 }))
        .map(([at, insert]) => VALID_DECLARATION.slice(0, at) + insert + VALID_DECLARATION.slice(at)),
      fc
        .tuple(fc.nat({ max: VALID_DECLARATION.length }), fc.nat({ max: 40 }))
        .map(([at, cut]) => VALID_DECLARATION.slice(0, at) + VALID_DECLARATION.slice(at + cut)),
      fc.constantFrom(
        VALID_DECLARATION,
        "",
        "---\n---\n",
        "a: &a [*a]\n",
        "x: &x\n  - *x\n  - *x\n",
        "version: 1\nwebhooks: !!binary aGVsbG8=\n",
        "version: 1\nwebhooks: [ {id: a, id: b} ]\n",
        "%YAML 9.9\n---\nversion: 1\n",
        "version: !!js/function 'function(){}'\n",
        '{"a":'.repeat(2000) + "1" + "}".repeat(2000),
        "{" + '"a":'.repeat(2000) + "1" + "}",
        "[".repeat(5000) + "]".repeat(5000),
        "- ".repeat(5000) + "x",
        "version: 1\nwebhooks:\n" + "  - id: x\n".repeat(3),
        "lol: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n",
      ),
    );
    fc.assert(
      fc.property(text, lookups, (source, lookup) => {
        count("declaration text");
        outcomes[declarationOutcome(source, lookup)]++;
      }),
      { numRuns: RUNS.declarationText },
    );
    counts["declaration text (valid)"] = outcomes.valid;
    expect(outcomes.error).toBeGreaterThan(0);
    expect(outcomes.valid).toBeGreaterThan(0);
  });

  it("structured documents with nasty values in every field", () => {
    const outcomes = { valid: 0, error: 0 };
    const webhook = fc.record(
      {
        id: fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{0,40}$/), nasty),
        name: fc.oneof(fc.string({ maxLength: 140 }), nasty),
        url: urls,
        events,
        enabled: fc.oneof(fc.boolean(), nasty),
        tls: fc.oneof(fc.boolean(), nasty),
        auth: fc.oneof(
          fc.record({ username: fc.oneof(fc.string(), nasty), passwordConfig: fc.oneof(fc.string(), nasty) }),
          nasty,
        ),
        secret: fc.oneof(
          fc.constant("generate"),
          fc.record({ generate: fc.constant(true), rotationTrigger: fc.oneof(fc.string(), fc.integer()) }),
          fc.record({ fromConfig: fc.oneof(fc.string(), nasty) }),
          nasty,
        ),
        adopt: fc.oneof(fc.boolean(), nasty),
      },
      { requiredKeys: ["id", "name", "url", "events"] },
    );
    const document = fc.record(
      {
        version: fc.oneof(fc.constant(1), nasty),
        variables: fc.oneof(fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 30 })), nasty),
        defaults: fc.oneof(
          fc.record(
            { eventValidation: fc.constantFrom("1.9.6", "main", "off", "bad") },
            { requiredKeys: [] },
          ),
          nasty,
        ),
        webhooks: fc.oneof(fc.array(webhook, { maxLength: 4 }), nasty),
      },
      { requiredKeys: ["version", "webhooks"] },
    );
    fc.assert(
      fc.property(document, lookups, (doc, lookup) => {
        count("declaration documents");
        let source: string;
        try {
          source = JSON.stringify(doc) ?? "null";
        } catch {
          return; // not representable as a file
        }
        outcomes[declarationOutcome(source, lookup)]++;
      }),
      { numRuns: RUNS.declarationTree },
    );
    counts["declaration documents (valid)"] = outcomes.valid;
    expect(outcomes.error).toBeGreaterThan(0);
  });
});

// ---- The emulator under malformed and oversized requests ------------------------------------

interface RawAnswer {
  status?: number;
  headers: Record<string, string>;
  body: string;
  /** True when the server closed the connection without any answer. */
  closedSilently: boolean;
}

/** Sends raw bytes and reads whatever comes back until the server closes or goes quiet. */
function raw(payload: string | Buffer | Buffer[], quietMs = 1500): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(emulator.port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString("latin1");
      const [head = "", ...rest] = text.split("\r\n\r\n");
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      const headers = Object.fromEntries(
        head
          .split("\r\n")
          .slice(1)
          .map((line) => [
            line.slice(0, line.indexOf(":")).toLowerCase(),
            line.slice(line.indexOf(":") + 1).trim(),
          ]),
      );
      resolve({
        status: status === undefined ? undefined : Number(status),
        headers,
        body: rest.join("\r\n\r\n"),
        closedSilently: text.length === 0,
      });
    };
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(finish, quietMs);
    };
    socket.on("data", (chunk) => {
      chunks.push(chunk);
      arm();
      // A complete answer (headers and Content-Length bytes of body) ends the exchange at once.
      const text = Buffer.concat(chunks);
      const end = text.indexOf("\r\n\r\n");
      const length = /\r\ncontent-length: *(\d+)/i.exec(text.subarray(0, end).toString("latin1"))?.[1];
      if (end !== -1 && length !== undefined && text.length - end - 4 >= Number(length)) finish();
    });
    socket.on("close", finish);
    socket.on("error", (error: NodeJS.ErrnoException) => {
      // A reset after the answer (the server stopped reading an oversized body) is fine.
      if (error.code === "ECONNRESET" || error.code === "EPIPE") finish();
      else reject(error);
    });
    socket.on("connect", () => {
      arm();
      for (const part of Array.isArray(payload) ? payload : [payload]) socket.write(part);
    });
  });
}

const AUTH = `X-Appwrite-Project: ${PROJECT}\r\nX-Appwrite-Key: ${API_KEY}\r\n`;
const request = (line: string, headers = "", body: string | Buffer = "") =>
  Buffer.concat([
    Buffer.from(`${line}\r\nHost: 127.0.0.1\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n`),
    typeof body === "string" ? Buffer.from(body) : body,
  ]);

/** An answer in Appwrite's error shape: JSON {message, code, type, version} with code = status. */
function expectAppwriteError(answer: RawAnswer, statuses: number[]): void {
  expect(answer.status, `status of ${answer.body.slice(0, 200)}`).toBeDefined();
  expect(statuses).toContain(answer.status);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  const body = JSON.parse(answer.body) as Record<string, unknown>;
  expect(Object.keys(body)).toEqual(["message", "code", "type", "version"]);
  expect(body.code).toBe(answer.status);
  expect(body.type).toMatch(/^[a-z_]+$/);
  expect(String(body.message)).not.toMatch(/\n\s+at /);
}

/** The emulator still serves a normal request. */
async function expectAlive(): Promise<void> {
  const response = await fetch(`${emulator.endpoint}/webhooks`, {
    headers: { "x-appwrite-project": PROJECT, "x-appwrite-key": API_KEY },
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ total: expect.any(Number) as number });
}

const MB = 1024 * 1024;
const malformed: Array<{ name: string; payload: () => string | Buffer | Buffer[]; statuses: number[] }> = [
  {
    name: "invalid JSON body",
    payload: () =>
      request("POST /v1/webhooks HTTP/1.1", `${AUTH}Content-Type: application/json\r\n`, '{"name": "x", '),
    statuses: [400],
  },
  {
    name: "JSON scalar body",
    payload: () => request("POST /v1/webhooks HTTP/1.1", `${AUTH}Content-Type: application/json\r\n`, "42"),
    statuses: [400],
  },
  {
    name: "deeply nested JSON",
    payload: () =>
      request(
        "POST /v1/webhooks HTTP/1.1",
        `${AUTH}Content-Type: application/json\r\n`,
        "[".repeat(100_000) + "]".repeat(100_000),
      ),
    statuses: [400],
  },
  {
    name: "invalid UTF-8 in JSON",
    payload: () =>
      request(
        "POST /v1/webhooks HTTP/1.1",
        `${AUTH}Content-Type: application/json\r\n`,
        Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]),
      ),
    statuses: [400],
  },
  {
    name: "wrong content type (text/plain)",
    payload: () => request("POST /v1/webhooks HTTP/1.1", `${AUTH}Content-Type: text/plain\r\n`, "name=x"),
    statuses: [400],
  },
  {
    name: "multipart with a broken boundary",
    payload: () =>
      request(
        "POST /v1/webhooks HTTP/1.1",
        `${AUTH}Content-Type: multipart/form-data; boundary=zz\r\n`,
        '--zz\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--z',
      ),
    statuses: [400],
  },
  {
    name: "form body with PHP-array garbage",
    payload: () =>
      request(
        "PUT /v1/webhooks/abc HTTP/1.1",
        `${AUTH}Content-Type: application/x-www-form-urlencoded\r\n`,
        "events[][][]=x&name[=1&url=%ZZ&&&=&tls[a]=b",
      ),
    statuses: [400, 404],
  },
  {
    name: "body over 10 MB (declared)",
    payload: () =>
      Buffer.from(
        `POST /v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nContent-Length: ${11 * MB}\r\n\r\n{`,
      ),
    statuses: [413],
  },
  {
    name: "body over 10 MB (chunked, no length)",
    payload: () => {
      const chunk = Buffer.alloc(MB, 0x61);
      const head = Buffer.from(
        `POST /v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\n${AUTH}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      );
      const parts: Buffer[] = [head];
      for (let i = 0; i < 11; i++)
        parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
      parts.push(Buffer.from("0\r\n\r\n"));
      return parts;
    },
    statuses: [413],
  },
  {
    name: "garbage bytes instead of HTTP",
    payload: () => Buffer.from([0x16, 0x03, 0x01, 0x00, 0xff, 0x00, 0x13, 0x37, 0x0d, 0x0a, 0x0d, 0x0a]),
    statuses: [400],
  },
  {
    name: "TLS client hello on the plain port",
    payload: () => Buffer.from("160301020001000100" + "00".repeat(200), "hex"),
    statuses: [400],
  },
  {
    name: "bad query string",
    payload: () =>
      request(
        `GET /v1/webhooks?queries[0]=%ZZ&queries[1]={"method":&queries[][x]=1&total=maybe HTTP/1.1`,
        AUTH,
      ),
    statuses: [400],
  },
  {
    name: "query that is not JSON",
    payload: () => request(`GET /v1/webhooks?queries[]=limit(5) HTTP/1.1`, AUTH),
    statuses: [400],
  },
  {
    name: "unknown method",
    payload: () => request("BREW /v1/webhooks HTTP/1.1", AUTH),
    statuses: [400, 404],
  },
  {
    name: "WebDAV method",
    payload: () => request("PROPFIND /v1/webhooks HTTP/1.1", AUTH),
    statuses: [400, 404],
  },
  {
    name: "TRACE",
    payload: () => request("TRACE /v1/webhooks HTTP/1.1", AUTH),
    statuses: [400, 404],
  },
  {
    name: "CONNECT",
    payload: () => request("CONNECT 127.0.0.1:443 HTTP/1.1", AUTH),
    statuses: [400, 404],
  },
  {
    name: "Upgrade: websocket",
    payload: () =>
      request(
        "GET /v1/webhooks HTTP/1.1",
        `${AUTH}Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n`,
      ),
    statuses: [200, 400, 404],
  },
  {
    name: "very long path (8 KB)",
    payload: () => request(`GET /v1/webhooks/${"a".repeat(8000)} HTTP/1.1`, AUTH),
    statuses: [400, 404],
  },
  {
    name: "path over the header limit (64 KB)",
    payload: () => request(`GET /v1/${"a".repeat(64 * 1024)} HTTP/1.1`, AUTH),
    statuses: [400, 431],
  },
  {
    name: "very long header (64 KB)",
    payload: () => request("GET /v1/webhooks HTTP/1.1", `${AUTH}X-Long: ${"b".repeat(64 * 1024)}\r\n`),
    statuses: [400, 431],
  },
  {
    name: "5000 headers",
    payload: () =>
      request(
        "GET /v1/webhooks HTTP/1.1",
        AUTH + Array.from({ length: 5000 }, (_, i) => `X-H${i}: v\r\n`).join(""),
      ),
    statuses: [400, 431],
  },
  {
    name: "NUL and traversal in the path",
    payload: () => request("GET /v1/webhooks/%00/../../etc/passwd HTTP/1.1", AUTH),
    statuses: [400, 404],
  },
  {
    name: "non-ASCII bytes in the path",
    payload: () =>
      Buffer.concat([
        Buffer.from("GET /v1/webhooks/"),
        Buffer.from([0xff, 0xfe]),
        Buffer.from(` HTTP/1.1\r\nHost: x\r\n${AUTH}\r\n`),
      ]),
    statuses: [400, 404],
  },
  {
    name: "absolute-form target",
    payload: () => request("GET http://evil.example/v1/webhooks HTTP/1.1", AUTH),
    statuses: [200, 400, 404],
  },
  {
    name: "asterisk target",
    payload: () => request("OPTIONS * HTTP/1.1", AUTH),
    statuses: [400, 404],
  },
  {
    name: "HTTP/1.1 without Host",
    payload: () => Buffer.from(`GET /v1/webhooks HTTP/1.1\r\n${AUTH}\r\n`),
    statuses: [400],
  },
  {
    name: "HTTP/0.9-style request line",
    payload: () => Buffer.from("GET /v1/webhooks\r\n\r\n"),
    statuses: [400, 401],
  },
  {
    name: "conflicting Content-Length and Transfer-Encoding",
    payload: () =>
      Buffer.from(
        `POST /v1/webhooks HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ),
    statuses: [400],
  },
  {
    name: "two Content-Length headers",
    payload: () =>
      Buffer.from(
        `POST /v1/webhooks HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Length: 1\r\nContent-Length: 2\r\n\r\n{}`,
      ),
    statuses: [400],
  },
  {
    name: "bad chunk size",
    payload: () =>
      Buffer.from(
        `POST /v1/webhooks HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n`,
      ),
    statuses: [400],
  },
  {
    name: "no credentials at all",
    payload: () => request("DELETE /v1/webhooks/x HTTP/1.1"),
    statuses: [400, 401, 403, 404],
  },
];

describe("the emulator under malformed and oversized requests", () => {
  for (const { name, payload, statuses } of malformed) {
    it(name, async () => {
      const answer = await raw(payload());
      count("malformed requests");
      if (answer.status === 200 && statuses.includes(200))
        expect(JSON.parse(answer.body)).toHaveProperty("total");
      else expectAppwriteError(answer, statuses);
      await expectAlive();
    });
  }

  it("a body that stops halfway (client hangs up) does not take the server down", async () => {
    await raw(
      Buffer.from(
        `POST /v1/webhooks HTTP/1.1\r\nHost: x\r\n${AUTH}Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"na`,
      ),
      200,
    );
    count("malformed requests");
    await expectAlive();
  });
});
