/**
 * pulumi-appwrite-webhooks: Appwrite webhooks as code.
 */
export { Webhook, type WebhookArgs } from "./webhook";
export { signWebhookPayload, rawUrlDecode, type SignInput, type SignatureUrlMode } from "./signature";
export {
  isValidEvent,
  KNOWN_EVENT_PATTERNS,
  type AppwriteEventName,
  type EventCatalogVersion,
  type EventValidationMode,
} from "./events";
export { AppwriteApiError, AppwriteTransportError } from "./errors";
