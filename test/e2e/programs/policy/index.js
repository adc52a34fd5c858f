"use strict";
// For the policy pack (policy/, docs/policy.md): on each door, a webhook the pack accepts and one
// it refuses, and a set of each door holding one entry of each kind. Previewed only: nothing here
// is ever created. The connection comes from stack config (appwrite:* and appwrite-webhooks:*).
const pulumi = require("@pulumi/pulumi");
const { NativeWebhook, NativeWebhookSet, Webhook, WebhookSet } = require("pulumi-appwrite-webhooks");

const config = new pulumi.Config();
const receiverPassword = config.requireSecret("receiverPassword");

const compliant = {
  name: "Orders",
  url: "https://hooks.example.com/appwrite/orders",
  events: ["databases.*.collections.*.documents.*.create"],
  authUsername: "appwrite",
  authPassword: receiverPassword,
};

// A staging receiver: plain http, every user event, no basic auth.
const staging = {
  name: "Staging users",
  url: "http://staging.example.com/appwrite/users",
  events: ["users.*"],
};

// A receiver with a self-signed certificate, subscribed to every database event.
const catalog = {
  name: "Catalog",
  url: "https://catalog.example.com/appwrite",
  events: ["databases.*"],
  tls: false,
};

new Webhook("orders", compliant);
new Webhook("staging", staging);
new NativeWebhook("orders-native", compliant);
new NativeWebhook("staging-native", staging);
new WebhookSet("hooks", { webhooks: { orders: compliant, catalog } });
new NativeWebhookSet("hooks-native", { webhooks: { orders: compliant, catalog } });
