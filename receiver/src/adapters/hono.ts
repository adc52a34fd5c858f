/**
 * `appwrite-webhooks-receiver/hono`: a Hono handler. Hono runs on Web `Request`s, so this runs
 * wherever Hono does: Cloudflare Workers, Deno, Bun and Node.
 *
 *   app.post("/appwrite", honoWebhook({ url, getSecrets: (c) => c.env.WEBHOOK_SECRET, onEvent }));
 *
 * Typed structurally (any context with `req.raw`), so this package does not depend on Hono.
 */
import { createWebResponder, type WebDelivery, type WebReceiverOptions } from "./web-responder";

export type { WebDelivery } from "./web-responder";

/** The part of Hono's `Context` the handler uses. */
export interface HonoLikeContext {
  req: { raw: Request };
}

export type HonoWebhookOptions<C extends HonoLikeContext> = WebReceiverOptions<C>;

export function honoWebhook<C extends HonoLikeContext>(
  options: HonoWebhookOptions<C>,
): (c: C) => Promise<Response> {
  const respond = createWebResponder("honoWebhook", options);
  return (c) => respond(c.req.raw, c);
}

export type HonoWebhookDelivery = WebDelivery;
