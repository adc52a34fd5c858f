import * as pulumi from "@pulumi/pulumi";
import { Webhook } from "pulumi-appwrite-webhooks";

const config = new pulumi.Config();
const hook = new Webhook("orders", {
  name: "Orders",
  url: "https://hooks.example.com/appwrite/orders",
  events: ["databases.*.collections.*.documents.*.create"],
  // Change it (`pulumi config set ordersRotation 2`, then `pulumi up`) to rotate the key in place.
  rotationTrigger: config.get("ordersRotation") ?? "1",
});

export const webhookId = hook.webhookId;
// The signing key and the one before the last rotation are Pulumi secrets; secretRotatedAt is when.
export const secret = hook.secret;
export const previousSecret = hook.previousSecret;
export const secretRotatedAt = hook.secretRotatedAt;
