/**
 * The rules of Appwrite webhook signatures, once, for every runtime. `X-Appwrite-Webhook-Signature`
 * is base64(HMAC-SHA1(key = secret, message = url + rawBody)), with no separator.
 *
 * Which URL is signed depends on the server: Appwrite 1.9.x signs the URL after PHP's
 * `rawurldecode`, later versions sign the URL exactly as configured. The verifier tries both
 * unless told which, because a receiver rarely knows the server's version.
 *
 * This module holds everything but the HMAC itself: URL forms, body bytes, the signature's
 * canonical form, the candidate keys and their rotation window, and the decision with its
 * reasons. It imports nothing from `node:` and uses no `Buffer`, so the Web entry (Web Crypto,
 * for Workers, Deno, Bun and browsers) and the Node entry (node:crypto) both run on it and
 * cannot drift apart.
 */

import type {
  RawBody,
  RotatingSecrets,
  SecretLabel,
  SignatureUrlMode,
  VerifyFailureReason,
  VerifyInput,
  VerifyResult,
  WebhookSecrets,
} from "./signature-types";

export type * from "./signature-types";

/**
 * How long a previous key stays accepted after `rotatedAt` when no window is given. Appwrite
 * does not retry failed deliveries by itself, so the window only has to cover deliveries signed
 * just before the rotation and receivers that pick up the new configuration late; a day is
 * generous for that and still short enough that a leaked old key soon stops working.
 */
export const DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS = 86_400;

const utf8 = new TextEncoder();

/** UTF-8 bytes of a string: what PHP's hash_hmac sees for keys, URLs and bodies. */
export function utf8Bytes(text: string): Uint8Array {
  return utf8.encode(text);
}

/** PHP's rawurldecode on the URL's UTF-8 bytes: %XX sequences become bytes; `+` stays a plus sign. */
export function rawUrlDecodeBytes(url: string): Uint8Array {
  const source = utf8Bytes(url);
  const out = new Uint8Array(source.length);
  let length = 0;
  const hex = (byte: number | undefined): number => {
    if (byte === undefined) return -1;
    if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
    const lower = byte | 0x20;
    return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
  };
  for (let i = 0; i < source.length; i++) {
    const byte = source[i] as number;
    const high = byte === 0x25 ? hex(source[i + 1]) : -1;
    const low = high >= 0 ? hex(source[i + 2]) : -1;
    if (low >= 0) {
      out[length++] = high * 16 + low;
      i += 2;
    } else out[length++] = byte;
  }
  return out.subarray(0, length);
}

/**
 * rawurldecode as a string of byte values (latin1): the result may hold bytes that are not UTF-8
 * (`%FF`), which a UTF-8 string cannot carry byte-exactly.
 */
export function rawUrlDecode(url: string): string {
  let text = "";
  for (const byte of rawUrlDecodeBytes(url)) text += String.fromCharCode(byte);
  return text;
}

/** The URL bytes that go into the HMAC for a form. */
export function signedUrlBytes(url: string, mode: SignatureUrlMode): Uint8Array {
  return mode === "decoded" ? rawUrlDecodeBytes(url) : utf8Bytes(url);
}

export function isRawBody(value: unknown): value is RawBody {
  return typeof value === "string" || value instanceof Uint8Array || value instanceof ArrayBuffer;
}

export function bodyBytes(rawBody: RawBody): Uint8Array {
  if (typeof rawBody === "string") return utf8Bytes(rawBody);
  return rawBody instanceof Uint8Array ? rawBody : new Uint8Array(rawBody);
}

/** url + body as one array, for HMAC APIs that take a single message (Web Crypto has no update()). */
export function concatBytes(first: Uint8Array, second: Uint8Array): Uint8Array {
  const out = new Uint8Array(first.length + second.length);
  out.set(first, 0);
  out.set(second, first.length);
  return out;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

export function base64Encode(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** HMAC-SHA1 digests are 20 bytes; anything else cannot be an Appwrite signature. */
const SHA1_BYTES = 20;
/** 20 bytes are 27 base64 characters plus one `=`; the padding is optional to tolerate trimming. */
const BASE64_SHA1 = /^[A-Za-z0-9+/]{27}=?$/;

/** The 20 digest bytes, or a failure reason. Lenient decoders would accept junk. */
function decodeSignature(signature: unknown): Uint8Array | VerifyFailureReason {
  if (signature === undefined || signature === null) return "missing-signature";
  if (typeof signature !== "string") return "malformed-signature";
  const trimmed = signature.trim();
  if (trimmed === "") return "missing-signature";
  if (!BASE64_SHA1.test(trimmed)) return "malformed-signature";
  const canonical = trimmed.padEnd(28, "=");
  const binary = atob(canonical);
  const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  // The last character carries 2 unused bits; insist they are zero so one digest has one spelling.
  if (bytes.length !== SHA1_BYTES || base64Encode(bytes) !== canonical) return "malformed-signature";
  return bytes;
}

interface Candidate {
  label: SecretLabel;
  secret: string;
  /** False for a previous key past its window: still computed, so timing does not tell. */
  active: boolean;
}

function previousStillAccepted(secrets: RotatingSecrets, now: number): boolean {
  const { rotatedAt } = secrets;
  if (rotatedAt === undefined || rotatedAt === null || rotatedAt === "") return true;
  const rotated = rotatedAt instanceof Date ? rotatedAt.getTime() : Date.parse(String(rotatedAt));
  const windowSeconds = secrets.previousWindowSeconds ?? DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS;
  // NaN from a bad date or window makes the comparison false: the previous key is refused.
  return now <= rotated + windowSeconds * 1000;
}

function candidatesOf(secrets: WebhookSecrets, now: number): Candidate[] {
  const usable = (value: unknown): value is string => typeof value === "string" && value !== "";
  if (typeof secrets === "string")
    return usable(secrets) ? [{ label: "current", secret: secrets, active: true }] : [];
  if (Array.isArray(secrets)) {
    const list: readonly unknown[] = secrets;
    return list.flatMap((secret, index) => (usable(secret) ? [{ label: index, secret, active: true }] : []));
  }
  if (typeof secrets !== "object" || secrets === null) return [];
  const set = secrets as RotatingSecrets;
  const out: Candidate[] = [];
  if (usable(set.current)) out.push({ label: "current", secret: set.current, active: true });
  // A previous key equal to the current one adds nothing and would misreport the match.
  if (usable(set.previous) && set.previous !== set.current) {
    out.push({ label: "previous", secret: set.previous, active: previousStillAccepted(set, now) });
  }
  return out;
}

/** One HMAC to compute and compare: a key against one URL form. */
export interface SignatureCheck {
  secret: string;
  /** The URL bytes of this form; the body follows them in the message. */
  urlBytes: Uint8Array;
  label: SecretLabel;
  urlMode: SignatureUrlMode;
  active: boolean;
}

/** Everything a runtime needs to compute: the checks, the body and the digest to compare with. */
export interface VerificationPlan {
  checks: SignatureCheck[];
  body: Uint8Array;
  /** The digest the header carries. */
  expected: Uint8Array;
}

/**
 * Validates the input and lists every key × URL form to check, or says why nothing can match.
 * Throws only on inputs the types forbid (getters that throw...); callers map that to invalid-input.
 */
export function planVerification(
  input: VerifyInput,
): VerificationPlan | { ok: false; reason: VerifyFailureReason } {
  if (typeof input !== "object" || input === null) return { ok: false, reason: "invalid-input" };
  const { url, rawBody, secrets, urlMode } = input;
  const expected = decodeSignature(input.signature);
  if (typeof expected === "string") return { ok: false, reason: expected };
  if (typeof url !== "string" || !isRawBody(rawBody)) return { ok: false, reason: "invalid-input" };
  const now = input.now === undefined ? Date.now() : new Date(input.now).getTime();
  const candidates = candidatesOf(secrets, now);
  if (candidates.length === 0) return { ok: false, reason: "no-secrets" };

  let forms: Array<{ urlMode: SignatureUrlMode; urlBytes: Uint8Array }> =
    urlMode === "raw" || urlMode === "decoded"
      ? [{ urlMode, urlBytes: signedUrlBytes(url, urlMode) }]
      : [
          { urlMode: "decoded", urlBytes: signedUrlBytes(url, "decoded") },
          { urlMode: "raw", urlBytes: signedUrlBytes(url, "raw") },
        ];
  // Without %XX escapes both forms are the same bytes; signing twice would only double the work.
  const [first, second] = forms;
  if (first && second && sameBytes(first.urlBytes, second.urlBytes)) forms = [first];

  const checks = candidates.flatMap(({ secret, label, active }) =>
    forms.map((form) => ({ secret, label, active, ...form })),
  );
  return { checks, body: bodyBytes(rawBody), expected };
}

/**
 * The answer, once every check has been compared (no early exit, so the time taken does not
 * reveal which key matched). `equal[i]` is the timing-safe comparison for `plan.checks[i]`.
 */
export function decideVerification(plan: VerificationPlan, equal: readonly boolean[]): VerifyResult {
  let expiredMatch = false;
  for (const [i, check] of plan.checks.entries()) {
    if (equal[i] !== true) continue;
    if (check.active) return { ok: true, matched: check.label, urlMode: check.urlMode };
    expiredMatch = true;
  }
  return { ok: false, reason: expiredMatch ? "previous-expired" : "mismatch" };
}
