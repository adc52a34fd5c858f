/**
 * `appwrite-webhooks-receiver/fastify`: a Fastify plugin that receives Appwrite deliveries on one
 * route. In its own encapsulated scope it replaces the JSON parser with a raw-body one (the bytes
 * that were signed, not re-serialized JSON), and answers with the same statuses and JSON errors
 * as the other receivers, including Fastify's own body-limit and body-read errors.
 *
 *   await app.register(fastifyWebhook({ path: "/appwrite", url, secrets, onEvent }));
 *
 * Its types come from `fastify` (type-only: nothing is loaded at run time), so only this subpath
 * needs Fastify installed.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import {
  ANSWER_HEADERS,
  answerFor,
  checkReceiverOptions,
  receiveDelivery,
  rejectionFor,
  INTERNAL_ERROR,
  type WebhookRejection,
} from "../rules/receiver-rules";
import {
  verifyWebhookRequest,
  type WebhookDelivery,
  type WebhookReceiverOptions,
} from "../node/http-receiver";

export type { WebhookDelivery, WebhookRejection } from "../node/http-receiver";

export interface FastifyWebhookOptions extends Omit<WebhookReceiverOptions, "onEvent" | "onRejected"> {
  /** The route inside the plugin's prefix; defaults to "/". */
  path?: string;
  /** Runs after verification. Send a reply yourself, or let the plugin answer 200 once it returns. */
  onEvent(delivery: WebhookDelivery, request: FastifyRequest, reply: FastifyReply): void | Promise<void>;
  onRejected?(rejection: WebhookRejection, request: FastifyRequest): void;
}

/** Fastify's body errors, as the other receivers name them. */
function rejectionForFastifyError(error: { statusCode?: number; code?: string }): WebhookRejection {
  if (error.statusCode === 413) return rejectionFor("payload-too-large");
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)
    return rejectionFor("body-read-failed");
  return INTERNAL_ERROR;
}

export function fastifyWebhook(options: FastifyWebhookOptions): FastifyPluginAsync {
  const bodyLimit = checkReceiverOptions("fastifyWebhook", options);
  const { url, urlMode, onRejected } = options;
  const route = options.path ?? "/";
  const secretsNow = async () => (options.getSecrets ? options.getSecrets() : (options.secrets ?? []));
  const answer = (reply: FastifyReply, rejection?: WebhookRejection): FastifyReply => {
    if (reply.sent) return reply;
    const { status, json } = answerFor(rejection);
    if (status === 405) reply.header("allow", "POST");
    return reply.code(status).headers(ANSWER_HEADERS).send(json);
  };
  return async (app) => {
    // Only inside this plugin's scope: the rest of the app keeps its JSON parser.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit }, (_request, body, done) =>
      done(null, body),
    );
    // Fastify refuses an oversized or broken body before the route runs; answer as the others do.
    app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
      const rejection = rejectionForFastifyError(error);
      try {
        onRejected?.(rejection, request);
      } catch {
        // A failing logger must not turn a clean 4xx into a crash.
      }
      return answer(reply, rejection);
    });
    app.all(route, (request, reply) =>
      receiveDelivery<Buffer, FastifyReply>({
        method: request.method,
        verify: async () => {
          const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
          const input = { url, rawBody, headers: request.headers, urlMode, secrets: await secretsNow() };
          const verdict = verifyWebhookRequest(input);
          return verdict.ok ? { ...verdict, body: rawBody } : verdict;
        },
        onEvent: (delivery) => options.onEvent(delivery, request, reply),
        answer: (rejection) => answer(reply, rejection),
        onRejected: onRejected && ((rejection) => onRejected(rejection, request)),
      }),
    );
  };
}
