"use strict";
// The benchmark's program: `bench:count` webhooks of one fixed shape. Raising
// `bench:generation` renames every webhook, so one `up` updates all of them.
const pulumi = require("@pulumi/pulumi");
const { Webhook } = require("pulumi-appwrite-webhooks");

const config = new pulumi.Config("bench");
const count = config.requireNumber("count");
const generation = config.getNumber("generation") || 0;
// The first `edited` are renamed once more, and the first `rotated` get a rotationTrigger: one
// `up` then updates or rotates exactly that many.
const edited = config.getNumber("edited") || 0;
const rotated = config.getNumber("rotated") || 0;

for (let i = 0; i < count; i++) {
  new Webhook(`wh-${i}`, {
    name: `bench ${i} g${generation + (i < edited ? 1 : 0)}`,
    url: `https://hooks.example.com/bench/${i}`,
    events: ["users.*.create", "users.*.delete"],
    ...(i < rotated ? { rotationTrigger: 1 } : {}),
  });
}
