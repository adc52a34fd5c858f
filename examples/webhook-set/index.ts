/**
 * All of a project's webhooks as one resource. docs/webhook-set.md shows this file as it is, and
 * the end-to-end suite runs it against the emulator.
 */
import * as pulumi from "@pulumi/pulumi";
import { WebhookSet } from "pulumi-appwrite-webhooks";

const config = new pulumi.Config();
const hooks = new WebhookSet("project-webhooks", {
  webhooks: {
    orders: {
      name: "Orders",
      url: "https://hooks.example.com/appwrite/orders",
      events: ["databases.*.collections.*.documents.*.create"],
      // Change it (`pulumi config set ordersRotation 2`) to rotate this entry's key alone.
      rotationTrigger: config.get("ordersRotation") ?? "1",
    },
    signups: {
      name: "Sign-ups",
      url: "https://hooks.example.com/appwrite/users",
      events: ["users.*.create"],
      authUsername: "appwrite",
      authPassword: config.requireSecret("receiverPassword"),
    },
  },
  // Webhooks of the project that no entry declares are reported on refresh and up ("report", the
  // default); "delete" deletes them, except the ones other tools own.
  unmanaged: "report",
  ignoreUnmanaged: ["terraform-*"],
});

export const webhookIds = hooks.webhookIds;
// The signing keys by entry, and each rotated entry's previous key (secrets).
export const secrets = hooks.secrets;
export const previousSecrets = hooks.previousSecrets;
export const unmanagedWebhooks = hooks.unmanagedWebhooks;
