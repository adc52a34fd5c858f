/**
 * pulumi-appwrite-webhooks: Appwrite webhooks as code.
 */
export { Webhook, type WebhookArgs } from "./dynamic/webhook";
export { WebhookSet, type WebhookSetArgs, type WebhookSetEntryArgs } from "./dynamic/webhook-set";
export type { UnmanagedPolicy, UnmanagedWebhook } from "./lifecycle/webhook-set/types";
export {
  NativeWebhook,
  NativeWebhookSet,
  NativeProvider,
  type NativeProviderArgs,
} from "./plugin/native-webhook";
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
export {
  defineWebhooks,
  type DefineWebhooksOptions,
  type DefineWebhookSetOptions,
  type DeclarationSource,
} from "./gitops/define";
export { cloneWebhooks, ClonePolicyError, type CloneOptions, type CloneSecretPolicy } from "./gitops/clone";
/**
 * The receiver's Node API as it was exported here before it became its own package: existing
 * imports keep working. A receiver that needs nothing else imports `appwrite-webhooks-receiver`,
 * which loads no Pulumi.
 */
export {
  signWebhookPayload,
  rawUrlDecode,
  verifyWebhookSignature,
  webhookSecretsProblem,
  DEFAULT_PREVIOUS_SECRET_WINDOW_SECONDS,
  MIN_SECRET_LENGTH,
  MAX_SECRET_LENGTH,
  createWebhookReceiver,
  verifyWebhookRequest,
  readAppwriteHeaders,
  DEFAULT_MAX_BODY_BYTES,
  rejectionFor,
  answerFor,
  deliveryFrom,
  ANSWER_HEADERS,
  type SignInput,
  type SignatureUrlMode,
  type VerifyInput,
  type VerifyResult,
  type VerifyFailureReason,
  type WebhookSecrets,
  type RotatingSecrets,
  type SecretLabel,
  type RawBody,
  type WebhookReceiverOptions,
  type WebhookRequestHandler,
  type WebhookDelivery,
  type WebhookRejection,
  type AppwriteWebhookHeaders,
  type VerifyRequestInput,
  type VerifiedRequest,
  type HeaderSource,
  type HeaderGetter,
  type RejectionReason,
  type BodyFailureReason,
  type CheckedDelivery,
  type DeliveryOf,
} from "appwrite-webhooks-receiver";
