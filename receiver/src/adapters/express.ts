/**
 * `appwrite-webhooks-receiver/express`: the Node receiver as Express middleware, with Express's
 * own request and response types in the callbacks. Mount it behind `express.raw`, so the bytes
 * stay the bytes that were signed (never behind `express.json()`: re-serialized JSON does not
 * verify):
 *
 *   app.post("/appwrite", express.raw({ type: "*\/*", limit: "1mb" }), expressWebhook({ url, secrets, onEvent }));
 *
 * Without `express.raw` it reads the body itself. Typed on node:http, which Express's `Request`
 * and `Response` extend, so this package does not depend on Express.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  createWebhookReceiver,
  type WebhookDelivery,
  type WebhookReceiverOptions,
} from "../node/http-receiver";
import type { WebhookRejection } from "../rules/receiver-rules";

export type { WebhookDelivery, WebhookRejection } from "../node/http-receiver";

export interface ExpressWebhookOptions<Req extends IncomingMessage, Res extends ServerResponse> extends Omit<
  WebhookReceiverOptions,
  "onEvent" | "onRejected"
> {
  /** Runs after verification. Respond yourself, or let the receiver answer 200 once it returns. */
  onEvent(delivery: WebhookDelivery, req: Req, res: Res): void | Promise<void>;
  onRejected?(rejection: WebhookRejection, req: Req): void;
}

/** Express middleware (`(req, res, next)`); it answers every request itself and never calls next. */
export function expressWebhook<
  Req extends IncomingMessage = IncomingMessage,
  Res extends ServerResponse = ServerResponse,
>(options: ExpressWebhookOptions<Req, Res>): (req: Req, res: Res, next?: unknown) => void {
  const { onEvent, onRejected } = options;
  const receive = createWebhookReceiver({
    ...options,
    // The receiver only ever passes back the request and response Express gave it.
    onEvent: (delivery, req, res) => onEvent(delivery, req as Req, res as Res),
    onRejected: onRejected && ((rejection, req) => onRejected(rejection, req as Req)),
  });
  return (req, res) => void receive(req, res);
}
