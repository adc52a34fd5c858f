/**
 * GitOps: the webhooks are whatever webhooks.yaml says, per environment. Each stack
 * (Pulumi.dev.yaml, Pulumi.prod.yaml) sets `env` and its Appwrite project; CI runs
 * `pulumi preview` on pull requests and `pulumi up` on main.
 */
import * as pulumi from "@pulumi/pulumi";
import { defineWebhooks } from "pulumi-appwrite-webhooks";

// Appwrite webhook IDs are unique per server, and dev and prod share one (Appwrite Cloud), so
// each environment prefixes its IDs: dev-orders, prod-orders.
const env = new pulumi.Config().require("env");
const webhooks = defineWebhooks("webhooks.yaml", { idPrefix: `${env}-` });

export const webhookIds = Object.fromEntries(Object.entries(webhooks).map(([id, w]) => [id, w.webhookId]));
export const urls = Object.fromEntries(Object.entries(webhooks).map(([id, w]) => [id, w.url]));
export const signingKeys = pulumi.secret(
  Object.fromEntries(Object.entries(webhooks).map(([id, w]) => [id, w.secret])),
);
