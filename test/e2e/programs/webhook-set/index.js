"use strict";
// Declares one WebhookSet from the `e2e:set` config object ({ webhooks, unmanaged,
// ignoreUnmanaged, concurrency }), so each test shapes the set through config alone. An entry's
// declared key comes from the secret config `e2e:secrets` ({ <key>: secret }) when the entry
// says `useSecret`, so it never sits in plain config. `e2e:door` picks the dynamic `WebhookSet`
// (default) or the plugin's `NativeWebhookSet`.
const pulumi = require("@pulumi/pulumi");
const sdk = require("pulumi-appwrite-webhooks");

const config = new pulumi.Config("e2e");
const declared = config.requireObject("set");
const secrets = config.getSecretObject("secrets") ?? pulumi.secret({});
const Door = config.get("door") === "native" ? sdk.NativeWebhookSet : sdk.WebhookSet;

const webhooks = {};
for (const [key, entry] of Object.entries(declared.webhooks)) {
  const { useSecret, ...args } = entry;
  webhooks[key] = useSecret ? { ...args, secret: secrets.apply((all) => all[key]) } : args;
}
const set = new Door(config.get("name") ?? "hooks", { ...declared, webhooks });

exports.webhookIds = set.webhookIds;
exports.secrets = set.secrets;
exports.previousSecrets = set.previousSecrets;
exports.secretRotatedAt = set.secretRotatedAt;
exports.enabled = set.enabled;
exports.attempts = set.attempts;
exports.unmanagedWebhooks = set.unmanagedWebhooks;
