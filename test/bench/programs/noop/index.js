"use strict";
// The engine floor: the same program shape as ../webhooks (same count, names and inputs), but
// the dynamic provider does nothing, so a command's time is the engine's own cost: program
// run, registration, plugin start, gRPC round trips, diffs and checkpoint writes.
const pulumi = require("@pulumi/pulumi");

const noop = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff(_id, olds, news) {
    const changes =
      olds.name !== news.name ||
      olds.url !== news.url ||
      JSON.stringify(olds.events) !== JSON.stringify(news.events) ||
      olds.rotationTrigger !== news.rotationTrigger;
    return { changes };
  },
  async create(inputs) {
    return { id: `noop-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`, outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete() {},
};

class Noop extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(noop, name, args, opts, "bench", "Noop");
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
