/**
 * The Web receivers' one answer path (the Fetch handler and Hono share it): verify a Fetch API
 * `Request`, parse only then, call the handler, and answer with the same statuses and JSON
 * errors as the Node receiver (receiver-rules.ts). `Ctx` is whatever the host passes along
 * (a Worker's env, a Hono context), so keys can be read from it per request.
 */
import {
  ANSWER_HEADERS,
  answerFor,
  checkReceiverOptions,
  INTERNAL_ERROR,
  METHOD_NOT_ALLOWED,
  deliveryFrom,
  notifyRejected,
  rejectionFor,
  type DeliveryOf,
  type WebhookRejection,
} from "../receiver-rules";
import type { SignatureUrlMode, WebhookSecrets } from "../signature-rules";
import { verifyWebhookRequest } from "../web";

export type WebDelivery = DeliveryOf<Uint8Array>;

export interface WebReceiverOptions<Ctx> {
  /** The webhook URL as configured in Appwrite; a function to read it from the context (a Worker's env). */
  url: string | ((ctx: Ctx) => string);
  /** Fixed keys; use getSecrets to read them per request (a rotation window is judged at delivery time). */
  secrets?: WebhookSecrets;
  getSecrets?: (ctx: Ctx) => WebhookSecrets | Promise<WebhookSecrets>;
  urlMode?: SignatureUrlMode;
  maxBodyBytes?: number;
  /** Runs after verification. Return a Response to answer yourself; otherwise 200 `{"received":true}`. */
  onEvent(delivery: WebDelivery, ctx: Ctx): void | Response | Promise<void | Response>;
  /** For logs and metrics; the rejection holds no secret and no signature. */
  onRejected?(rejection: WebhookRejection, ctx: Ctx): void;
}

function json(rejection?: WebhookRejection, extra: Record<string, string> = {}): Response {
  const { status, json: text } = answerFor(rejection);
  return new Response(text, { status, headers: { ...ANSWER_HEADERS, ...extra } });
}

/** Builds `(request, ctx) => Response`; bad options throw here, at startup, not per delivery. */
export function createWebResponder<Ctx>(
  where: string,
  options: WebReceiverOptions<Ctx>,
): (request: Request, ctx: Ctx) => Promise<Response> {
  const maxBodyBytes = checkReceiverOptions(where, options);
  return async (request, ctx) => {
    const reject = (rejection: WebhookRejection, extra?: Record<string, string>): Response =>
      json(notifyRejected(options.onRejected, rejection, ctx), extra);
    try {
      if (request.method !== "POST") return reject(METHOD_NOT_ALLOWED, { allow: "POST" });
      const url = typeof options.url === "function" ? options.url(ctx) : options.url;
      const secrets = options.getSecrets ? await options.getSecrets(ctx) : (options.secrets ?? []);
      const verdict = await verifyWebhookRequest(request, {
        url,
        secrets,
        urlMode: options.urlMode,
        maxBodyBytes,
      });
      if (!verdict.ok) return reject(rejectionFor(verdict.reason));
      const checked = deliveryFrom(verdict, verdict.body);
      if (!checked.ok) return reject(checked.rejection);
      const answer = await options.onEvent(checked.delivery, ctx);
      return answer ?? json();
    } catch {
      // Thrown by onEvent, getSecrets or url. No message or stack leaves: they may name internals.
      return json(INTERNAL_ERROR);
    }
  };
}
