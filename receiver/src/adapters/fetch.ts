/**
 * `appwrite-webhooks-receiver/fetch`: a receiver as a Fetch API handler, `(request) => Response`.
 * It is a Next.js (App Router) route handler, a Cloudflare Worker's or Deno's `fetch`, a Bun
 * server's `fetch`, or a Vercel / Netlify function as it is:
 *
 *   export const POST = createFetchHandler({ url, secrets, onEvent });                 // Next.js
 *   export default { fetch: createFetchHandler<Env>({ url, getSecrets: ({ env }) => env.KEY, onEvent }) };
 */
import { createWebResponder, type WebDelivery, type WebReceiverOptions } from "./web-responder";

export type { WebDelivery, WebReceiverOptions } from "./web-responder";

/** What the handler's callbacks see: the request, and the host's second argument (a Worker's env). */
export interface FetchContext<Env> {
  request: Request;
  /** A Worker's `env`; `undefined` where the host passes none (Next.js passes its route context). */
  env: Env | undefined;
}

export type FetchReceiverOptions<Env = unknown> = WebReceiverOptions<FetchContext<Env>>;
export type FetchWebhookDelivery = WebDelivery;

export function createFetchHandler<Env = unknown>(
  options: FetchReceiverOptions<Env>,
): (request: Request, env?: Env) => Promise<Response> {
  const respond = createWebResponder("createFetchHandler", options);
  return (request, env) => respond(request, { request, env });
}
