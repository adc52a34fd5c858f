/**
 * The Node entry against the OpenSSL vectors of signature-vectors.ts (shared with the runtime
 * runners of test/receiver/runtimes), plus the edge cases that only need one runtime. The vectors
 * also run against the built entries as users import them: the receiver package's, and the
 * root package's re-exports of them.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS,
  rawUrlDecode,
  signWebhookPayload,
  verifyWebhookSignature,
  webhookSecretsProblem,
  type SignatureUrlMode,
  type VerifyInput,
} from "../../receiver/src/node/node-crypto";
import * as web from "../../receiver/src/web-crypto";
import { REPO_ROOT } from "../support/engine";
import {
  BODY_SLASHES,
  HEX_SECRET,
  PREVIOUS_SECRET,
  runSignatureVectors,
  SIGNED_WITH_PREVIOUS,
  tamperSignature,
  vectors,
  verifyCases,
  type SignatureApi,
  type Vector,
} from "./signature-vectors";

function base(overrides: Partial<VerifyInput> = {}): VerifyInput {
  const v = vectors[0] as Vector;
  return { url: v.url, rawBody: v.body, signature: v.decoded, secrets: v.secret, ...overrides };
}

describe("signWebhookPayload against OpenSSL vectors", () => {
  it.each(vectors)("$name", (v) => {
    expect(signWebhookPayload({ url: v.url, rawBody: v.body, secret: v.secret, urlMode: "decoded" })).toBe(
      v.decoded,
    );
    expect(signWebhookPayload({ url: v.url, rawBody: v.body, secret: v.secret, urlMode: "raw" })).toBe(v.raw);
    // 1.9.6 is the default.
    expect(signWebhookPayload({ url: v.url, rawBody: v.body, secret: v.secret })).toBe(v.decoded);
    // Bytes and strings sign the same.
    expect(signWebhookPayload({ url: v.url, rawBody: Buffer.from(v.body), secret: v.secret })).toBe(
      v.decoded,
    );
  });

  it("rawurldecode keeps + and invalid escapes", () => {
    expect(rawUrlDecode("a+b%20c%zz%4")).toBe("a+b c%zz%4");
  });
});

describe("the shared cases, in this process", () => {
  it.each(verifyCases)("node:crypto: $name", ({ name: _name, expected, ...input }) => {
    expect(verifyWebhookSignature(input)).toEqual(expected);
  });

  it("node:crypto and Web Crypto pass every vector and case", async () => {
    const node = await runSignatureVectors({ sign: signWebhookPayload, verify: verifyWebhookSignature });
    const webCrypto = await runSignatureVectors({
      sign: web.signWebhookPayload,
      verify: web.verifyWebhookSignature,
    });
    expect(node.failures).toEqual([]);
    expect(webCrypto.failures).toEqual([]);
    expect(node.passed).toBe(vectors.length * 3 + verifyCases.length);
    expect(webCrypto.passed).toBe(node.passed);
  });

  it("the Web entry gives the Node entry's answer for any URL, body, key and signature", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "binary" }),
        fc.oneof(fc.string({ unit: "binary" }), fc.uint8Array()),
        fc.string({ unit: "binary" }),
        fc.constantFrom<SignatureUrlMode | undefined>("decoded", "raw", undefined),
        fc.boolean(),
        async (url, rawBody, secret, urlMode, tamper) => {
          const signed = signWebhookPayload({ url, rawBody, secret, urlMode });
          expect(await web.signWebhookPayload({ url, rawBody, secret, urlMode })).toBe(signed);
          const signature = tamper ? tamperSignature(signed, 7) : signed;
          const input = { url, rawBody, signature, secrets: [secret, "other-key"], urlMode };
          expect(await web.verifyWebhookSignature(input)).toEqual(verifyWebhookSignature(input));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("the built entries, resolved by package name as a user imports them", () => {
  const load = createRequire(join(REPO_ROOT, "package.json"));
  it.each([
    "appwrite-webhooks-receiver",
    "appwrite-webhooks-receiver/web",
    "pulumi-appwrite-webhooks",
    "pulumi-appwrite-webhooks/web",
  ])("%s passes every OpenSSL vector and case", async (entry) => {
    // Sync on the Node entries, async on /web: SignatureApi takes either.
    const loaded = load(entry) as {
      signWebhookPayload: SignatureApi["sign"];
      verifyWebhookSignature: SignatureApi["verify"];
    };
    const api: SignatureApi = { sign: loaded.signWebhookPayload, verify: loaded.verifyWebhookSignature };
    const report = await runSignatureVectors(api);
    expect(report.failures).toEqual([]);
    expect(report.passed).toBe(vectors.length * 3 + verifyCases.length);
  });
});

describe("verifyWebhookSignature", () => {
  describe.each(vectors)("$name", (v) => {
    const bodies: Array<[string, string | Uint8Array]> = [
      ["string", v.body],
      ["Buffer", Buffer.from(v.body, "utf8")],
      ["Uint8Array", new Uint8Array(Buffer.from(v.body, "utf8"))],
    ];
    it.each(bodies)("accepts both URL forms with a %s body", (_kind, rawBody) => {
      const decoded = verifyWebhookSignature({
        url: v.url,
        rawBody,
        signature: v.decoded,
        secrets: v.secret,
      });
      expect(decoded).toEqual({ ok: true, matched: "current", urlMode: "decoded" });
      const raw = verifyWebhookSignature({ url: v.url, rawBody, signature: v.raw, secrets: v.secret });
      // Without escapes the forms coincide and the 1.9.x form is reported.
      expect(raw).toEqual({ ok: true, matched: "current", urlMode: v.raw === v.decoded ? "decoded" : "raw" });
    });

    it("fails when one byte of the body, the URL or the header changes", () => {
      // One flipped bit in the last byte; the empty body gains one byte instead.
      const tampered = Buffer.from(v.body === "" ? "{" : v.body, "utf8");
      if (v.body !== "") tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 0x01;
      const reason = (input: Partial<VerifyInput>): unknown =>
        verifyWebhookSignature({
          url: v.url,
          rawBody: v.body,
          signature: v.decoded,
          secrets: v.secret,
          ...input,
        });
      expect(reason({ rawBody: tampered })).toEqual({ ok: false, reason: "mismatch" });
      expect(reason({ url: v.url.replace("hooks", "hookz") })).toEqual({ ok: false, reason: "mismatch" });
      expect(reason({ url: v.url + "/" })).toEqual({ ok: false, reason: "mismatch" });
      for (const i of [0, 10, 19]) {
        expect(reason({ signature: tamperSignature(v.decoded, i) })).toEqual({
          ok: false,
          reason: "mismatch",
        });
      }
      expect(reason({ secrets: v.secret + "x" })).toEqual({ ok: false, reason: "mismatch" });
    });
  });

  it("honours an explicit urlMode for %XX URLs", () => {
    const v = vectors[4] as Vector;
    const check = (signature: string, urlMode: SignatureUrlMode): boolean =>
      verifyWebhookSignature({ url: v.url, rawBody: v.body, signature, secrets: v.secret, urlMode }).ok;
    expect(check(v.decoded, "decoded")).toBe(true);
    expect(check(v.raw, "raw")).toBe(true);
    expect(check(v.decoded, "raw")).toBe(false);
    expect(check(v.raw, "decoded")).toBe(false);
  });

  it("does not accept JSON.stringify output in place of the PHP bytes", () => {
    const reserialized = JSON.stringify(JSON.parse(BODY_SLASHES));
    expect(verifyWebhookSignature(base({ rawBody: reserialized }))).toEqual({
      ok: false,
      reason: "mismatch",
    });
  });

  it("does not accept a hex digest", () => {
    const hex = Buffer.from((vectors[0] as Vector).decoded, "base64").toString("hex");
    expect(verifyWebhookSignature(base({ signature: hex }))).toEqual({
      ok: false,
      reason: "malformed-signature",
    });
  });

  describe("several secrets", () => {
    it("reports the index of the matching key in a list", () => {
      expect(verifyWebhookSignature(base({ secrets: ["nope-key-0", HEX_SECRET] }))).toMatchObject({
        ok: true,
        matched: 1,
      });
      expect(verifyWebhookSignature(base({ secrets: [HEX_SECRET, "other-key"] }))).toMatchObject({
        ok: true,
        matched: 0,
      });
      expect(verifyWebhookSignature(base({ secrets: ["a-secret", "b-secret"] }))).toEqual({
        ok: false,
        reason: "mismatch",
      });
    });

    it("accepts the previous key only when supplied", () => {
      const signature = SIGNED_WITH_PREVIOUS;
      expect(verifyWebhookSignature(base({ signature, secrets: HEX_SECRET }))).toEqual({
        ok: false,
        reason: "mismatch",
      });
      expect(verifyWebhookSignature(base({ signature, secrets: { current: HEX_SECRET } }))).toEqual({
        ok: false,
        reason: "mismatch",
      });
      expect(
        verifyWebhookSignature(base({ signature, secrets: { current: HEX_SECRET, previous: "" } })),
      ).toEqual({
        ok: false,
        reason: "mismatch",
      });
      expect(
        verifyWebhookSignature(
          base({ signature, secrets: { current: HEX_SECRET, previous: PREVIOUS_SECRET } }),
        ),
      ).toEqual({ ok: true, matched: "previous", urlMode: "decoded" });
      // The current key still wins for deliveries it signed.
      expect(
        verifyWebhookSignature(base({ secrets: { current: HEX_SECRET, previous: PREVIOUS_SECRET } })),
      ).toMatchObject({
        ok: true,
        matched: "current",
      });
    });

    it("accepts the previous key only inside its rotation window", () => {
      const rotatedAt = "2026-01-01T00:00:00.000Z";
      const t0 = Date.parse(rotatedAt);
      const secrets = {
        current: HEX_SECRET,
        previous: PREVIOUS_SECRET,
        rotatedAt,
        previousWindowSeconds: 3600,
      };
      const at = (now: number, s: VerifyInput["secrets"] = secrets): unknown =>
        verifyWebhookSignature(base({ signature: SIGNED_WITH_PREVIOUS, secrets: s, now }));
      expect(at(t0 + 1000)).toMatchObject({ ok: true, matched: "previous" });
      expect(at(t0 + 3600_000)).toMatchObject({ ok: true, matched: "previous" });
      expect(at(t0 + 3600_001)).toEqual({ ok: false, reason: "previous-expired" });
      // Date objects work as well, and the current key is unaffected by the window.
      expect(at(t0 + 1000, { ...secrets, rotatedAt: new Date(t0) })).toMatchObject({ ok: true });
      expect(verifyWebhookSignature(base({ secrets, now: t0 + 10 * 86_400_000 }))).toMatchObject({
        ok: true,
        matched: "current",
      });
      // Default window: one day.
      const defaults = { current: HEX_SECRET, previous: PREVIOUS_SECRET, rotatedAt };
      expect(at(t0 + DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS * 1000, defaults)).toMatchObject({ ok: true });
      expect(at(t0 + DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS * 1000 + 1, defaults)).toEqual({
        ok: false,
        reason: "previous-expired",
      });
      // An unreadable rotation time or window is a configuration error, neither forever nor never.
      expect(at(t0, { ...defaults, rotatedAt: "yesterday-ish" })).toEqual({
        ok: false,
        reason: "invalid-secrets",
        problem: "rotatedAt is not a date; give it in ISO 8601, as the secretRotatedAt output is",
      });
      expect(at(t0, { ...defaults, previousWindowSeconds: Number.NaN })).toEqual({
        ok: false,
        reason: "invalid-secrets",
        problem: "previousWindowSeconds must be a number of seconds, 0 or more",
      });
    });
  });

  describe("bad headers and configuration come back as reasons", () => {
    it.each([
      ["undefined", undefined, "missing-signature"],
      ["null", null, "missing-signature"],
      ["empty", "", "missing-signature"],
      ["blank", "   ", "missing-signature"],
      ["not base64", "this is not a signature!!!!=", "malformed-signature"],
      ["too short (19 bytes)", Buffer.alloc(19, 1).toString("base64"), "malformed-signature"],
      ["too long (32 bytes, a SHA-256)", Buffer.alloc(32, 1).toString("base64"), "malformed-signature"],
      ["base64url alphabet", "4z6v1Yupby_P9W64ryN4oitTv1g=", "malformed-signature"],
      ["non-canonical last character", "4z6v1Yupby/P9W64ryN4oitTv1h=", "malformed-signature"],
      [
        "two joined headers",
        "4z6v1Yupby/P9W64ryN4oitTv1g=, 4z6v1Yupby/P9W64ryN4oitTv1g=",
        "malformed-signature",
      ],
    ] as const)("%s", (_name, signature, reason) => {
      expect(verifyWebhookSignature(base({ signature }))).toEqual({ ok: false, reason });
    });

    it("tolerates surrounding whitespace and missing padding", () => {
      expect(verifyWebhookSignature(base({ signature: " 4z6v1Yupby/P9W64ryN4oitTv1g= " }))).toMatchObject({
        ok: true,
      });
      expect(verifyWebhookSignature(base({ signature: "4z6v1Yupby/P9W64ryN4oitTv1g" }))).toMatchObject({
        ok: true,
      });
    });

    it("refuses to verify without a usable secret (an empty key is public)", () => {
      const emptyKeySignature = signWebhookPayload({ url: base().url, rawBody: base().rawBody, secret: "" });
      for (const secrets of [[], "", [""], { current: "" }, { current: "", previous: "" }]) {
        expect(verifyWebhookSignature(base({ signature: emptyKeySignature, secrets }))).toEqual({
          ok: false,
          reason: "no-secrets",
        });
      }
    });

    it("reports wrong input types instead of throwing", () => {
      const bad = (input: Record<string, unknown>): unknown =>
        verifyWebhookSignature({ ...base(), ...input } as VerifyInput);
      expect(bad({ url: 42 })).toEqual({ ok: false, reason: "invalid-input" });
      expect(bad({ rawBody: { a: 1 } })).toEqual({ ok: false, reason: "invalid-input" });
      expect(bad({ signature: 42 })).toEqual({ ok: false, reason: "malformed-signature" });
      expect(verifyWebhookSignature(null as unknown as VerifyInput)).toEqual({
        ok: false,
        reason: "invalid-input",
      });
    });
  });
});

describe("keys Appwrite could not sign with are a configuration error, on both entries", () => {
  const entries = [
    ["node:crypto", verifyWebhookSignature, webhookSecretsProblem],
    ["Web Crypto", web.verifyWebhookSignature, web.webhookSecretsProblem],
  ] as const;
  const v = vectors[0] as Vector;
  /** A delivery of the first vector's URL and body, signed with `key` as Appwrite would sign it. */
  const signedWith = (key: string, secrets: VerifyInput["secrets"]): VerifyInput => ({
    url: v.url,
    rawBody: v.body,
    signature: signWebhookPayload({ url: v.url, rawBody: v.body, secret: key }),
    secrets,
  });
  const PRINTED_NULL =
    'the previous key is the text "null", which is how an unset value prints (pulumi stack output prints null before the first rotation); leave it empty or unset instead';

  describe.each(entries)("%s", (_entry, verify, problemOf) => {
    it("refuses a delivery signed with the key `null` when previous is the text `null`, instead of matching it", async () => {
      const forged = signedWith("null", { current: HEX_SECRET, previous: "null" });
      expect(await verify(forged)).toEqual({ ok: false, reason: "invalid-secrets", problem: PRINTED_NULL });
      // Every delivery is refused while the receiver is misconfigured, the genuine one too.
      const genuine = signedWith(HEX_SECRET, { current: HEX_SECRET, previous: "null" });
      expect(await verify(genuine)).toEqual({ ok: false, reason: "invalid-secrets", problem: PRINTED_NULL });
      expect(problemOf({ current: HEX_SECRET, previous: "null" })).toBe(PRINTED_NULL);
    });

    it.each([
      ["null", { current: HEX_SECRET, previous: "null" }, /^the previous key is the text "null"/],
      [
        "NULL with a newline",
        { current: HEX_SECRET, previous: " NULL\n" },
        /^the previous key is the text "null"/,
      ],
      [
        "undefined",
        { current: HEX_SECRET, previous: "undefined" },
        /^the previous key is the text "undefined"/,
      ],
      ["Undefined as the current key", { current: "Undefined" }, /^the current key is the text "undefined"/],
      ["null as the only key", "null", /^the key is the text "null"/],
      ["null in a list", [HEX_SECRET, "null"], /^key 1 of the list is the text "null"/],
      ["abc", "abc", /^the key is shorter than 8 characters; Appwrite's keys are 8 to 256$/],
      ["7 characters", { current: "abcdefg" }, /^the current key is shorter than 8 characters/],
      ["7 two-byte characters (14 bytes)", { current: "é".repeat(7) }, /shorter than 8 characters/],
      ["257 characters", { current: "k".repeat(257) }, /^the current key is longer than 256 characters/],
      [
        "a short previous key",
        { current: HEX_SECRET, previous: "old" },
        /^the previous key is shorter than 8/,
      ],
      [
        "rotatedAt null next to a previous key",
        { current: HEX_SECRET, previous: PREVIOUS_SECRET, rotatedAt: "null" },
        /^rotatedAt is the text "null"/,
      ],
      [
        "an invalid Date",
        { current: HEX_SECRET, previous: PREVIOUS_SECRET, rotatedAt: new Date(Number.NaN) },
        /^rotatedAt is an invalid Date$/,
      ],
      [
        "a negative window",
        { current: HEX_SECRET, previous: PREVIOUS_SECRET, previousWindowSeconds: -1 },
        /^previousWindowSeconds must be a number of seconds/,
      ],
    ] as const)("%s: invalid-secrets, naming the key and the rule", async (_name, secrets, problem) => {
      const key = typeof secrets === "string" ? secrets : Array.isArray(secrets) ? "null" : "abcdefg";
      const result = await verify(signedWith(key, secrets as VerifyInput["secrets"]));
      expect(result).toMatchObject({ ok: false, reason: "invalid-secrets" });
      expect(result.ok ? "" : result.problem).toMatch(problem);
      expect(problemOf(secrets as VerifyInput["secrets"])).toMatch(problem);
    });

    it("never quotes the key it refuses", async () => {
      for (const key of ["abc123", "k".repeat(300), "é".repeat(7)]) {
        const result = await verify(signedWith(key, { current: HEX_SECRET, previous: key }));
        expect(result.ok).toBe(false);
        expect(result.ok ? "" : result.problem).not.toContain(key);
      }
    });

    it("accepts keys of 8 and 256 characters, counted as Appwrite counts them (characters, not bytes)", async () => {
      for (const key of [
        "abcdefgh",
        "k".repeat(256),
        "🔑".repeat(8),
        "é".repeat(8),
        "null-key",
        "  null  x",
      ]) {
        expect(await verify(signedWith(key, key))).toEqual({
          ok: true,
          matched: "current",
          urlMode: "decoded",
        });
        expect(problemOf(key)).toBeUndefined();
      }
    });

    it("an empty or absent previous key still means none, and rotatedAt is read only beside one", async () => {
      for (const previous of ["", null, undefined]) {
        for (const rotatedAt of ["null", "", null, undefined]) {
          const secrets = { current: HEX_SECRET, previous, rotatedAt };
          expect(await verify(signedWith(HEX_SECRET, secrets))).toEqual({
            ok: true,
            matched: "current",
            urlMode: "decoded",
          });
          expect(problemOf(secrets)).toBeUndefined();
        }
      }
      // Empty keys in a list are skipped, as before.
      expect(await verify(signedWith(HEX_SECRET, ["", HEX_SECRET]))).toMatchObject({ ok: true, matched: 1 });
    });
  });
});

describe("properties (fast-check)", () => {
  it("never throws, whatever the input", () => {
    const anySecrets = fc.oneof(
      fc.anything(),
      fc.string(),
      fc.array(fc.string()),
      fc.record({
        current: fc.anything(),
        previous: fc.anything(),
        rotatedAt: fc.oneof(fc.anything(), fc.date({ noInvalidDate: false })),
        previousWindowSeconds: fc.anything(),
      }),
    );
    const anySignature = fc.oneof(
      fc.anything(),
      fc.string(),
      fc.base64String({ minLength: 20, maxLength: 32 }),
    );
    const anyBody = fc.oneof(fc.anything(), fc.string(), fc.uint8Array());
    fc.assert(
      fc.property(
        fc.anything(),
        anyBody,
        anySignature,
        anySecrets,
        fc.anything(),
        fc.anything(),
        (url, rawBody, signature, secrets, urlMode, now) => {
          const input = { url, rawBody, signature, secrets, urlMode, now } as unknown as VerifyInput;
          const result = verifyWebhookSignature(input);
          expect(typeof result.ok).toBe("boolean");
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("accepts what it signs and rejects any other key, for any URL, body and key", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "binary" }),
        fc.oneof(fc.string({ unit: "binary" }), fc.uint8Array()),
        // Appwrite's keys: 8 to 255 characters here, so that `secret + "x"` is one too.
        fc.string({ minLength: 8, maxLength: 255, unit: "binary" }),
        fc.constantFrom<SignatureUrlMode>("decoded", "raw"),
        (url, rawBody, secret, urlMode) => {
          const signature = signWebhookPayload({ url, rawBody, secret, urlMode });
          expect(verifyWebhookSignature({ url, rawBody, signature, secrets: secret }).ok).toBe(true);
          expect(verifyWebhookSignature({ url, rawBody, signature, secrets: secret, urlMode }).ok).toBe(true);
          // Not `secret + "\0"`: HMAC zero-pads short keys, so a trailing NUL is the same key.
          expect(verifyWebhookSignature({ url, rawBody, signature, secrets: secret + "x" }).ok).toBe(false);
        },
      ),
      { numRuns: 500 },
    );
  });
});
