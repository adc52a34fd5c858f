/**
 * The public types of signing and verification, shared by the Node signature (node/node-crypto.ts)
 * and the Web one (web-crypto.ts), which both re-export them whole. Types only: nothing here runs.
 */

/** "decoded": 1.9.x (rawurldecode before signing); "raw": the URL as stored (Appwrite after 1.9). */
export type SignatureUrlMode = "decoded" | "raw";

/** Body bytes as a framework may hand them over: text, a Buffer or Uint8Array, or an ArrayBuffer. */
export type RawBody = string | Uint8Array | ArrayBuffer;

export interface SignInput {
  /** The webhook URL exactly as configured in Appwrite (not rebuilt from the incoming request). */
  url: string;
  /** The request body bytes as received, before any JSON parsing. */
  rawBody: RawBody;
  secret: string;
  /** Defaults to "decoded", which is what Appwrite 1.9.6 sends. */
  urlMode?: SignatureUrlMode;
}

/**
 * The keys a receiver accepts, in the shape the `Webhook` resource outputs them:
 * `{ current: secret, previous: previousSecret, rotatedAt: secretRotatedAt }`.
 */
export interface RotatingSecrets {
  /** The key Appwrite signs with now (the `secret` output). */
  current: string;
  /**
   * The key in force before the last rotation (`previousSecret`); empty or absent means none.
   * The text `null` is not "none": it is a configuration error (see webhookSecretsProblem).
   */
  previous?: string | null;
  /**
   * When `current` replaced `previous` (`secretRotatedAt`, ISO 8601). With it, `previous` is
   * accepted only until rotatedAt + previousWindowSeconds; without it, until you remove it.
   * Read only when there is a previous key; then a value that is not a date (`null` as text
   * included) is a configuration error rather than a guess either way.
   */
  rotatedAt?: string | Date | null;
  /** Defaults to DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS; otherwise a number of seconds, 0 or more. */
  previousWindowSeconds?: number;
}

/**
 * A single key, several keys (tried all; the match is reported by index), or a current key
 * with a previous one that expires. Empty strings are ignored: an empty HMAC key is public.
 * Every other key must be one Appwrite could sign with (8 to 256 characters) and not the text
 * `null` or `undefined`; otherwise verification answers `invalid-secrets`, never a match.
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
  /**
   * A configured key is not one Appwrite could sign with (shorter than 8 or longer than 256
   * characters, or the text `null` / `undefined`), or the rotation date or window is unusable:
   * a receiver configuration error. `problem` names which and the rule.
   */
  | "invalid-secrets"
  /** url or rawBody is not a string / byte array: a caller error. */
  | "invalid-input"
  /** Only the previous key matched, and its rotation window is over. */
  | "previous-expired"
  | "mismatch";

export type VerifyResult =
  | { ok: true; matched: SecretLabel; urlMode: SignatureUrlMode }
  | {
      ok: false;
      reason: VerifyFailureReason;
      /** With `invalid-secrets`: which key or field, and the rule it breaks. Never holds a key. */
      problem?: string;
    };

export interface VerifyInput {
  /** The webhook URL as configured in Appwrite, never one rebuilt from the incoming request. */
  url: string;
  /** The body bytes as received. Re-serialized JSON will not match (PHP escapes `/` and non-ASCII). */
  rawBody: RawBody;
  /** The `X-Appwrite-Webhook-Signature` header value. */
  signature: string | null | undefined;
  secrets: WebhookSecrets;
  /** Only try this URL form; by default both, decoded (1.9.x) first. */
  urlMode?: SignatureUrlMode;
  /** The clock for the previous key's window; defaults to the current time. */
  now?: Date | number;
}
