/**
 * pulumi-appwrite-webhooks: Appwrite webhooks as code.
 */
export { Webhook, type WebhookArgs } from "./dynamic/webhook";
export { NativeWebhook, NativeProvider, type NativeProviderArgs } from "./plugin/native-webhook";
export {
  signWebhookPayload,
  rawUrlDecode,
  type SignInput,
  type SignatureUrlMode,
} from "../receiver/src/node/signature";
export {
  isValidEvent,
  KNOWN_EVENT_PATTERNS,
  type AppwriteEventName,
  type EventCatalogVersion,
  type EventValidationMode,
} from "./lifecycle/events";
export { AppwriteApiError, AppwriteTransportError } from "./appwrite/errors";
export {
  declarationSchema,
  declarationJsonSchema,
  parseDeclaration,
  loadDeclaration,
  DeclarationError,
  MAX_DECLARATION_BYTES,
  type Declaration,
  type DeclaredWebhook,
  type SecretPolicy,
} from "./gitops/declaration";
export { defineWebhooks, type DefineWebhooksOptions, type DeclarationSource } from "./gitops/define";
export { cloneWebhooks, ClonePolicyError, type CloneOptions, type CloneSecretPolicy } from "./gitops/clone";
export {
  verifyWebhookSignature,
  webhookSecretsProblem,
  DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS,
  MIN_SECRET_LENGTH,
  MAX_SECRET_LENGTH,
  type VerifyInput,
  type VerifyResult,
  type VerifyFailureReason,
  type WebhookSecrets,
  type RotatingSecrets,
  type SecretLabel,
  type RawBody,
} from "../receiver/src/node/signature";
export {
  createWebhookReceiver,
  verifyWebhookRequest,
  readAppwriteHeaders,
  DEFAULT_MAX_BODY_BYTES,
  type WebhookReceiverOptions,
  type WebhookRequestHandler,
  type WebhookDelivery,
  type WebhookRejection,
  type AppwriteWebhookHeaders,
  type VerifyRequestInput,
  type VerifiedRequest,
  type HeaderSource,
  type HeaderGetter,
} from "../receiver/src/node/receiver";
export {
  rejectionFor,
  answerFor,
  deliveryFrom,
  ANSWER_HEADERS,
  type RejectionReason,
  type BodyFailureReason,
  type CheckedDelivery,
  type DeliveryOf,
} from "../receiver/src/rules/receiver-rules";
