/**
 * Each adapter in its real framework (Express with express.raw, Fastify, Hono and the Fetch
 * handler, the last two served by @hono/node-server), on 127.0.0.1: a delivery signed by the
 * emulator's worker is accepted (200), the same delivery with one byte changed is refused (401),
 * and every refusal has the status and JSON body of the Node receiver, createWebhookReceiver.
 */
import { serve, type ServerType } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebhookReceiver } from "../../receiver/src/node/http-receiver";
import { expressWebhook } from "../../receiver/src/adapters/express";
import { fastifyWebhook } from "../../receiver/src/adapters/fastify";
import { createFetchHandler } from "../../receiver/src/adapters/fetch";
import { honoWebhook } from "../../receiver/src/adapters/hono";
import { signWebhookPayload } from "../../receiver/src/node/node-crypto";
import { replayTampered, startEmulatorFixture, type EmulatorFixture } from "./emulator-fixture";

const ADAPTERS = ["node", "express", "fastify", "hono", "fetch"] as const;
type Adapter = (typeof ADAPTERS)[number];
const LIMIT = 4096;
const PATH = "/appwrite";
const urlOf = (adapter: Adapter): string => `https://${adapter}.hooks.example.com${PATH}?x=1`;

let fixture: EmulatorFixture;
/** The key each receiver accepts: the one the emulator generated for its webhook. */
const secrets = new Map<Adapter, string>();
const received = new Map<Adapter, unknown[]>(ADAPTERS.map((a) => [a, []]));
const origins = new Map<Adapter, string>();
const closers: Array<() => Promise<unknown>> = [];

/**
 * Switched by the parity probes: a receiver with no usable key; one whose previous key is the
 * text `null` (what `pulumi stack output previousSecret --show-secrets` prints before the first
 * rotation); a handler that throws.
 */
const faults = { noKeys: false, previousIsNull: false, handlerThrows: false };
const getSecrets = (adapter: Adapter) => () => {
  const current = secrets.get(adapter) ?? "";
  if (faults.previousIsNull) return { current, previous: "null" };
  return faults.noKeys ? [""] : current;
};
const record = (adapter: Adapter) => (payload: unknown) => {
  if (faults.handlerThrows) throw new Error("handler failed with internals /srv/app/secret-path");
  received.get(adapter)?.push(payload);
};
const common = (adapter: Adapter) => ({
  url: urlOf(adapter),
  getSecrets: getSecrets(adapter),
  maxBodyBytes: LIMIT,
});

function listening(server: Server | ServerType): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function startNode(): Promise<string> {
  const handler = createWebhookReceiver({ ...common("node"), onEvent: (d) => record("node")(d.payload) });
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closers.push(() =>
    new Promise((resolve) => server.close(resolve)).then(() => server.closeAllConnections()),
  );
  return listening(server);
}

async function startExpress(): Promise<string> {
  const app = express();
  // express.raw's own limit sits above the receiver's, so the receiver's 413 is the one sent.
  app.post(
    PATH,
    express.raw({ type: "*/*", limit: LIMIT * 4 }),
    expressWebhook<express.Request, express.Response>({
      ...common("express"),
      onEvent: (d) => record("express")(d.payload),
    }),
  );
  app.all(PATH, expressWebhook({ ...common("express"), onEvent: () => undefined }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  closers.push(() =>
    new Promise((resolve) => server.close(resolve)).then(() => server.closeAllConnections()),
  );
  return listening(server);
}

async function startFastify(): Promise<string> {
  const app = Fastify();
  await app.register(
    fastifyWebhook({ ...common("fastify"), path: PATH, onEvent: (d) => record("fastify")(d.payload) }),
  );
  await app.listen({ port: 0, host: "127.0.0.1" });
  closers.push(() => app.close());
  return listening(app.server);
}

async function serveFetch(fetch: (request: Request) => Response | Promise<Response>): Promise<string> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return listening(server);
}

function startHono(): Promise<string> {
  const app = new Hono();
  app.all(
    PATH,
    honoWebhook({
      ...common("hono"),
      getSecrets: () => getSecrets("hono")(),
      onEvent: (d) => record("hono")(d.payload),
    }),
  );
  return serveFetch(app.fetch);
}

function startFetch(): Promise<string> {
  const handler = createFetchHandler({
    ...common("fetch"),
    getSecrets: () => getSecrets("fetch")(),
    onEvent: (d) => record("fetch")(d.payload),
  });
  return serveFetch((request) =>
    new URL(request.url).pathname === PATH ? handler(request) : new Response(null, { status: 404 }),
  );
}

beforeAll(async () => {
  fixture = await startEmulatorFixture();
  const starters: Record<Adapter, () => Promise<string>> = {
    node: startNode,
    express: startExpress,
    fastify: startFastify,
    hono: startHono,
    fetch: startFetch,
  };
  for (const adapter of ADAPTERS) {
    origins.set(adapter, await starters[adapter]());
    secrets.set(adapter, (await fixture.createWebhook(urlOf(adapter), `via ${adapter}`)).secret);
  }
  fixture.emulator.setHostRoutes(
    Object.fromEntries(
      ADAPTERS.map((adapter) => [`${adapter}.hooks.example.com`, origins.get(adapter) as string]),
    ),
  );
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await fixture.close();
});

describe.each(ADAPTERS)("%s", (adapter) => {
  it("accepts the emulator's delivery (200) and refuses it with one byte changed (401)", async () => {
    const delivery = await fixture.deliver(urlOf(adapter));
    expect(delivery).toMatchObject({ status: 200, success: true });
    expect(JSON.parse(delivery.responseBody)).toEqual({ received: true });
    expect(received.get(adapter)?.at(-1)).toMatchObject({
      name: "José",
      prefs: { site: "https://example.com/é" },
    });

    const tampered = await replayTampered(delivery, `${origins.get(adapter)}${PATH}?x=1`);
    expect(tampered).toEqual({ status: 401, json: { error: "invalid_signature", reason: "mismatch" } });
  });
});

/** The same bad requests to every receiver; each answer must be the Node receiver's. */
describe("every adapter refuses as createWebhookReceiver does", () => {
  type Probe = {
    name: string;
    method?: string;
    body?: string | Buffer;
    sign?: boolean | string;
    fault?: keyof typeof faults;
  };
  const probes: Probe[] = [
    { name: "no signature", body: '{"a":1}', sign: false },
    { name: "garbled signature", body: '{"a":1}', sign: "not-a-signature" },
    { name: "wrong key", body: '{"a":1}', sign: "wrong-key" },
    { name: "signed, but not JSON", body: "not json", sign: true },
    { name: "signed, invalid UTF-8 in JSON", body: Buffer.from([0x22, 0xff, 0x22]), sign: true },
    { name: "over the body limit", body: `{"pad":"${"x".repeat(LIMIT)}"}`, sign: true },
    { name: "not a POST", method: "PUT", body: "{}", sign: true },
    { name: "the receiver has no usable key", body: '{"a":1}', sign: true, fault: "noKeys" },
    {
      name: "signed with the key `null`, the receiver's previous key the text `null`",
      body: '{"a":1}',
      sign: "null",
      fault: "previousIsNull",
    },
    { name: "the handler throws", body: '{"a":1}', sign: true, fault: "handlerThrows" },
  ];

  async function probe(adapter: Adapter, p: Probe): Promise<{ status: number; json: unknown }> {
    const body = p.body ?? "";
    const key = typeof p.sign === "string" ? p.sign : (secrets.get(adapter) as string);
    const signature =
      p.sign === false
        ? undefined
        : p.sign === "not-a-signature"
          ? p.sign
          : signWebhookPayload({ url: urlOf(adapter), rawBody: body, secret: key });
    const response = await request(`${origins.get(adapter)}${PATH}?x=1`, {
      method: (p.method ?? "POST") as "POST",
      headers: {
        "content-type": "application/json",
        ...(signature ? { "x-appwrite-webhook-signature": signature } : {}),
      },
      body,
    });
    const text = await response.body.text();
    return { status: response.statusCode, json: JSON.parse(text) as unknown };
  }

  it("refuse a delivery signed with the key `null` when the previous key is the text `null`: 500, naming the key and the rule", async () => {
    faults.previousIsNull = true;
    try {
      for (const adapter of ADAPTERS) {
        const answer = await probe(adapter, { name: "", body: '{"a":1}', sign: "null" });
        expect({ adapter, ...answer }).toEqual({
          adapter,
          status: 500,
          json: {
            error: "receiver_misconfigured",
            reason: "invalid-secrets",
            problem:
              'the previous key is the text "null", which is how an unset value prints (pulumi stack output prints null before the first rotation); leave it empty or unset instead',
          },
        });
      }
    } finally {
      faults.previousIsNull = false;
    }
  });

  it.each(probes)("$name", async (p) => {
    if (p.fault) faults[p.fault] = true;
    try {
      const reference = await probe("node", p);
      expect(reference.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(reference.json)).not.toContain("secret-path");
      for (const adapter of ADAPTERS.slice(1)) {
        expect({ adapter, ...(await probe(adapter, p)) }).toEqual({ adapter, ...reference });
      }
    } finally {
      if (p.fault) faults[p.fault] = false;
    }
  });
});

describe("fixed keys that Appwrite could not sign with fail at startup, in every adapter", () => {
  const onEvent = () => undefined;
  const url = urlOf("node");
  const starts: Record<Adapter, (keys: { current: string; previous?: string }) => unknown> = {
    node: (keys) => createWebhookReceiver({ url, secrets: keys, onEvent }),
    express: (keys) => expressWebhook({ url, secrets: keys, onEvent }),
    fastify: (keys) => fastifyWebhook({ url, secrets: keys, onEvent }),
    hono: (keys) => honoWebhook({ url, secrets: keys, onEvent }),
    fetch: (keys) => createFetchHandler({ url, secrets: keys, onEvent }),
  };
  it.each(ADAPTERS)("%s", (adapter) => {
    const current = "a-current-key-of-32-characters-ok";
    expect(() => starts[adapter]({ current, previous: "null" })).toThrow(
      /secrets: the previous key is the text "null"/,
    );
    expect(() => starts[adapter]({ current: "abc" })).toThrow(
      /secrets: the current key is shorter than 8 characters; Appwrite's keys are 8 to 256/,
    );
    // An empty previous key is no previous key.
    expect(() => starts[adapter]({ current, previous: "" })).not.toThrow();
  });
});
