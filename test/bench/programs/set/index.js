"use strict";
// The benchmark's set program: the webhooks of ../webhooks as the entries of one set, keyed
// `wh-<i>`, through the class `bench:class` names (the dynamic `WebhookSet`, or the plugin's
// `NativeWebhookSet`). `bench:edited` renames the first entries and `bench:rotated` gives the
// first entries a rotationTrigger, so one `up` updates or rotates exactly that many.
const pulumi = require("@pulumi/pulumi");
const sdk = require("pulumi-appwrite-webhooks");

const config = new pulumi.Config("bench");
const className = config.require("class");
const SetClass = sdk[className];
if (typeof SetClass !== "function") {
  throw new Error(`bench: this build of pulumi-appwrite-webhooks exports no ${className}`);
}
const count = config.requireNumber("count");
const generation = config.getNumber("generation") || 0;
const edited = config.getNumber("edited") || 0;
const rotated = config.getNumber("rotated") || 0;

const webhooks = {};
for (let i = 0; i < count; i++) {
  webhooks[`wh-${i}`] = {
    name: `bench ${i} g${generation + (i < edited ? 1 : 0)}`,
    url: `https://hooks.example.com/bench/${i}`,
    events: ["users.*.create", "users.*.delete"],
    ...(i < rotated ? { rotationTrigger: 1 } : {}),
  };
}
new SetClass("hooks", { webhooks });
