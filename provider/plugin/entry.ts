/**
 * `pulumi-appwrite-webhooks/plugin`: the plugin door's classes under the names the package schema
 * gives its resources (`appwrite-webhooks:index:Webhook`, `appwrite-webhooks:index:WebhookSet`,
 * the `appwrite-webhooks` provider). The schema's `language.nodejs.packageName` points here, so
 * the TypeScript that Pulumi's code generator prints after `pulumi import`
 * (`new appwrite_webhooks.Webhook(…)`) declares the imported webhook through the plugin, not
 * through the dynamic door's `Webhook`.
 */
export {
  NativeWebhook as Webhook,
  NativeWebhookSet as WebhookSet,
  NativeProvider as Provider,
  type NativeProviderArgs as ProviderArgs,
} from "./native-webhook";
