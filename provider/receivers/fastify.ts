/**
 * `pulumi-appwrite-webhooks/fastify`: a Fastify plugin that receives Appwrite deliveries on one
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
  INTERNAL_ERROR,
  METHOD_NOT_ALLOWED,
  deliveryFrom,
  notifyRejected,
  rejectionFor,
  type WebhookRejection,
} from "../receiver-rules";
import { verifyWebhookRequest, type WebhookDelivery, type WebhookReceiverOptions } from "../receiver";

export type { WebhookDelivery, WebhookRejection } from "../receiver";

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
  const path = options.path ?? "/";
  return async (app) => {
    const answer = (reply: FastifyReply, rejection?: WebhookRejection) => {
      const { status, json } = answerFor(rejection);
      return reply.code(status).headers(ANSWER_HEADERS).send(json);
    };
    const send = (reply: FastifyReply, rejection: WebhookRejection, request: FastifyRequest) =>
      answer(reply, notifyRejected(options.onRejected, rejection, request));
    // Only inside this plugin's scope: the rest of the app keeps its JSON parser.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit }, (_request, body, done) =>
      done(null, body),
    );
    app.setErrorHandler((error: { statusCode?: number; code?: string }, request, reply) =>
      send(reply, rejectionForFastifyError(error), request),
    );
    app.route({
      method: ["GET", "HEAD", "PUT", "PATCH", "DELETE"],
      url: path,
      handler: (request, reply) => send(reply.header("allow", "POST"), METHOD_NOT_ALLOWED, request),
    });
    app.post(path, async (request, reply) => {
      try {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const verdict = verifyWebhookRequest({
          url: options.url,
          rawBody,
          headers: request.headers,
          secrets: options.getSecrets ? await options.getSecrets() : (options.secrets ?? []),
          urlMode: options.urlMode,
        });
        const checked = deliveryFrom(verdict, rawBody);
        if (!checked.ok) return send(reply, checked.rejection, request);
        await options.onEvent(checked.delivery, request, reply);
        return reply.sent ? reply : answer(reply);
      } catch {
        // Thrown by onEvent or getSecrets. No message or stack leaves: they may name internals.
        return reply.sent ? reply : answer(reply, INTERNAL_ERROR);
      }
    });
  };
}
