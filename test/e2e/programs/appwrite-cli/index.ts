import * as pulumi from "@pulumi/pulumi";
import { defineWebhooks } from "pulumi-appwrite-webhooks";

// One Webhook per entry of the file's `webhooks` array, keyed by its `$id`. The connection comes
// from stack config (appwrite:endpoint, appwrite:projectId, appwrite:apiKey), not from the file.
const webhooks = defineWebhooks("appwrite.config.json");

// Appwrite generates each signing key; the stack keeps it as a secret output for the receivers.
export const signingKeys = pulumi.secret(
  Object.fromEntries(Object.entries(webhooks).map(([id, webhook]) => [id, webhook.secret])),
);
