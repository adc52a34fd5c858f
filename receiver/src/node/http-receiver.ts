/**
 * The receiving side of Appwrite webhooks: read the raw body, verify the signature against the
 * configured URL, then parse. `createWebhookReceiver` is a Node `http` request listener that is
 * also Express-compatible middleware; `verifyWebhookRequest` does the checks for frameworks that
 * hand you the body and headers themselves (Fetch API handlers, Fastify, serverless).
 *
 * The checks, statuses and JSON errors are the shared ones of rules/receiver-rules.ts; this file adds
 * only what is Node's: reading an IncomingMessage and answering on a ServerResponse. Only `node:`
 * builtins: the package has no runtime dependency at all.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  ANSWER_HEADERS,
  answerFor,
  checkReceiverOptions,
  headerValue,
  INTERNAL_ERROR,
  NO_HEADERS,
  readAppwriteHeaders,
  receiveDelivery,
  SIGNATURE_HEADER,
  type AppwriteWebhookHeaders,
  type BodyFailureReason,
  type DeliveryOf,
  type HeaderSource,
  type VerifiedRequest,
  type WebhookRejection,
} from "../rules/receiver-rules";
import {
  verifyWebhookSignature,
  type RawBody,
  type SignatureUrlMode,
  type WebhookSecrets,
} from "./node-crypto";

export {
  DEFAULT_MAX_BODY_BYTES,
  readAppwriteHeaders,
  type AppwriteWebhookHeaders,
  type HeaderGetter,
  type HeaderSource,
  type VerifiedRequest,
  type WebhookRejection,
} from "../rules/receiver-rules";

export interface VerifyRequestInput {
  /** The webhook URL as configured in Appwrite. Behind a proxy the request URL differs, so never rebuild it. */
  url: string;
  rawBody: RawBody;
  headers: HeaderSource;
  secrets: WebhookSecrets;
  urlMode?: SignatureUrlMode;
  now?: Date | number;
}

export type WebhookDelivery = DeliveryOf<Buffer>;

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

/** Verifies a delivery whose body and headers you already have. Never throws. */
export function verifyWebhookRequest(input: VerifyRequestInput): VerifiedRequest {
  let headers: AppwriteWebhookHeaders = NO_HEADERS;
  try {
    headers = readAppwriteHeaders(input.headers);
    const signature = headerValue(input.headers, SIGNATURE_HEADER);
    return { ...verifyWebhookSignature({ ...input, signature }), headers };
  } catch {
    // A headers object with throwing getters: report it instead of crashing the caller.
    return { ok: false, reason: "invalid-input", headers };
  }
}

type BodyResult = { ok: true; body: Buffer } | { ok: false; reason: BodyFailureReason };

/**
 * Reads the body up to `limit` bytes. A body a framework already buffered (express.raw) is used
 * as is; one it already parsed cannot be verified, and saying so beats a confusing 401.
 */
function readBody(req: IncomingMessage & { body?: unknown }, limit: number): Promise<BodyResult> {
  const tooLarge: BodyResult = { ok: false, reason: "payload-too-large" };
  if (req.body instanceof Uint8Array) {
    return Promise.resolve(req.body.length > limit ? tooLarge : { ok: true, body: Buffer.from(req.body) });
  }
  if (req.readableEnded || req.readableDidRead) {
    return Promise.resolve({ ok: false, reason: "body-already-consumed" });
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
    const onError = (): void => finish({ ok: false, reason: "body-read-failed" });
    const onClose = (): void => finish({ ok: false, reason: "body-read-failed" });
    req.on("data", onData).on("end", onEnd).on("error", onError).on("close", onClose);
  });
}

function send(res: ServerResponse, rejection?: WebhookRejection): void {
  if (res.headersSent || res.writableEnded || res.destroyed) {
    // The handler failed halfway through its own answer: a half-written answer would read as
    // success, a dropped connection reads as the failure it is.
    if (rejection === INTERNAL_ERROR && !res.writableEnded) res.destroy();
    return;
  }
  const { status, json } = answerFor(rejection);
  res.statusCode = status;
  for (const [name, value] of Object.entries(ANSWER_HEADERS)) res.setHeader(name, value);
  res.setHeader("Content-Length", Buffer.byteLength(json));
  if (status === 405) res.setHeader("Allow", "POST");
  // After a refused oversized body the rest is still on the wire; closing beats draining it.
  if (status === 413) res.setHeader("Connection", "close");
  res.end(json);
}

export function createWebhookReceiver(options: WebhookReceiverOptions): WebhookRequestHandler {
  const limit = checkReceiverOptions("createWebhookReceiver", options);
  const { url, urlMode, onRejected } = options;
  const secretsNow = async (): Promise<WebhookSecrets> =>
    options.getSecrets ? options.getSecrets() : (options.secrets ?? []);

  return (req, res) =>
    receiveDelivery<Buffer, void>({
      method: req.method,
      async verify() {
        const read = await readBody(req, limit);
        if (!read.ok) return read;
        const input = { url, rawBody: read.body, headers: req.headers, secrets: await secretsNow(), urlMode };
        const verdict = verifyWebhookRequest(input);
        return verdict.ok ? { ...verdict, body: read.body } : verdict;
      },
      onEvent: (delivery) => options.onEvent(delivery, req, res),
      answer: (rejection) => send(res, rejection),
      onRejected: onRejected && ((rejection) => onRejected(rejection, req)),
    });
}
