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

/**
 * Appwrite's own rule for a webhook key: 8 to 256 characters (its Text validator counts
 * characters, not bytes). A key outside it is not one Appwrite can sign with, so configuring it
 * is a mistake, and a short one would be guessable.
 */
export const MIN_SECRET_LENGTH = 8;
export const MAX_SECRET_LENGTH = 256;

/**
 * What an unset value turns into on its way to a receiver as text: `pulumi stack output` prints
 * an output that is null (previousSecret and secretRotatedAt before the first rotation) as
 * `null`, and JavaScript writes a missing value as `undefined`. A receiver given one of them
 * would otherwise accept deliveries signed with that word. Compared trimmed and in any case:
 * the words come with a newline or in capitals from other tools, and no real key is one of them.
 */
const UNSET_AS_TEXT = ["null", "undefined"];

function unsetAsText(value: string): string | undefined {
  const word = value.trim().toLowerCase();
  return UNSET_AS_TEXT.find((unset) => unset === word);
}

/** An empty key is no key: an empty HMAC key is public, and empty is how "none" is configured. */
function isKey(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}

/** Why a configured key cannot be an Appwrite key, naming it (`the previous key`), never its value. */
function keyProblem(which: string, key: string): string | undefined {
  const word = unsetAsText(key);
  if (word !== undefined) {
    return (
      `${which} is the text "${word}", which is how an unset value prints ` +
      `(pulumi stack output prints null before the first rotation); leave it empty or unset instead`
    );
  }
  const length = [...key].length;
  if (length < MIN_SECRET_LENGTH)
    return `${which} is shorter than ${MIN_SECRET_LENGTH} characters; Appwrite's keys are ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH}`;
  if (length > MAX_SECRET_LENGTH)
    return `${which} is longer than ${MAX_SECRET_LENGTH} characters; Appwrite's keys are ${MIN_SECRET_LENGTH} to ${MAX_SECRET_LENGTH}`;
  return undefined;
}

/** The previous key's rotation date and window, judged only when there is a previous key. */
function rotationProblem({ rotatedAt, previousWindowSeconds }: RotatingSecrets): string | undefined {
  if (typeof rotatedAt === "string" && rotatedAt !== "") {
    const word = unsetAsText(rotatedAt);
    if (word !== undefined)
      return `rotatedAt is the text "${word}", which is how an unset value prints; leave it empty or unset, or give the secretRotatedAt output`;
    if (Number.isNaN(Date.parse(rotatedAt)))
      return "rotatedAt is not a date; give it in ISO 8601, as the secretRotatedAt output is";
  } else if (rotatedAt instanceof Date) {
    if (Number.isNaN(rotatedAt.getTime())) return "rotatedAt is an invalid Date";
  } else if (rotatedAt !== undefined && rotatedAt !== null && rotatedAt !== "") {
    return "rotatedAt must be an ISO 8601 string or a Date";
  }
  const window = previousWindowSeconds;
  if (window !== undefined && !(typeof window === "number" && Number.isFinite(window) && window >= 0))
    return "previousWindowSeconds must be a number of seconds, 0 or more";
  return undefined;
}

/**
 * Whether the keys a receiver was given are usable, as a sentence naming the key (current,
 * previous, or its place in a list) or field and the rule it breaks; undefined when they are.
 * Empty or absent keys are not a problem here: they mean "none" (and no key at all is
 * `no-secrets`). Verification runs this first and answers `invalid-secrets` with the sentence,
 * so a misconfigured receiver never matches; call it at startup to fail before the first delivery.
 */
export function webhookSecretsProblem(secrets: WebhookSecrets): string | undefined {
  if (typeof secrets === "string") return isKey(secrets) ? keyProblem("the key", secrets) : undefined;
  if (Array.isArray(secrets)) {
    const list: readonly unknown[] = secrets;
    for (const [index, key] of list.entries()) {
      const problem = isKey(key) ? keyProblem(`key ${index} of the list`, key) : undefined;
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  if (typeof secrets !== "object" || secrets === null) return undefined;
  const set = secrets as RotatingSecrets;
  const current = isKey(set.current) ? keyProblem("the current key", set.current) : undefined;
  if (current !== undefined) return current;
  if (!isKey(set.previous)) return undefined;
  return keyProblem("the previous key", set.previous) ?? rotationProblem(set);
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
  // The date and window were checked (webhookSecretsProblem); NaN from a bad `now` still makes
  // the comparison false, so the previous key is refused.
  return now <= rotated + windowSeconds * 1000;
}

/** The keys to try, once webhookSecretsProblem has found none unusable. */
function candidatesOf(secrets: WebhookSecrets, now: number): Candidate[] {
  if (typeof secrets === "string")
    return isKey(secrets) ? [{ label: "current", secret: secrets, active: true }] : [];
  if (Array.isArray(secrets)) {
    const list: readonly unknown[] = secrets;
    return list.flatMap((secret, index) => (isKey(secret) ? [{ label: index, secret, active: true }] : []));
  }
  if (typeof secrets !== "object" || secrets === null) return [];
  const set = secrets as RotatingSecrets;
  const out: Candidate[] = [];
  if (isKey(set.current)) out.push({ label: "current", secret: set.current, active: true });
  // A previous key equal to the current one adds nothing and would misreport the match.
  if (isKey(set.previous) && set.previous !== set.current) {
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
): VerificationPlan | { ok: false; reason: VerifyFailureReason; problem?: string } {
  if (typeof input !== "object" || input === null) return { ok: false, reason: "invalid-input" };
  const { url, rawBody, secrets, urlMode } = input;
  // First, whatever the request: a misconfigured receiver says so on every delivery.
  const problem = webhookSecretsProblem(secrets);
  if (problem !== undefined) return { ok: false, reason: "invalid-secrets", problem };
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
