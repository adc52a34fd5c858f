"use strict";
// The set's floor: the same program as ../set (same entries, same config), but one resource of a
// provider that does nothing holds them, so a command's time is the engine's own cost for one
// resource of N entries: program run, plugin start, one step, two checkpoint writes. `bench:noop`
// picks a no-op dynamic resource ("dynamic") or the no-op provider plugin's ("plugin",
// test/bench/plugins), matching the door measured beside it.
const pulumi = require("@pulumi/pulumi");

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

const noop = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff(_id, olds, news) {
    return { changes: !same(olds.webhooks, news.webhooks) };
  },
  async create(inputs) {
    return { id: `noop-set-${Date.now().toString(36)}`, outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete() {},
};

class DynamicNoopSet extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(noop, name, args, opts, "bench", "NoopSet");
  }
}

class PluginNoopSet extends pulumi.CustomResource {
  constructor(name, args, opts) {
    super("benchnoop:index:NoopSet", name, { ...args, noopId: undefined }, opts);
  }
}

const config = new pulumi.Config("bench");
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
const NoopSet = config.require("noop") === "plugin" ? PluginNoopSet : DynamicNoopSet;
new NoopSet("hooks", { webhooks });
