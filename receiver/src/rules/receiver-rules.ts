/**
 * What every receiver does the same way, whatever its runtime or framework: read the
 * `X-Appwrite-Webhook-*` headers, turn a failed check into a status and a JSON error, and parse
 * the verified bytes. The Node receiver, the Web entry and every adapter answer through these,
 * so a delivery gets the same status and body from all of them. No `node:` import, no Buffer.
 *
 * Order matters: verifying parsed-then-reserialized JSON cannot work (PHP's json_encode escapes
 * `/` and non-ASCII, JSON.stringify does not), so nothing is parsed before the bytes check out.
 */
import { webhookSecretsProblem } from "./signature-rules";
import type {
  SecretLabel,
  SignatureUrlMode,
  VerifyFailureReason,
  VerifyResult,
  WebhookSecrets,
} from "./signature-types";

/** Appwrite payloads are one model document; 1 MiB leaves room for large ones and caps memory per request. */
export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** What the worker tells about a delivery besides the body (curl drops blank headers: absent = ""). */
export interface AppwriteWebhookHeaders {
  webhookId: string;
  /** Every event generated for the trigger (not only the ones the webhook subscribes to). */
  events: string[];
  name: string;
  projectId: string;
  /** Empty for API-key triggered events. */
  userId: string;
}

/** A Fetch API `Headers` (case-insensitive `get`). */
export interface HeaderGetter {
  get(name: string): string | null;
}
/** Node's `IncomingHttpHeaders`, a plain record (Appwrite Functions' `req.headers`), or `Headers`. */
export type HeaderSource = Readonly<Record<string, string | string[] | undefined>> | HeaderGetter;

export type VerifiedRequest = VerifyResult & { headers: AppwriteWebhookHeaders };

/** A refusal as every receiver answers it: the status, and the JSON body `{ error, reason? }`. */
export interface WebhookRejection {
  status: number;
  /** The code sent in the JSON body. */
  error: string;
  reason?: VerifyFailureReason;
  /**
   * For `invalid-secrets`: which key or field is misconfigured and the rule it breaks, so the
   * operator reads it in the sender's delivery log too. Never a key: the rules name, not quote.
   */
  problem?: string;
}

/** What went wrong before the signature could be checked: the body itself. */
export type BodyFailureReason = "payload-too-large" | "body-already-consumed" | "body-read-failed";

/** Every reason a delivery can be refused for before its JSON is looked at. */
export type RejectionReason = VerifyFailureReason | BodyFailureReason;

const BODY_REJECTIONS: Record<BodyFailureReason, WebhookRejection> = {
  "payload-too-large": { status: 413, error: "payload_too_large" },
  // The framework parsed the body before us: a receiver bug, not the sender's.
  "body-already-consumed": { status: 500, error: "body_already_consumed" },
  "body-read-failed": { status: 400, error: "body_read_failed" },
};

/** Reasons that are the receiver's own configuration, which no sender can fix. */
const MISCONFIGURED: ReadonlySet<VerifyFailureReason> = new Set([
  "no-secrets",
  "invalid-secrets",
  "invalid-input",
]);

/**
 * The status and JSON error for a refusal: 401 for what a sender got wrong; 500 for a receiver
 * misconfiguration the sender cannot fix (with the problem, when the check gave one); the body
 * failures as their own codes.
 */
export function rejectionFor(reason: RejectionReason, problem?: string): WebhookRejection {
  if (Object.hasOwn(BODY_REJECTIONS, reason)) return BODY_REJECTIONS[reason as BodyFailureReason];
  const signatureReason = reason as VerifyFailureReason;
  if (!MISCONFIGURED.has(signatureReason))
    return { status: 401, error: "invalid_signature", reason: signatureReason };
  const rejection: WebhookRejection = {
    status: 500,
    error: "receiver_misconfigured",
    reason: signatureReason,
  };
  return problem === undefined ? rejection : { ...rejection, problem };
}

export const METHOD_NOT_ALLOWED: WebhookRejection = { status: 405, error: "method_not_allowed" };
export const INTERNAL_ERROR: WebhookRejection = { status: 500, error: "internal_error" };

/** What every receiver's answers carry: JSON that no cache keeps. */
export const ANSWER_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
} as const;

/**
 * The status and JSON text of an answer: 200 `{"received":true}` without a rejection, else the
 * rejection's `{ error, reason?, problem? }`, which holds no secret and no signature.
 */
export function answerFor(rejection?: WebhookRejection): { status: number; json: string } {
  if (!rejection) return { status: 200, json: JSON.stringify({ received: true }) };
  const { status, error, reason, problem } = rejection;
  return { status, json: JSON.stringify({ error, reason, problem }) };
}

function isHeaderGetter(headers: HeaderSource): headers is HeaderGetter {
  return typeof (headers as Partial<HeaderGetter>).get === "function";
}

export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (isHeaderGetter(headers)) return headers.get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | string[] | undefined>>;
  // Node lower-cases header names; a hand-built record may not.
  const key = name in record ? name : Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  // Duplicates are joined the way Node joins them, so two signatures fail as malformed.
  if (Array.isArray(value)) return value.join(", ");
  return typeof value === "string" ? value : undefined;
}

export const SIGNATURE_HEADER = "x-appwrite-webhook-signature";

export function readAppwriteHeaders(headers: HeaderSource): AppwriteWebhookHeaders {
  const get = (name: string): string => headerValue(headers, `x-appwrite-webhook-${name}`) ?? "";
  return {
    webhookId: get("id"),
    // Appwrite joins with "," and no spaces; trimming also accepts lists a proxy re-spaced.
    events: get("events")
      .split(",")
      .map((event) => event.trim())
      .filter((event) => event !== ""),
    name: get("name"),
    projectId: get("project-id"),
    userId: get("user-id"),
  };
}

export const NO_HEADERS: AppwriteWebhookHeaders = {
  webhookId: "",
  events: [],
  name: "",
  projectId: "",
  userId: "",
};

// fatal: invalid UTF-8 is a malformed body, not something to patch with U+FFFD.
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The verified bytes as JSON, or the 400 every receiver answers for a body that is not. */
export function parseVerifiedBody(
  body: Uint8Array,
): { ok: true; payload: unknown } | { ok: false; rejection: WebhookRejection } {
  try {
    return { ok: true, payload: JSON.parse(utf8.decode(body)) as unknown };
  } catch {
    return { ok: false, rejection: { status: 400, error: "invalid_json" } };
  }
}

/** A verified delivery as the handlers see it, whatever holds the bytes (`Buffer` on Node). */
export interface DeliveryOf<Bytes extends Uint8Array> {
  /** The parsed JSON body: the model Appwrite returned for the triggering call. Validate before trusting its shape. */
  payload: unknown;
  /** The exact bytes that were verified. */
  rawBody: Bytes;
  /** Not signed (only the configured URL and the body are): informative, never a basis for a decision. */
  headers: AppwriteWebhookHeaders;
  /** Which key matched: seeing "previous" means the sender has not switched yet. */
  matched: SecretLabel;
  urlMode: SignatureUrlMode;
}

/**
 * Checks that fail at startup; otherwise they would surface as a 413 or 500 on every delivery.
 * Fixed keys are checked here too; keys from getSecrets can only be checked per delivery.
 */
export function checkReceiverOptions(
  where: string,
  options: { maxBodyBytes?: number | undefined; secrets?: WebhookSecrets | undefined; getSecrets?: unknown },
): number {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!(Number.isSafeInteger(limit) && limit >= 0))
    throw new RangeError("maxBodyBytes must be a whole number of bytes");
  if (options.secrets === undefined && options.getSecrets === undefined) {
    throw new TypeError(`${where} needs \`secrets\` or \`getSecrets\``);
  }
  const problem = options.secrets === undefined ? undefined : webhookSecretsProblem(options.secrets);
  if (problem !== undefined) throw new TypeError(`${where}: secrets: ${problem}`);
  return limit;
}

/** What a check answered, in the shape every receiver has it (the Web one adds body failures). */
export type CheckedDelivery =
  | { ok: true; matched: SecretLabel; urlMode: SignatureUrlMode; headers: AppwriteWebhookHeaders }
  | { ok: false; reason: RejectionReason; problem?: string | undefined };

/** After the signature check: the delivery to hand over, or the refusal every receiver sends. */
export function deliveryFrom<Bytes extends Uint8Array>(
  checked: CheckedDelivery,
  rawBody: Bytes,
): { ok: true; delivery: DeliveryOf<Bytes> } | { ok: false; rejection: WebhookRejection } {
  if (!checked.ok) return { ok: false, rejection: rejectionFor(checked.reason, checked.problem) };
  const parsed = parseVerifiedBody(rawBody);
  if (!parsed.ok) return parsed;
  const { headers, matched, urlMode } = checked;
  return { ok: true, delivery: { payload: parsed.payload, rawBody, headers, matched, urlMode } };
}

/** A check's answer with the bytes it checked, or why the delivery is refused (body or signature). */
export type VerifiedBody<Bytes extends Uint8Array> =
  | {
      ok: true;
      matched: SecretLabel;
      urlMode: SignatureUrlMode;
      headers: AppwriteWebhookHeaders;
      body: Bytes;
    }
  | { ok: false; reason: RejectionReason; problem?: string | undefined };

/** What one delivery needs from its host: the method, the check, the handler, and how to answer. */
export interface DeliverySteps<Bytes extends Uint8Array, Answer> {
  method: string | undefined;
  /** Reads the raw body within its limit and verifies it with the request's headers. */
  verify(): Promise<VerifiedBody<Bytes>>;
  /** The caller's handler; an answer it returns (a Response) replaces the 200. */
  onEvent(delivery: DeliveryOf<Bytes>): Answer | void | Promise<Answer | void>;
  /** Sends 200 `{"received":true}` without a rejection, else the rejection. */
  answer(rejection?: WebhookRejection): Answer;
  /** For logs and metrics; a throwing listener is ignored, the answer does not depend on it. */
  onRejected?: ((rejection: WebhookRejection) => void) | undefined;
}

/**
 * One delivery in the order every receiver keeps: POST only, the body within its limit and its
 * signature, then the JSON, the handler, and 200. Never throws: a step that throws (the handler,
 * getSecrets) answers 500 `internal_error`, with no message or stack, which may name internals.
 */
export async function receiveDelivery<Bytes extends Uint8Array, Answer>(
  steps: DeliverySteps<Bytes, Answer>,
): Promise<Answer> {
  const reject = (rejection: WebhookRejection): Answer => {
    try {
      steps.onRejected?.(rejection);
    } catch {
      // A failing logger must not turn a clean 4xx into a crash.
    }
    return steps.answer(rejection);
  };
  try {
    if (steps.method !== "POST") return reject(METHOD_NOT_ALLOWED);
    const verified = await steps.verify();
    if (!verified.ok) return reject(rejectionFor(verified.reason, verified.problem));
    const checked = deliveryFrom(verified, verified.body);
    if (!checked.ok) return reject(checked.rejection);
    return (await steps.onEvent(checked.delivery)) ?? steps.answer();
  } catch {
    return steps.answer(INTERNAL_ERROR);
  }
}
