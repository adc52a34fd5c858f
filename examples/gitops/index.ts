/**
 * GitOps: the webhooks are whatever webhooks.yaml says, one stack per environment. The file's
 * `env` defaults to dev; Pulumi.prod.yaml sets it to prod. CI runs `pulumi preview` on pull
 * requests and `pulumi up` on main. docs/gitops.md shows this file as it is.
 */
import * as pulumi from "@pulumi/pulumi";
import { defineWebhooks } from "pulumi-appwrite-webhooks";

// Appwrite webhook IDs are unique per server, so stacks that share a server (Appwrite Cloud)
// prefix theirs with the stack name: dev-orders, prod-orders.
const idPrefix = `${pulumi.getStack()}-`;

// One Webhook per entry, or with `pulumi config set webhooksAs set` the whole file as one
// WebhookSet: one engine step for every webhook, and the project's undeclared webhooks reported.
// Both give the same outputs, keyed by the file's ids. `retainWebhooks` lets the Webhooks leave
// the stack without deleting their webhooks: the first step of moving to a set
// (docs/webhook-set.md).
interface SigningKeys {
  secret: string | null;
  previousSecret?: string | null;
  secretRotatedAt?: string | null;
}

function declare(): {
  webhookIds: pulumi.Input<Record<string, string>>;
  signingKeys: pulumi.Output<Record<string, SigningKeys>>;
} {
  const config = new pulumi.Config();
  if (config.get("webhooksAs") !== "set") {
    const retainOnDelete = config.getBoolean("retainWebhooks") ?? false;
    const webhooks = Object.entries(
      defineWebhooks("webhooks.yaml", { idPrefix, resourceOptions: { retainOnDelete } }),
    );
    return {
      webhookIds: pulumi.output(Object.fromEntries(webhooks.map(([id, w]) => [id, w.webhookId]))),
      signingKeys: pulumi.output(
        Object.fromEntries(
          webhooks.map(([id, w]) => [
            id,
            { secret: w.secret, previousSecret: w.previousSecret, secretRotatedAt: w.secretRotatedAt },
          ]),
        ),
      ),
    };
  }
  const set = defineWebhooks("webhooks.yaml", { as: "set", idPrefix });
  const keys = pulumi.all([set.webhookIds, set.secrets, set.previousSecrets, set.secretRotatedAt]);
  return {
    webhookIds: set.webhookIds,
    signingKeys: keys.apply(([ids, secrets, previous, rotatedAt]) =>
      Object.fromEntries(
        Object.keys(ids).map((id) => [
          id,
          {
            secret: secrets[id] ?? null,
            previousSecret: previous[id] ?? null,
            secretRotatedAt: rotatedAt[id] ?? null,
          },
        ]),
      ),
    ),
  };
}

const declared = declare();
export const webhookIds = declared.webhookIds;
// What each receiver verifies with: the key, and during a rotation window the previous key and
// when it was replaced (null before the first rotation).
export const signingKeys = pulumi.secret(declared.signingKeys);
