/**
 * Signature vectors computed outside this code base, with OpenSSL, so a bug shared by the signer
 * and the verifier cannot hide. Each constant names the command that produced it; `printf '%s'`
 * writes its argument without interpreting `\/` or `\u` (the body bytes stay PHP's escapes).
 *
 * One file for every runtime: the Node unit tests import it, and test/receiver/runtimes bundles it with
 * the Web entry for Node, Bun, Deno and workerd. So it is plain data and plain functions: no
 * `node:` import, no Buffer, no test framework.
 */
import type {
  RawBody,
  SignatureUrlMode,
  VerifyResult,
  WebhookSecrets,
} from "../../receiver/src/rules/signature-rules";

/** A generated-style key: 128 hex characters, as Appwrite's bin2hex(random_bytes(64)). */
export const HEX_SECRET =
  "7d3f0c2a9b8e41f6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0";
export const SHORT_SECRET = "s3cr3t-current-0123456789";
export const PREVIOUS_SECRET = "previous-secret-abcdef";
/** Non-ASCII custom secret: PHP's hash_hmac keys with the UTF-8 bytes, and so must we. */
export const UNICODE_SECRET = "clé-secrète-🔑";

export interface Vector {
  name: string;
  url: string;
  body: string;
  secret: string;
  /** Expected header per URL form; for URLs without %XX both forms are the same bytes. */
  decoded: string;
  raw: string;
}

export const BODY_SLASHES = '{"$id":"u1","name":"Ana","url":"https:\\/\\/example.com\\/a\\/b"}';
export const BODY_LATIN = '{"name":"Jos\\u00e9 \\u00d8re","city":"K\\u00f8benhavn"}';
export const BODY_EMOJI = '{"msg":"hi \\ud83d\\ude80 caf\\u00e9 \\/ \\u4e2d\\u6587"}';
export const BODY_PATH = '{"events":["users.u1.create"],"path":"\\/a b"}';

export const vectors: Vector[] = [
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
  {
    // printf '%s' 'https://hooks.example.com/café/ü?q=日本{"text":"line1\nline2\ttab"}' \
    //   | openssl dgst -sha1 -hmac 's3cr3t-current-0123456789' -binary | base64
    // Non-ASCII typed into the URL (not %XX): both forms sign its UTF-8 bytes.
    name: "non-ASCII URL characters, JSON \\n and \\t escapes",
    url: "https://hooks.example.com/café/ü?q=日本",
    body: '{"text":"line1\\nline2\\ttab"}',
    secret: SHORT_SECRET,
    decoded: "swM81e3amVQA0p5jSzZlynZppDo=",
    raw: "swM81e3amVQA0p5jSzZlynZppDo=",
  },
  {
    // raw:     printf '%s' 'https://hooks.example.com/a%2Bb/%E2%9C%93?sig=%3D%3D{"$id":"d1","total":42}' \
    //            | openssl dgst -sha1 -hmac 's3cr3t-current-0123456789' -binary | base64
    // decoded: printf '%s' 'https://hooks.example.com/a+b/✓?sig=={"$id":"d1","total":42}' \
    //            | openssl dgst -sha1 -hmac 's3cr3t-current-0123456789' -binary | base64
    name: "%2B, a 3-byte %E2%9C%93 and %3D",
    url: "https://hooks.example.com/a%2Bb/%E2%9C%93?sig=%3D%3D",
    body: '{"$id":"d1","total":42}',
    secret: SHORT_SECRET,
    decoded: "WD9sGzipuhtPQafZaxGGBvcG9LI=",
    raw: "Rz9Xq9R8uA9YPrhJ0czR6INsAJ8=",
  },
];

// printf '%s' 'https://hooks.example.com/appwrite{"$id":"u1","name":"Ana","url":"https:\/\/example.com\/a\/b"}' \
//   | openssl dgst -sha1 -hmac 'previous-secret-abcdef' -binary | base64
export const SIGNED_WITH_PREVIOUS = "sV0f9MflrGnoS3NWmlmT3dOWn5k=";
// The same message signed with the key `null` (a forged delivery, before the receiver's rule):
//   ... | openssl dgst -sha1 -hmac 'null' -binary | base64
export const SIGNED_WITH_NULL = "lCJP1eSbAgskhda5orig3l+mSqQ=";

/** The same 20 bytes with one bit flipped in byte `index`, still canonical base64. */
export function tamperSignature(signature: string, index = 0): string {
  const bytes = Uint8Array.from(atob(signature), (char) => char.charCodeAt(0));
  bytes[index] = (bytes[index] as number) ^ 0x01;
  return btoa(String.fromCharCode(...bytes));
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function arrayBuffer(text: string): ArrayBuffer {
  const bytes = utf8(text);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

const at = (index: number): Vector => vectors[index] as Vector;
const SLASHES = at(0);
const EMOJI = at(2);
const PERCENT = at(4);
const ROTATED_AT = "2026-01-01T00:00:00.000Z";
const T0 = Date.parse(ROTATED_AT);
const ROTATION = {
  current: HEX_SECRET,
  previous: PREVIOUS_SECRET,
  rotatedAt: ROTATED_AT,
  previousWindowSeconds: 3600,
};

/** A verification and the answer it must give, in every runtime. */
export interface VerifyCase {
  name: string;
  url: string;
  rawBody: RawBody;
  signature: string | undefined;
  secrets: WebhookSecrets;
  urlMode?: SignatureUrlMode;
  now?: number;
  expected: VerifyResult;
}

const current = (urlMode: SignatureUrlMode = "decoded"): VerifyResult => ({
  ok: true,
  matched: "current",
  urlMode,
});

export const verifyCases: VerifyCase[] = [
  ...vectors.flatMap((v): VerifyCase[] => [
    {
      name: `${v.name}: 1.9.x form`,
      url: v.url,
      rawBody: v.body,
      signature: v.decoded,
      secrets: v.secret,
      expected: current(),
    },
    {
      name: `${v.name}: raw form`,
      url: v.url,
      rawBody: v.body,
      signature: v.raw,
      secrets: v.secret,
      // Without escapes the forms coincide and the 1.9.x form is reported.
      expected: current(v.raw === v.decoded ? "decoded" : "raw"),
    },
  ]),
  {
    name: "ArrayBuffer body",
    url: EMOJI.url,
    rawBody: arrayBuffer(EMOJI.body),
    signature: EMOJI.decoded,
    secrets: EMOJI.secret,
    expected: current(),
  },
  {
    name: "Uint8Array emoji body",
    url: EMOJI.url,
    rawBody: utf8(EMOJI.body),
    signature: EMOJI.decoded,
    secrets: EMOJI.secret,
    expected: current(),
  },
  {
    name: "percent-encoded URL, 1.9.x signature, raw form only",
    url: PERCENT.url,
    rawBody: PERCENT.body,
    signature: PERCENT.decoded,
    secrets: PERCENT.secret,
    urlMode: "raw",
    expected: { ok: false, reason: "mismatch" },
  },
  {
    name: "one flipped bit in the last body byte",
    url: SLASHES.url,
    rawBody: SLASHES.body.slice(0, -1) + "|",
    signature: SLASHES.decoded,
    secrets: SLASHES.secret,
    expected: { ok: false, reason: "mismatch" },
  },
  {
    name: "one flipped bit in the signature",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: tamperSignature(SLASHES.decoded, 19),
    secrets: SLASHES.secret,
    expected: { ok: false, reason: "mismatch" },
  },
  {
    name: "rotation: previous key inside its window",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: SIGNED_WITH_PREVIOUS,
    secrets: ROTATION,
    now: T0 + 3600_000,
    expected: { ok: true, matched: "previous", urlMode: "decoded" },
  },
  {
    name: "rotation: previous key one millisecond past its window",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: SIGNED_WITH_PREVIOUS,
    secrets: ROTATION,
    now: T0 + 3600_001,
    expected: { ok: false, reason: "previous-expired" },
  },
  {
    name: "rotation: current key long after the window",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: SLASHES.decoded,
    secrets: ROTATION,
    now: T0 + 10 * 86_400_000,
    expected: current(),
  },
  {
    name: "a list of keys reports the index",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: SLASHES.decoded,
    secrets: ["nope-key-0", HEX_SECRET],
    expected: { ok: true, matched: 1, urlMode: "decoded" },
  },
  {
    name: "hex digest instead of base64",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: "e33eafd58ba96f2fcff56eb8af2378a22b53bf58",
    secrets: SLASHES.secret,
    expected: { ok: false, reason: "malformed-signature" },
  },
  {
    name: "non-canonical last base64 character",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: "4z6v1Yupby/P9W64ryN4oitTv1h=",
    secrets: SLASHES.secret,
    expected: { ok: false, reason: "malformed-signature" },
  },
  {
    name: "padding dropped and spaces around",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: " 4z6v1Yupby/P9W64ryN4oitTv1g ",
    secrets: SLASHES.secret,
    expected: current(),
  },
  {
    name: "no signature",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: undefined,
    secrets: SLASHES.secret,
    expected: { ok: false, reason: "missing-signature" },
  },
  {
    name: "only empty keys",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: SLASHES.decoded,
    secrets: ["", ""],
    expected: { ok: false, reason: "no-secrets" },
  },
  {
    // What `pulumi stack output previousSecret --show-secrets` prints before the first rotation.
    name: "a previous key that is the text null, with a delivery signed with that word",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: SIGNED_WITH_NULL,
    secrets: { current: HEX_SECRET, previous: "null" },
    expected: {
      ok: false,
      reason: "invalid-secrets",
      problem:
        'the previous key is the text "null", which is how an unset value prints (pulumi stack output prints null before the first rotation); leave it empty or unset instead',
    },
  },
  {
    name: "a 7-character key, shorter than any Appwrite accepts",
    url: SLASHES.url,
    rawBody: SLASHES.body,
    signature: SLASHES.decoded,
    secrets: [HEX_SECRET, "abcdefg"],
    expected: {
      ok: false,
      reason: "invalid-secrets",
      problem: "key 1 of the list is shorter than 8 characters; Appwrite's keys are 8 to 256",
    },
  },
];

/** What a runtime's signer and verifier are checked with. */
export interface SignatureApi {
  sign(input: {
    url: string;
    rawBody: RawBody;
    secret: string;
    urlMode?: SignatureUrlMode;
  }): string | Promise<string>;
  verify(input: Omit<VerifyCase, "name" | "expected">): VerifyResult | Promise<VerifyResult>;
}

export interface VectorReport {
  passed: number;
  failures: string[];
}

/** Runs every vector and case against one implementation; the report names each failure. */
export async function runSignatureVectors(api: SignatureApi): Promise<VectorReport> {
  const failures: string[] = [];
  let passed = 0;
  const check = (name: string, got: unknown, want: unknown): void => {
    if (JSON.stringify(got) === JSON.stringify(want)) passed++;
    else failures.push(`${name}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  };
  for (const v of vectors) {
    const sign = (urlMode?: SignatureUrlMode) =>
      api.sign({ url: v.url, rawBody: v.body, secret: v.secret, urlMode });
    check(`sign ${v.name}: 1.9.x form`, await sign("decoded"), v.decoded);
    check(`sign ${v.name}: raw form`, await sign("raw"), v.raw);
    check(`sign ${v.name}: default form`, await sign(), v.decoded);
  }
  for (const { name, expected, ...input } of verifyCases)
    check(`verify ${name}`, await api.verify(input), expected);
  return { passed, failures };
}
