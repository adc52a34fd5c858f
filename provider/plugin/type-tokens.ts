/**
 * The plugin's package name and type tokens. Apart from ./package-schema, which loads zod to
 * generate the schema at build time, so that the running plugin starts without it.
 */
export const PACKAGE_NAME = "appwrite-webhooks";
export const WEBHOOK_TOKEN = `${PACKAGE_NAME}:index:Webhook`;
export const WEBHOOK_SET_TOKEN = `${PACKAGE_NAME}:index:WebhookSet`;
/** The object types of a set: one entry of `webhooks`, one item of `unmanagedWebhooks`. */
export const SET_ENTRY_TOKEN = `${PACKAGE_NAME}:index:WebhookSetEntry`;
export const UNMANAGED_WEBHOOK_TOKEN = `${PACKAGE_NAME}:index:UnmanagedWebhook`;
