"use strict";
// The benchmark's program on the native door: the same webhooks as ../webhooks, through the
// provider plugin `pulumi-resource-appwrite-webhooks` (token appwrite-webhooks:index:Webhook),
// configured by the stack's `appwrite-webhooks:*` config.
const pulumi = require("@pulumi/pulumi");
const { NativeWebhook } = require("pulumi-appwrite-webhooks");

if (typeof NativeWebhook !== "function") {
  throw new Error("bench: this build of pulumi-appwrite-webhooks exports no NativeWebhook (the native door)");
}

const config = new pulumi.Config("bench");
const count = config.requireNumber("count");
const generation = config.getNumber("generation") || 0;
// The first `edited` are renamed once more, and the first `rotated` get a rotationTrigger: one
// `up` then updates or rotates exactly that many.
const edited = config.getNumber("edited") || 0;
const rotated = config.getNumber("rotated") || 0;

for (let i = 0; i < count; i++) {
  new NativeWebhook(`wh-${i}`, {
    name: `bench ${i} g${generation + (i < edited ? 1 : 0)}`,
    url: `https://hooks.example.com/bench/${i}`,
    events: ["users.*.create", "users.*.delete"],
    ...(i < rotated ? { rotationTrigger: 1 } : {}),
  });
}
