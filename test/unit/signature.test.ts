/**
 * Signature vectors computed outside this code base, with OpenSSL, so a bug shared by the signer
 * and the verifier cannot hide. Each constant names the command that produced it; `printf '%s'`
 * writes its argument without interpreting `\/` or `\u` (the body bytes stay PHP's escapes).
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

/** A generated-style key: 128 hex characters, as Appwrite's bin2hex(random_bytes(64)). */
const HEX_SECRET =
  "7d3f0c2a9b8e41f6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0";
const SHORT_SECRET = "s3cr3t-current-0123456789";
const PREVIOUS_SECRET = "previous-secret-abcdef";
/** Non-ASCII custom secret: PHP's hash_hmac keys with the UTF-8 bytes, and so must we. */
const UNICODE_SECRET = "clé-secrète-🔑";

interface Vector {
  name: string;
  url: string;
  body: string;
  secret: string;
  /** Expected header per URL form; for URLs without %XX both forms are the same bytes. */
  decoded: string;
  raw: string;
}

const BODY_SLASHES = '{"$id":"u1","name":"Ana","url":"https:\\/\\/example.com\\/a\\/b"}';
const BODY_LATIN = '{"name":"Jos\\u00e9 \\u00d8re","city":"K\\u00f8benhavn"}';
const BODY_EMOJI = '{"msg":"hi \\ud83d\\ude80 caf\\u00e9 \\/ \\u4e2d\\u6587"}';
const BODY_PATH = '{"events":["users.u1.create"],"path":"\\/a b"}';

const vectors: Vector[] = [
  {
    // printf '%s' 'https://hooks.example.com/appwrite{"$id":"u1","name":"Ana","url":"https:\/\/example.com\/a\/b"}' \
    //   | openssl dgst -sha1 -hmac "$HEX_SECRET" -binary | base64
    name: "escaped slashes",
    url: "https://hooks.example.com/appwrite",
    body: BODY_SLASHES,
    secret: HEX_SECRET,
    decoded: "4z6v1Yupby/P9W64ryN4oitTv1g=",
    raw: "4z6v1Yupby/P9W64ryN4oitTv1g=",
  },
  {
    // printf '%s' 'https://hooks.example.com:8443/appwrite?x=1&y=two{"name":"Jos\u00e9 \u00d8re","city":"K\u00f8benhavn"}' \
    //   | openssl dgst -sha1 -hmac "$HEX_SECRET" -binary | base64
    name: "port, query string and \\u00XX escapes",
    url: "https://hooks.example.com:8443/appwrite?x=1&y=two",
    body: BODY_LATIN,
    secret: HEX_SECRET,
    decoded: "bjYQdWDXqAifnG/qoq9QMR/Hay8=",
    raw: "bjYQdWDXqAifnG/qoq9QMR/Hay8=",
  },
  {
    // printf '%s' 'https://hooks.example.com/appwrite{"msg":"hi \ud83d\ude80 caf\u00e9 \/ \u4e2d\u6587"}' \
    //   | openssl dgst -sha1 -hmac 's3cr3t-current-0123456789' -binary | base64
    name: "emoji as a surrogate pair, CJK",
    url: "https://hooks.example.com/appwrite",
    body: BODY_EMOJI,
    secret: SHORT_SECRET,
    decoded: "FocWM1ug/bAXF1XGoNt8b61fo0c=",
    raw: "FocWM1ug/bAXF1XGoNt8b61fo0c=",
  },
  {
    // printf '%s' 'https://hooks.example.com/empty' | openssl dgst -sha1 -hmac 's3cr3t-current-0123456789' -binary | base64
    name: "empty body",
    url: "https://hooks.example.com/empty",
    body: "",
    secret: SHORT_SECRET,
    decoded: "KxROG52mVTDXd0v1Kc9Sw0yCSng=",
    raw: "KxROG52mVTDXd0v1Kc9Sw0yCSng=",
  },
  {
    // raw:     printf '%s' 'https://hooks.example.com:8443/a%20b/c%2Fd/caf%C3%A9?q=%C3%A9t%C3%A9&s=a+b{"events":["users.u1.create"],"path":"\/a b"}' \
    //            | openssl dgst -sha1 -hmac "$HEX_SECRET" -binary | base64
    // decoded: printf '%s' 'https://hooks.example.com:8443/a b/c/d/café?q=été&s=a+b{"events":["users.u1.create"],"path":"\/a b"}' \
    //            | openssl dgst -sha1 -hmac "$HEX_SECRET" -binary | base64      (é typed as UTF-8: C3 A9; `+` stays)
    name: "%20, %2F, %C3%A9 and a literal +",
    url: "https://hooks.example.com:8443/a%20b/c%2Fd/caf%C3%A9?q=%C3%A9t%C3%A9&s=a+b",
    body: BODY_PATH,
    secret: HEX_SECRET,
    decoded: "PZoZ/5Tz0TA1Pj2C3vW0Uu96I1I=",
    raw: "1J16FL4/cT7q7T6djt/LfMh7Ec4=",
  },
  {
    // raw:     printf '%s' 'https://hooks.example.com/x%FFy%zz%4?p=%41{}' | openssl dgst -sha1 -hmac 'clé-secrète-🔑' -binary | base64
    // decoded: { printf '%s' 'https://hooks.example.com/x'; printf '\377'; printf '%s' 'y%zz%4?p=A{}'; } \
    //            | openssl dgst -sha1 -hmac 'clé-secrète-🔑' -binary | base64
    // %FF decodes to a lone 0xFF byte (not UTF-8); %zz and a dangling %4 stay as they are.
    name: "%FF (not UTF-8), invalid escapes, unicode secret",
    url: "https://hooks.example.com/x%FFy%zz%4?p=%41",
    body: "{}",
    secret: UNICODE_SECRET,
    decoded: "lTqeDy5f4pWDz1zIeOEI5GRFZ4U=",
    raw: "C3l2Vn/btlf5hiQAbQUPaXjomoA=",
  },
];

// printf '%s' 'https://hooks.example.com/appwrite{"$id":"u1","name":"Ana","url":"https:\/\/example.com\/a\/b"}' \
//   | openssl dgst -sha1 -hmac 'previous-secret-abcdef' -binary | base64
const SIGNED_WITH_PREVIOUS = "sV0f9MflrGnoS3NWmlmT3dOWn5k=";

function base(overrides: Partial<VerifyInput> = {}): VerifyInput {
  const v = vectors[0] as Vector;
  return { url: v.url, rawBody: v.body, signature: v.decoded, secrets: v.secret, ...overrides };
}

/** Flips one bit of one byte in a base64 signature, keeping it well-formed (20 bytes, canonical). */
function tamperSignature(signature: string, index = 0): string {
  const bytes = Buffer.from(signature, "base64");
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return bytes.toString("base64");
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
