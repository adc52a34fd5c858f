/**
 * The signature rules (rules/signature-rules.ts) on node:crypto: HMAC-SHA1, compared with
 * timingSafeEqual. Synchronous, as it always was; the package's Node entry (index.ts) exports it.
 * The Web entry (web-crypto.ts) is the same rules on Web Crypto, and async.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  bodyBytes,
  decideVerification,
  planVerification,
  signedUrlBytes,
  type SignInput,
  type VerifyInput,
  type VerifyResult,
} from "../rules/signature-rules";

export {
  DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS,
  MAX_SECRET_LENGTH,
  MIN_SECRET_LENGTH,
  rawUrlDecode,
  webhookSecretsProblem,
} from "../rules/signature-rules";
export type * from "../rules/signature-types";

function hmac(secret: string, url: Uint8Array, body: Uint8Array): Buffer {
  return createHmac("sha1", secret).update(url).update(body).digest();
}

/** Computes the `X-Appwrite-Webhook-Signature` value Appwrite would send. */
export function signWebhookPayload(input: SignInput): string {
  const url = signedUrlBytes(input.url, input.urlMode ?? "decoded");
  return hmac(input.secret, url, bodyBytes(input.rawBody)).toString("base64");
}

/**
 * Checks an `X-Appwrite-Webhook-Signature` against every supplied key and URL form. Never
 * throws: bad input of any kind comes back as `{ ok: false, reason }`, and keys Appwrite could
 * not sign with (see webhookSecretsProblem) as `invalid-secrets` with the `problem`, never a match.
 *
 * Every key and form is computed and compared with timingSafeEqual before the answer is
 * chosen, so the time taken does not reveal which key (current or previous) matched.
 */
export function verifyWebhookSignature(input: VerifyInput): VerifyResult {
  try {
    const plan = planVerification(input);
    if (!("checks" in plan)) return plan;
    const equal = plan.checks.map((check) =>
      timingSafeEqual(hmac(check.secret, check.urlBytes, plan.body), plan.expected),
    );
    return decideVerification(plan, equal);
  } catch {
    // Only reachable through inputs the types forbid (getters that throw, a revoked Proxy...).
    return { ok: false, reason: "invalid-input" };
  }
}
