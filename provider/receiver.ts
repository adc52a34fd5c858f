/**
 * The receiving side of Appwrite webhooks: read the raw body, verify the signature against the
 * configured URL, then parse. `createWebhookReceiver` is a Node `http` request listener that is
 * also Express-compatible middleware; `verifyWebhookRequest` does the checks for frameworks that
 * hand you the body and headers themselves (Fetch API handlers, Fastify, serverless).
 *
 * Order matters: verifying parsed-then-reserialized JSON cannot work (PHP's json_encode escapes
 * `/` and non-ASCII, JSON.stringify does not), so nothing is parsed before the bytes check out.
 * Only `node:` builtins, so a receiver does not pull in the Pulumi SDK's dependencies.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import {
  verifyWebhookSignature,
  type SecretLabel,
  type SignatureUrlMode,
  type VerifyFailureReason,
  type VerifyResult,
  type WebhookSecrets,
} from "./signature";

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
export type HeaderSource =
  IncomingHttpHeaders | Readonly<Record<string, string | string[] | undefined>> | HeaderGetter;

export interface VerifyRequestInput {
  /** The webhook URL as configured in Appwrite. Behind a proxy the request URL differs, so never rebuild it. */
  url: string;
  rawBody: string | Uint8Array;
  headers: HeaderSource;
  secrets: WebhookSecrets;
  urlMode?: SignatureUrlMode;
  now?: Date | number;
}

export type VerifiedRequest = VerifyResult & { headers: AppwriteWebhookHeaders };

export interface WebhookDelivery {
  /** The parsed JSON body: the model Appwrite returned for the triggering call. Validate before trusting its shape. */
  payload: unknown;
  /** The exact bytes that were verified. */
  rawBody: Buffer;
  headers: AppwriteWebhookHeaders;
  /** Which key matched: seeing "previous" means the sender has not switched yet. */
  matched: SecretLabel;
  urlMode: SignatureUrlMode;
}

export interface WebhookRejection {
  status: number;
  /** The code sent in the JSON body. */
  error: string;
  reason?: VerifyFailureReason;
}

export interface WebhookReceiverOptions {
  url: string;
  /** Fixed keys; use getSecrets instead to pick up a rotation without a restart. */
  secrets?: WebhookSecrets;
  /** Called per request, so a rotation window is judged at delivery time. */
  getSecrets?: () => WebhookSecrets | Promise<WebhookSecrets>;
  urlMode?: SignatureUrlMode;
  maxBodyBytes?: number;
  /** Runs after verification. Respond yourself, or let the receiver answer 200 once it returns. */
  onEvent(delivery: WebhookDelivery, req: IncomingMessage, res: ServerResponse): void | Promise<void>;
  /** For logs and metrics; the rejection holds no secret and no signature. */
  onRejected?(rejection: WebhookRejection, req: IncomingMessage): void;
}

/** Node's listener type and Express's middleware type both accept this; it never rejects. */
export type WebhookRequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next?: unknown,
) => Promise<void>;

function isHeaderGetter(headers: HeaderSource): headers is HeaderGetter {
  return typeof (headers as Partial<HeaderGetter>).get === "function";
}

function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (isHeaderGetter(headers)) return headers.get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | string[] | undefined>>;
  // Node lower-cases header names; a hand-built record may not.
  const key = name in record ? name : Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  // Duplicates are joined the way Node joins them, so two signatures fail as malformed.
  if (Array.isArray(value)) return value.join(", ");
  return typeof value === "string" ? value : undefined;
}

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

/** Verifies a delivery whose body and headers you already have. Never throws. */
export function verifyWebhookRequest(input: VerifyRequestInput): VerifiedRequest {
  let headers: AppwriteWebhookHeaders = { webhookId: "", events: [], name: "", projectId: "", userId: "" };
  try {
    headers = readAppwriteHeaders(input.headers);
    const signature = headerValue(input.headers, "x-appwrite-webhook-signature");
    return { ...verifyWebhookSignature({ ...input, signature }), headers };
  } catch {
    // A headers object with throwing getters: report it instead of crashing the caller.
    return { ok: false, reason: "invalid-input", headers };
  }
}

type BodyResult = { ok: true; body: Buffer } | { ok: false; status: number; error: string };

/**
 * Reads the body up to `limit` bytes. A body a framework already buffered (express.raw) is used
 * as is; one it already parsed cannot be verified, and saying so beats a confusing 401.
 */
function readBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<BodyResult> {
  const tooLarge: BodyResult = { ok: false, status: 413, error: "payload_too_large" };
  if (req.body instanceof Uint8Array) {
    return Promise.resolve(req.body.length > limit ? tooLarge : { ok: true, body: Buffer.from(req.body) });
  }
  if (req.readableEnded || req.readableDidRead) {
    return Promise.resolve({ ok: false, status: 500, error: "body_already_consumed" });
  }
  // An honest Content-Length over the limit is refused before a single byte is read.
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(tooLarge);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult): void => {
      req.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      // Chunked bodies have no length up front: stop reading here and let the 413 close the socket.
      req.pause();
      finish(tooLarge);
    };
    const onEnd = (): void => finish({ ok: true, body: Buffer.concat(chunks, size) });
    const onError = (): void => finish({ ok: false, status: 400, error: "body_read_failed" });
    const onClose = (): void => finish({ ok: false, status: 400, error: "body_read_failed" });
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

function sendJson(res: ServerResponse, status: number, body: Record<string, unknown>, close = false): void {
  if (res.headersSent || res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.setHeader("Content-Length", Buffer.byteLength(text));
  res.setHeader("Cache-Control", "no-store");
  // After a refused oversized body the rest is still on the wire; closing beats draining it.
  if (close) res.setHeader("Connection", "close");
  res.end(text);
}

/** 401 for what a sender got wrong; 500 for a receiver misconfiguration the sender cannot fix. */
function statusFor(reason: VerifyFailureReason): number {
  return reason === "no-secrets" || reason === "invalid-input" ? 500 : 401;
}

// fatal: invalid UTF-8 is a malformed body, not something to patch with U+FFFD.
const utf8 = new TextDecoder("utf-8", { fatal: true });

export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookRequestHandler {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // Configuration mistakes fail at startup; otherwise they would surface as a 413 or 500 on every delivery.
  if (!(Number.isSafeInteger(limit) && limit >= 0))
    throw new RangeError("maxBodyBytes must be a whole number of bytes");
  if (options.secrets === undefined && options.getSecrets === undefined) {
    throw new TypeError("createWebhookReceiver needs `secrets` or `getSecrets`");
  }
  const { url, urlMode } = options;
  const secretsNow = async (): Promise<WebhookSecrets> =>
    options.getSecrets ? options.getSecrets() : (options.secrets ?? []);

  return async (req, res) => {
    const reject = (rejection: WebhookRejection): void => {
      try {
        options.onRejected?.(rejection, req);
      } catch {
        // A failing logger must not turn a clean 4xx into a crash.
      }
      const { status, error, reason } = rejection;
      sendJson(res, status, reason ? { error, reason } : { error }, status === 413);
    };
    try {
      if (req.method !== "POST") {
        res.setHeader("Allow", "POST");
        return reject({ status: 405, error: "method_not_allowed" });
      }
      const read = await readBody(req, limit);
      if (!read.ok) return reject({ status: read.status, error: read.error });
      const verdict = verifyWebhookRequest({
        url,
        rawBody: read.body,
        headers: req.headers,
        secrets: await secretsNow(),
        urlMode,
      });
      if (!verdict.ok) {
        const status = statusFor(verdict.reason);
        return reject({
          status,
          error: status === 401 ? "invalid_signature" : "receiver_misconfigured",
          reason: verdict.reason,
        });
      }
      let payload: unknown;
      try {
        payload = JSON.parse(utf8.decode(read.body));
      } catch {
        return reject({ status: 400, error: "invalid_json" });
      }
      const { headers, matched, urlMode: signedWith } = verdict;
      await options.onEvent({ payload, rawBody: read.body, headers, matched, urlMode: signedWith }, req, res);
      sendJson(res, 200, { received: true });
    } catch {
      // Thrown by onEvent or getSecrets. No message or stack leaves the process: they may name internals.
      if (!res.headersSent) sendJson(res, 500, { error: "internal_error" });
      // A half-written answer would read as success; a dropped connection reads as the failure it is.
      else if (!res.writableEnded) res.destroy();
    }
  };
}
