"use strict";
// The request floor: the benchmark's program shape with the least a dynamic provider can do
// against the API. Create and delete each send one bare request through undici (keep-alive, as
// every client here) to the target in the provider's environment; there is no check, no retry,
// no secret kept, no error handling beyond the status, and no input beyond the webhook's own
// fields. What separates it from the no-op floor is the requests alone.
const pulumi = require("@pulumi/pulumi");

async function call(method, path, body) {
  const { request } = require("undici");
  const env = process.env;
  const response = await request(`${env.ONE_FETCH_ENDPOINT}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      "x-appwrite-project": env.ONE_FETCH_PROJECT,
      "x-appwrite-key": env.ONE_FETCH_API_KEY,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await response.body.dump();
  if (response.statusCode >= 300) throw new Error(`${method} ${path}: HTTP ${response.statusCode}`);
}

const oneFetch = {
  async check(_olds, news) {
    return { inputs: news };
  },
  async diff() {
    return { changes: false };
  },
  async create(inputs) {
    const id = `one-fetch-${inputs.index}`;
    await call("POST", "/webhooks", {
      webhookId: id,
      name: inputs.name,
      url: inputs.url,
      events: inputs.events,
    });
    return { id, outs: inputs };
  },
  async read(id, props) {
    return { id, props };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete(id) {
    await call("DELETE", `/webhooks/${id}`);
  },
};

class OneFetch extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(oneFetch, name, args, opts, "bench", "OneFetch");
  }
}

const count = new pulumi.Config("bench").requireNumber("count");

for (let i = 0; i < count; i++) {
  new OneFetch(`wh-${i}`, {
    index: i,
    name: `bench ${i} g0`,
    url: `https://hooks.example.com/bench/${i}`,
    events: ["users.*.create", "users.*.delete"],
  });
}
