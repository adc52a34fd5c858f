/**
 * The Web receivers' one answer path (the Fetch handler and Hono share it): verify a Fetch API
 * `Request`, parse only then, call the handler, and answer with the same statuses and JSON
 * errors as the Node receiver (rules/receiver-rules.ts). `Ctx` is whatever the host passes along
 * (a Worker's env, a Hono context), so keys can be read from it per request.
 */
import {
  ANSWER_HEADERS,
  answerFor,
  checkReceiverOptions,
  receiveDelivery,
  type DeliveryOf,
  type WebhookRejection,
} from "../rules/receiver-rules";
import type { SignatureUrlMode, WebhookSecrets } from "../rules/signature-rules";
import { verifyWebhookRequest } from "../web-crypto";

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

function json(rejection?: WebhookRejection): Response {
  const { status, json: text } = answerFor(rejection);
  const allow: Record<string, string> = status === 405 ? { allow: "POST" } : {};
  return new Response(text, { status, headers: { ...ANSWER_HEADERS, ...allow } });
}

/** Builds `(request, ctx) => Response`; bad options throw here, at startup, not per delivery. */
export function createWebResponder<Ctx>(
  where: string,
  options: WebReceiverOptions<Ctx>,
): (request: Request, ctx: Ctx) => Promise<Response> {
  const maxBodyBytes = checkReceiverOptions(where, options);
  const { onRejected, urlMode } = options;
  return (request, ctx) =>
    receiveDelivery<Uint8Array, Response>({
      method: request.method,
      verify: async () =>
        verifyWebhookRequest(request, {
          url: typeof options.url === "function" ? options.url(ctx) : options.url,
          secrets: options.getSecrets ? await options.getSecrets(ctx) : (options.secrets ?? []),
          urlMode,
          maxBodyBytes,
        }),
      onEvent: (delivery) => options.onEvent(delivery, ctx),
      answer: json,
      onRejected: onRejected && ((rejection) => onRejected(rejection, ctx)),
    });
}
