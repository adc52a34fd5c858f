"use strict";
// Declares one WebhookSet per entry of the `e2e:sets` config object ({ <resource name>: { door,
// projectId, webhooks, unmanaged, concurrency, … } }), so the reliability tests run many sets,
// each in a project of its own, in one engine command. An entry's declared key and basic-auth
// password come from the secret config `e2e:secrets` ({ <set>: { <key>: { secret, authPassword } } })
// when the entry says `useSecret` or `useAuthPassword`, so neither sits in plain config. A set's
// `door` picks the dynamic `WebhookSet` (default) or the plugin's `NativeWebhookSet`.
const pulumi = require("@pulumi/pulumi");
const sdk = require("pulumi-appwrite-webhooks");

const config = new pulumi.Config("e2e");
const sets = config.requireObject("sets");
const secrets = config.getSecretObject("secrets") ?? pulumi.secret({});
const DOORS = { dynamic: "WebhookSet", native: "NativeWebhookSet" };

for (const [name, declared] of Object.entries(sets)) {
  const { door, ...args } = declared;
  const secretOf = (key, field) => secrets.apply((all) => ((all[name] || {})[key] || {})[field]);
  const webhooks = {};
  for (const [key, entry] of Object.entries(args.webhooks)) {
    const { useSecret, useAuthPassword, ...fields } = entry;
    if (useSecret) fields.secret = secretOf(key, "secret");
    if (useAuthPassword) fields.authPassword = secretOf(key, "authPassword");
    webhooks[key] = fields;
  }
  const Door = sdk[DOORS[door || "dynamic"]];
  const set = new Door(name, { ...args, webhooks });
  exports[`${name}_webhookIds`] = set.webhookIds;
  exports[`${name}_secrets`] = set.secrets;
}
