/**
 * The Node entry against the OpenSSL vectors of signature-vectors.ts (shared with the runtime
 * runners of test/runtimes), plus the edge cases that only need one runtime.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS,
  rawUrlDecode,
  signWebhookPayload,
  verifyWebhookSignature,
  type SignatureUrlMode,
  type VerifyInput,
} from "../../provider/signature";
import * as web from "../../provider/web";
import {
  BODY_SLASHES,
  HEX_SECRET,
  PREVIOUS_SECRET,
  runSignatureVectors,
  SIGNED_WITH_PREVIOUS,
  tamperSignature,
  vectors,
  verifyCases,
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
      expect(verifyWebhookSignature(base({ secrets: ["nope-0", HEX_SECRET] }))).toMatchObject({
        ok: true,
        matched: 1,
      });
      expect(verifyWebhookSignature(base({ secrets: [HEX_SECRET, "other"] }))).toMatchObject({
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
      // An unreadable rotation time refuses the previous key instead of accepting it forever.
      expect(at(t0, { ...defaults, rotatedAt: "yesterday-ish" })).toEqual({
        ok: false,
        reason: "previous-expired",
      });
      expect(at(t0, { ...defaults, previousWindowSeconds: Number.NaN })).toEqual({
        ok: false,
        reason: "previous-expired",
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
        fc.string({ minLength: 1, unit: "binary" }),
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
