/**
 * `appwrite-webhooks-receiver`: the Node entry. Signatures on node:crypto (node/node-crypto.ts),
 * a `node:http` listener that is also Express middleware (node/http-receiver.ts), and the shared
 * answers for receivers you write yourself (rules/receiver-rules.ts). Only `node:` builtins load.
 *
 * The other entries: `/web` (Web Crypto, no `node:`), `/fetch`, `/hono`, `/express`, `/fastify`.
 */
export * from "./node/node-crypto";
export * from "./node/http-receiver";
export {
  rejectionFor,
  answerFor,
  deliveryFrom,
  ANSWER_HEADERS,
  type RejectionReason,
  type BodyFailureReason,
  type CheckedDelivery,
  type DeliveryOf,
} from "./rules/receiver-rules";
