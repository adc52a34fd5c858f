"use strict";
// Declares one Webhook per entry of the `e2e:webhooks` config object, so each end-to-end test
// shapes the program through config alone. Secret args come from the secret config
// `e2e:secrets` ({ <name>: { secret, authPassword } }) so they never sit in plain config.
// An entry's `door` picks the dynamic `Webhook` (default) or the plugin's `NativeWebhook`.
const pulumi = require("@pulumi/pulumi");
const { NativeWebhook, Webhook } = require("pulumi-appwrite-webhooks");

const DOORS = { dynamic: Webhook, native: NativeWebhook };

const config = new pulumi.Config("e2e");
const webhooks = config.requireObject("webhooks");
const secrets = config.getSecretObject("secrets") ?? pulumi.secret({});

// `parentType` puts a webhook under a component of that type (one component per type), and
// `resourceName` names the resource when it differs from its config key, so tests can declare
// resources whose URNs differ only in their parent types.
const groups = {};
const parentOf = (type) => (groups[type] = groups[type] || new pulumi.ComponentResource(type, "group"));

for (const [name, args] of Object.entries(webhooks)) {
  const secretArg = (key) => secrets.apply((all) => (all[name] && all[name][key]) || undefined);
  const declared = { ...args };
  if (args.useSecret) declared.secret = secretArg("secret");
  if (args.useAuthPassword) declared.authPassword = secretArg("authPassword");
  delete declared.useSecret;
  delete declared.useAuthPassword;
  delete declared.door;
  delete declared.parentType;
  delete declared.resourceName;
  const opts = args.parentType ? { parent: parentOf(args.parentType) } : {};
  const webhook = new DOORS[args.door || "dynamic"](args.resourceName || name, declared, opts);
  // Flat exports: one output per value, so the secret flag of each is visible on its own.
  exports[`${name}_webhookId`] = webhook.webhookId;
  exports[`${name}_enabled`] = webhook.enabled;
  exports[`${name}_attempts`] = webhook.attempts;
  exports[`${name}_events`] = webhook.events;
  exports[`${name}_secret`] = webhook.secret;
  exports[`${name}_previousSecret`] = webhook.previousSecret;
  exports[`${name}_secretRotatedAt`] = webhook.secretRotatedAt;
  exports[`${name}_authPassword`] = webhook.authPassword;
  exports[`${name}_secretSource`] = webhook.secretSource;
}
