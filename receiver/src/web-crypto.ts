/**
 * `appwrite-webhooks-receiver/web`: the signature rules of rules/signature-rules.ts on Web Crypto, for
 * every runtime with the Fetch API: Cloudflare Workers, Deno, Bun, browsers, edge functions, and
 * Node too. It imports nothing from `node:` and uses no Buffer, and it is async because
 * `crypto.subtle` is. Same inputs, same answers, same reasons as the Node entry.
 */
import {
  DEFAULT_MAX_BODY_BYTES,
  headerValue,
  NO_HEADERS,
  readAppwriteHeaders,
  SIGNATURE_HEADER,
  type AppwriteWebhookHeaders,
  type BodyFailureReason,
} from "./rules/receiver-rules";
import {
  base64Encode,
  bodyBytes,
  concatBytes,
  decideVerification,
  planVerification,
  signedUrlBytes,
  utf8Bytes,
  type SecretLabel,
  type SignatureUrlMode,
  type SignInput,
  type VerifyFailureReason,
  type VerifyInput,
  type VerifyResult,
  type WebhookSecrets,
} from "./rules/signature-rules";

export {
  DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS,
  MAX_SECRET_LENGTH,
  MIN_SECRET_LENGTH,
  webhookSecretsProblem,
} from "./rules/signature-rules";
export type * from "./rules/signature-types";
export {
  answerFor,
  ANSWER_HEADERS,
  DEFAULT_MAX_BODY_BYTES,
  deliveryFrom,
  readAppwriteHeaders,
  rejectionFor,
  type AppwriteWebhookHeaders,
  type BodyFailureReason,
  type HeaderGetter,
  type HeaderSource,
  type RejectionReason,
  type WebhookRejection,
} from "./rules/receiver-rules";

const HMAC_SHA1 = { name: "HMAC", hash: "SHA-1" } as const;

/**
 * Web Crypto's types take only ArrayBuffer-backed arrays. Every array handed to it here is one
 * this module or the rules allocated (TextEncoder, new Uint8Array), never a SharedArrayBuffer view.
 */
type OwnedBytes = Uint8Array<ArrayBuffer>;
const owned = (bytes: Uint8Array): OwnedBytes => bytes as OwnedBytes;

/**
 * Web Crypto refuses a zero-length HMAC key, which node:crypto and PHP accept. HMAC pads every
 * key with zero bytes to the block size, so one zero byte is the same key. (The verifier never
 * uses an empty key; this keeps signWebhookPayload equal to the Node one for every input.)
 */
function keyBytes(secret: string): OwnedBytes {
  return owned(secret === "" ? new Uint8Array(1) : utf8Bytes(secret));
}

// The return type is left to inference: the CryptoKey type is a global in some libs and not in others.
function hmacKey(secret: string, usage: "sign" | "verify") {
  return crypto.subtle.importKey("raw", keyBytes(secret), HMAC_SHA1, false, [usage]);
}

/** Computes the `X-Appwrite-Webhook-Signature` value Appwrite would send. */
export async function signWebhookPayload(input: SignInput): Promise<string> {
  const message = concatBytes(
    signedUrlBytes(input.url, input.urlMode ?? "decoded"),
    bodyBytes(input.rawBody),
  );
  const digest = await crypto.subtle.sign("HMAC", await hmacKey(input.secret, "sign"), message);
  return base64Encode(new Uint8Array(digest));
}

/**
 * Checks an `X-Appwrite-Webhook-Signature` against every supplied key and URL form. Never
 * rejects: bad input of any kind comes back as `{ ok: false, reason }`, and keys Appwrite could
 * not sign with (see webhookSecretsProblem) as `invalid-secrets` with the `problem`, never a match.
 *
 * Each comparison is `crypto.subtle.verify`, which compares in constant time, and all of them
 * run before the answer is chosen, so the time taken does not reveal which key matched.
 */
export async function verifyWebhookSignature(input: VerifyInput): Promise<VerifyResult> {
  try {
    const plan = planVerification(input);
    if (!("checks" in plan)) return plan;
    // Web Crypto has no update(): one url + body message per URL form, shared by the keys.
    const messages = new Map<Uint8Array, OwnedBytes>();
    for (const { urlBytes } of plan.checks)
      if (!messages.has(urlBytes)) messages.set(urlBytes, owned(concatBytes(urlBytes, plan.body)));
    const equal = await Promise.all(
      plan.checks.map(async (check) =>
        crypto.subtle.verify(
          "HMAC",
          await hmacKey(check.secret, "verify"),
          plan.expected,
          messages.get(check.urlBytes) as OwnedBytes,
        ),
      ),
    );
    return decideVerification(plan, equal);
  } catch {
    // Only reachable through inputs the types forbid (getters that throw, a revoked Proxy...).
    return { ok: false, reason: "invalid-input" };
  }
}

export interface VerifyRequestOptions {
  /** The webhook URL as configured in Appwrite. Behind a proxy the request URL differs, so never rebuild it. */
  url: string;
  secrets: WebhookSecrets;
  urlMode?: SignatureUrlMode;
  now?: Date | number;
  /** Defaults to DEFAULT_MAX_BODY_BYTES (1 MiB); a larger body is refused unread past the limit. */
  maxBodyBytes?: number;
}

export type VerifiedWebRequest =
  | {
      ok: true;
      matched: SecretLabel;
      urlMode: SignatureUrlMode;
      /** The exact bytes that were verified; parse them only now. */
      body: Uint8Array;
      headers: AppwriteWebhookHeaders;
    }
  | {
      ok: false;
      reason: VerifyFailureReason | BodyFailureReason;
      /** With `invalid-secrets`: which key or field, and the rule it breaks. */
      problem?: string;
      headers: AppwriteWebhookHeaders;
    };

type ReadBody = { ok: true; body: Uint8Array } | { ok: false; reason: BodyFailureReason };

/** Reads the body once, up to `limit` bytes; a stream past it is cancelled, not drained. */
async function readBody(request: Request, limit: number): Promise<ReadBody> {
  if (request.bodyUsed) return { ok: false, reason: "body-already-consumed" };
  // An honest Content-Length over the limit is refused before a single byte is read.
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) return { ok: false, reason: "payload-too-large" };
  if (request.body === null) return { ok: true, body: new Uint8Array(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        void reader.cancel().catch(() => undefined);
        return { ok: false, reason: "payload-too-large" };
      }
      chunks.push(value);
    }
  } catch {
    return { ok: false, reason: "body-read-failed" };
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, body };
}

/**
 * Reads the raw body of a Fetch API `Request` once and verifies it with its
 * `X-Appwrite-Webhook-*` headers. Never rejects. The request's body is consumed.
 */
export async function verifyWebhookRequest(
  request: Request,
  options: VerifyRequestOptions,
): Promise<VerifiedWebRequest> {
  let headers = NO_HEADERS;
  try {
    headers = readAppwriteHeaders(request.headers);
    const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    if (!(Number.isSafeInteger(limit) && limit >= 0)) return { ok: false, reason: "invalid-input", headers };
    const read = await readBody(request, limit);
    if (!read.ok) return { ...read, headers };
    const verdict = await verifyWebhookSignature({
      url: options.url,
      rawBody: read.body,
      signature: headerValue(request.headers, SIGNATURE_HEADER),
      secrets: options.secrets,
      urlMode: options.urlMode,
      now: options.now,
    });
    return verdict.ok ? { ...verdict, body: read.body, headers } : { ...verdict, headers };
  } catch {
    return { ok: false, reason: "invalid-input", headers };
  }
}
