/**
 * Appwrite webhook signatures: `X-Appwrite-Webhook-Signature` is
 * base64(HMAC-SHA1(key = secret, message = url + rawBody)), with no separator.
 *
 * Which URL is signed depends on the server: Appwrite 1.9.x signs the URL after PHP's
 * `rawurldecode`, later versions sign the URL exactly as configured. The verifier tries both
 * unless told which, because a receiver rarely knows the server's version.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** "decoded": 1.9.x (rawurldecode before signing); "raw": the URL as stored (Appwrite after 1.9). */
export type SignatureUrlMode = "decoded" | "raw";

export interface SignInput {
  /** The webhook URL exactly as configured in Appwrite (not rebuilt from the incoming request). */
  url: string;
  /** The request body bytes as received, before any JSON parsing. */
  rawBody: string | Uint8Array;
  secret: string;
  /** Defaults to "decoded", which is what Appwrite 1.9.6 sends. */
  urlMode?: SignatureUrlMode;
}

/** PHP's rawurldecode: %XX sequences become bytes; `+` stays a plus sign. */
export function rawUrlDecode(url: string): string {
  const bytes: number[] = [];
  const source = Buffer.from(url, "utf8");
  for (let i = 0; i < source.length; i++) {
    const byte = source[i] as number;
    if (byte === 0x25 && i + 2 < source.length) {
      const hex = String.fromCharCode(source[i + 1] as number, source[i + 2] as number);
      if (/^[0-9a-fA-F]{2}$/.test(hex)) {
        bytes.push(parseInt(hex, 16));
        i += 2;
        continue;
      }
    }
    bytes.push(byte);
  }
  return Buffer.from(bytes).toString("latin1");
}

function signedUrlBytes(url: string, mode: SignatureUrlMode): Buffer {
  // rawurldecode yields arbitrary bytes; keep them byte-exact rather than re-encoding as UTF-8.
  return mode === "decoded" ? Buffer.from(rawUrlDecode(url), "latin1") : Buffer.from(url, "utf8");
}

function bodyBytes(rawBody: string | Uint8Array): Uint8Array {
  return typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
}

/** Computes the `X-Appwrite-Webhook-Signature` value Appwrite would send. */
export function signWebhookPayload(input: SignInput): string {
  return createHmac("sha1", input.secret)
    .update(signedUrlBytes(input.url, input.urlMode ?? "decoded"))
    .update(bodyBytes(input.rawBody))
    .digest("base64");
}

// ---------------------------------------------------------------------------------------------
// Verification
// ---------------------------------------------------------------------------------------------

/** HMAC-SHA1 digests are 20 bytes; anything else cannot be an Appwrite signature. */
const SHA1_BYTES = 20;
/** 20 bytes are 27 base64 characters plus one `=`; the padding is optional to tolerate trimming. */
const BASE64_SHA1 = /^[A-Za-z0-9+/]{27}=?$/;

/**
 * How long a previous key stays accepted after `rotatedAt` when no window is given. Appwrite
 * does not retry failed deliveries by itself, so the window only has to cover deliveries signed
 * just before the rotation and receivers that pick up the new configuration late; a day is
 * generous for that and still short enough that a leaked old key soon stops working.
 */
export const DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS = 86_400;

/**
 * The keys a receiver accepts, in the shape the `Webhook` resource outputs them:
 * `{ current: secret, previous: previousSecret, rotatedAt: secretRotatedAt }`.
 */
export interface RotatingSecrets {
  /** The key Appwrite signs with now (the `secret` output). */
  current: string;
  /** The key in force before the last rotation (`previousSecret`); empty or absent means none. */
  previous?: string | null;
  /**
   * When `current` replaced `previous` (`secretRotatedAt`, ISO 8601). With it, `previous` is
   * accepted only until rotatedAt + previousWindowSeconds; without it, until you remove it.
   * An unparseable value refuses `previous` (fail closed) rather than accepting it forever.
   */
  rotatedAt?: string | Date | null;
  /** Defaults to DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS. */
  previousWindowSeconds?: number;
}

/**
 * A single key, several keys (tried all; the match is reported by index), or a current key
 * with a previous one that expires. Empty strings are ignored: an empty HMAC key is public.
 */
export type WebhookSecrets = string | readonly string[] | RotatingSecrets;

/** Which key matched: "current" / "previous" for RotatingSecrets or a single string, else the index. */
export type SecretLabel = "current" | "previous" | number;

export type VerifyFailureReason =
  /** No signature header, or an empty one. */
  | "missing-signature"
  /** Not base64 of 20 bytes (hex digests, truncated or joined duplicate headers land here). */
  | "malformed-signature"
  /** No usable (non-empty) secret was supplied: a receiver configuration error. */
  | "no-secrets"
  /** url or rawBody is not a string / byte array: a caller error. */
  | "invalid-input"
  /** Only the previous key matched, and its rotation window is over. */
  | "previous-expired"
  | "mismatch";

export type VerifyResult =
  { ok: true; matched: SecretLabel; urlMode: SignatureUrlMode } | { ok: false; reason: VerifyFailureReason };

export interface VerifyInput {
  /** The webhook URL as configured in Appwrite, never one rebuilt from the incoming request. */
  url: string;
  /** The body bytes as received. Re-serialized JSON will not match (PHP escapes `/` and non-ASCII). */
  rawBody: string | Uint8Array;
  /** The `X-Appwrite-Webhook-Signature` header value. */
  signature: string | null | undefined;
  secrets: WebhookSecrets;
  /** Only try this URL form; by default both, decoded (1.9.x) first. */
  urlMode?: SignatureUrlMode;
  /** The clock for the previous key's window; defaults to the current time. */
  now?: Date | number;
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

/** The 20 digest bytes, or a failure reason. Lenient decoders (Buffer.from) would accept junk. */
function decodeSignature(signature: unknown): Buffer | VerifyFailureReason {
  if (signature === undefined || signature === null) return "missing-signature";
  if (typeof signature !== "string") return "malformed-signature";
  const trimmed = signature.trim();
  if (trimmed === "") return "missing-signature";
  if (!BASE64_SHA1.test(trimmed)) return "malformed-signature";
  const bytes = Buffer.from(trimmed, "base64");
  // The last character carries 2 unused bits; insist they are zero so one digest has one spelling.
  if (bytes.length !== SHA1_BYTES || bytes.toString("base64") !== trimmed.padEnd(28, "=")) {
    return "malformed-signature";
  }
  return bytes;
}

/**
 * Checks an `X-Appwrite-Webhook-Signature` against every supplied key and URL form. Never
 * throws: bad input of any kind comes back as `{ ok: false, reason }`.
 *
 * Every key and form is computed and compared with timingSafeEqual before the answer is
 * chosen, so the time taken does not reveal which key (current or previous) matched.
 */
export function verifyWebhookSignature(input: VerifyInput): VerifyResult {
  try {
    const { url, rawBody, secrets, urlMode } = input;
    const provided = decodeSignature(input.signature);
    if (typeof provided === "string") return { ok: false, reason: provided };
    if (typeof url !== "string" || !(typeof rawBody === "string" || rawBody instanceof Uint8Array)) {
      return { ok: false, reason: "invalid-input" };
    }
    const now = input.now === undefined ? Date.now() : new Date(input.now).getTime();
    const candidates = candidatesOf(secrets, now);
    if (candidates.length === 0) return { ok: false, reason: "no-secrets" };

    const body = bodyBytes(rawBody);
    let modes: SignatureUrlMode[] =
      urlMode === "raw" || urlMode === "decoded" ? [urlMode] : ["decoded", "raw"];
    // Without %XX escapes both forms are the same bytes; signing twice would only double the work.
    if (modes.length === 2 && signedUrlBytes(url, "decoded").equals(signedUrlBytes(url, "raw")))
      modes = ["decoded"];

    let accepted: { matched: SecretLabel; urlMode: SignatureUrlMode } | undefined;
    let expiredMatch = false;
    for (const candidate of candidates) {
      for (const mode of modes) {
        const digest = createHmac("sha1", candidate.secret)
          .update(signedUrlBytes(url, mode))
          .update(body)
          .digest();
        // No early exit: every comparison runs whatever matched before it.
        const equal = timingSafeEqual(digest, provided);
        if (equal && candidate.active) accepted ??= { matched: candidate.label, urlMode: mode };
        if (equal && !candidate.active) expiredMatch = true;
      }
    }
    if (accepted) return { ok: true, ...accepted };
    return { ok: false, reason: expiredMatch ? "previous-expired" : "mismatch" };
  } catch {
    // Only reachable through inputs the types forbid (getters that throw, a revoked Proxy...).
    return { ok: false, reason: "invalid-input" };
  }
}
