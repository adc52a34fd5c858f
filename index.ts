/**
 * The root Pulumi program: this project's Appwrite webhooks, declared in webhooks.yaml.
 * `npm run demo` runs it against the local emulator. To run it against a real Appwrite:
 *
 *   pulumi stack init dev
 *   pulumi config set appwrite:endpoint https://cloud.appwrite.io/v1
 *   pulumi config set appwrite:projectId <project>
 *   pulumi config set --secret appwrite:apiKey <key with webhooks.read and webhooks.write>
 *   pulumi config set --secret receiverPassword <basic-auth password of the users receiver>
 *   pulumi config set --secret uploadsSigningSecret <8–256 characters>
 *   pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { defineWebhooks } from "pulumi-appwrite-webhooks";

const webhooks = defineWebhooks("webhooks.yaml");

/** Webhook IDs and URLs, by declared ID. */
export const webhookIds = Object.fromEntries(Object.entries(webhooks).map(([id, w]) => [id, w.webhookId]));
export const urls = Object.fromEntries(Object.entries(webhooks).map(([id, w]) => [id, w.url]));

/**
 * The keys receivers verify with (secret). During a rotation window a receiver accepts both
 * `secret` and `previousSecret`: `pulumi stack output signingKeys --show-secrets`.
 */
export const signingKeys = pulumi.secret(
  Object.fromEntries(
    Object.entries(webhooks).map(([id, w]) => [
      id,
      { secret: w.secret, previousSecret: w.previousSecret, secretRotatedAt: w.secretRotatedAt },
    ]),
  ),
);
