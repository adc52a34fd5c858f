"use strict";
// The native door's floor: the same program shape as ../native, with the resources of a
// provider plugin that makes no HTTP call (test/bench/plugins/pulumi-resource-benchnoop, found
// by the engine on PATH), so a command's time is the engine's own cost with a native plugin.
const pulumi = require("@pulumi/pulumi");

class Noop extends pulumi.CustomResource {
  constructor(name, args, opts) {
    super("benchnoop:index:Noop", name, { ...args, noopId: undefined }, opts);
  }
}

const config = new pulumi.Config("bench");
const count = config.requireNumber("count");
const generation = config.getNumber("generation") || 0;
// The first `edited` are renamed once more, and the first `rotated` get a rotationTrigger: one
// `up` then updates or rotates exactly that many.
const edited = config.getNumber("edited") || 0;
const rotated = config.getNumber("rotated") || 0;

for (let i = 0; i < count; i++) {
  new Noop(`wh-${i}`, {
    name: `bench ${i} g${generation + (i < edited ? 1 : 0)}`,
    url: `https://hooks.example.com/bench/${i}`,
    events: ["users.*.create", "users.*.delete"],
    ...(i < rotated ? { rotationTrigger: 1 } : {}),
  });
}
