"use strict";
// The request floor: the benchmark's program shape with the least a dynamic provider can do
// against the API. Create and delete each send one bare request with Node's fetch; there is no
// check, no retry, no secret kept, no error handling beyond the status. What separates this from
// the no-op floor is the requests alone, so `ours ÷ this` is what our provider adds to them.
const pulumi = require("@pulumi/pulumi");

async function call(target, method, path, body) {
  const response = await fetch(`${target.endpoint}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      "x-appwrite-project": target.projectId,
      "x-appwrite-key": target.apiKey,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
}

const oneFetch = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff() {
    return { changes: false };
  },
  async create(inputs) {
    const { name, url, events } = inputs;
    await call(inputs, "POST", "/webhooks", { webhookId: inputs.webhookId, name, url, events });
    return { id: inputs.webhookId, outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete(id, props) {
    await call(props, "DELETE", `/webhooks/${id}`);
  },
};

class OneFetch extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(oneFetch, name, args, opts, "bench", "OneFetch");
  }
}

const appwrite = new pulumi.Config("appwrite");
const target = {
  endpoint: appwrite.require("endpoint"),
  projectId: appwrite.require("projectId"),
  apiKey: appwrite.requireSecret("apiKey"),
};
const count = new pulumi.Config("bench").requireNumber("count");

for (let i = 0; i < count; i++) {
  new OneFetch(`wh-${i}`, {
    ...target,
    webhookId: `one-fetch-${i}`,
    name: `bench ${i} g0`,
    url: `https://hooks.example.com/bench/${i}`,
    events: ["users.*.create", "users.*.delete"],
  });
}
