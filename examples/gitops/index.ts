/**
 * GitOps: the webhooks are whatever webhooks.yaml says, one stack per environment. The file's
 * `env` defaults to dev; Pulumi.prod.yaml sets it to prod. CI runs `pulumi preview` on pull
 * requests and `pulumi up` on main. docs/gitops.md shows this file as it is.
 */
import * as pulumi from "@pulumi/pulumi";
import { defineWebhooks } from "pulumi-appwrite-webhooks";

// One Webhook per entry, keyed by id. Appwrite webhook IDs are unique per server, so stacks
// that share a server (Appwrite Cloud) prefix theirs with the stack name: dev-orders, prod-orders.
const webhooks = defineWebhooks("webhooks.yaml", { idPrefix: `${pulumi.getStack()}-` });

export const webhookIds = Object.fromEntries(Object.entries(webhooks).map(([id, w]) => [id, w.webhookId]));
// What each receiver verifies with: the key, and during a rotation window the previous key and
// when it was replaced (null before the first rotation).
export const signingKeys = pulumi.secret(
  Object.fromEntries(
    Object.entries(webhooks).map(([id, w]) => [
      id,
      { secret: w.secret, previousSecret: w.previousSecret, secretRotatedAt: w.secretRotatedAt },
    ]),
  ),
);
