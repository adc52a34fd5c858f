/**
 * The root Pulumi program: Appwrite webhooks declared as code. `npm run demo` runs it against
 * the local emulator; point the `appwrite:*` stack config at a real Appwrite to run it for real.
 *
 *   pulumi config set appwrite:endpoint https://cloud.appwrite.io/v1
 *   pulumi config set appwrite:projectId <project>
 *   pulumi config set --secret appwrite:apiKey <key with webhooks.read and webhooks.write>
 */
import * as pulumi from "@pulumi/pulumi";
import { Webhook } from "pulumi-appwrite-webhooks";

const config = new pulumi.Config();
/** Where deliveries go; a public URL (Appwrite rejects private hosts). */
const receiverBaseUrl = config.get("receiverBaseUrl") ?? "https://hooks.example.com";
/** Bump to rotate the orders webhook's signing key; receivers get `previousSecret` for the overlap. */
const rotation = config.get("rotation") ?? "1";

const orders = new Webhook("orders", {
  name: "Orders",
  url: `${receiverBaseUrl}/appwrite/orders`,
  events: ["databases.*.collections.*.documents.*.create", "databases.*.collections.*.documents.*.update"],
  rotationTrigger: rotation,
});

const signups = new Webhook("user-signups", {
  name: "User sign-ups",
  url: `${receiverBaseUrl}/appwrite/users`,
  events: ["users.*.create", "users.*.sessions.*.create"],
  authUsername: "appwrite",
  authPassword: config.requireSecret("receiverPassword"),
});

const uploads = new Webhook("file-uploads", {
  name: "File uploads",
  url: `${receiverBaseUrl}/appwrite/files`,
  events: ["buckets.*.files.*.create"],
  // A key you own (for example from a secret store), so receivers can be configured first.
  secret: config.requireSecret("uploadsSigningSecret"),
});

export const ordersWebhookId = orders.webhookId;
export const ordersUrl = orders.url;
export const ordersSecret = orders.secret;
export const ordersPreviousSecret = orders.previousSecret;
export const ordersSecretRotatedAt = orders.secretRotatedAt;
export const signupsWebhookId = signups.webhookId;
export const uploadsWebhookId = uploads.webhookId;
export const uploadsSecret = uploads.secret;
