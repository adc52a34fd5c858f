/**
 * `pulumi-appwrite-webhooks trigger` against every receiver the project documents, each started
 * once and all at the same time: the Node example (examples/receiver), Express, Fastify, Hono and
 * the Fetch handler (from the receiver package as users import it), examples/receiver-fetch under
 * Bun and Deno, and examples/receiver-worker in workerd. Each receiver verifies the triggered
 * event (its 200 and its handler's record prove it) and answers 401 to the same event signed with
 * a wrong key. The command runs in-process, as cli/index.ts calls it; one run of the built CLI
 * proves that the key reaches neither its arguments nor its output.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { serve, type ServerType } from "@hono/node-server";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import { Miniflare } from "miniflare";
import { expressWebhook } from "appwrite-webhooks-receiver/express";
import { fastifyWebhook } from "appwrite-webhooks-receiver/fastify";
import { createFetchHandler } from "appwrite-webhooks-receiver/fetch";
import { honoWebhook } from "appwrite-webhooks-receiver/hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runTrigger } from "../../emulator/trigger/trigger-cli";
import { REPO_ROOT } from "../support/engine";
import { bundleForWorkers, WORK_DIR } from "./runtimes/runtimes";

const RECEIVERS = ["node", "express", "fastify", "hono", "fetch", "bun", "deno", "workerd"] as const;
type Receiver = (typeof RECEIVERS)[number];

/** A fresh key per run, so finding it in any output would be a leak and not a coincidence. */
const KEY = `trigger-key-${randomBytes(12).toString("hex")}`;
const WRONG_KEY = `wrong-key-${randomBytes(12).toString("hex")}`;
const PATH = "/appwrite";
const urlOf = (receiver: Receiver): string => `https://${receiver}.hooks.example.com${PATH}`;

const origins = new Map<Receiver, string>();
/** What each receiver's handler saw after verifying, or printed (the examples log one line per delivery). */
const verified = new Map<Receiver, unknown[]>(RECEIVERS.map((r) => [r, []]));
const logs = new Map<Receiver, string>(RECEIVERS.map((r) => [r, ""]));
const closers: Array<() => Promise<unknown>> = [];

const log = (receiver: Receiver) => (chunk: Buffer | string) =>
  logs.set(receiver, (logs.get(receiver) ?? "") + chunk.toString());
const common = (receiver: Receiver) => ({
  url: urlOf(receiver),
  secrets: KEY,
  onEvent: (delivery: { payload: unknown }) => void verified.get(receiver)?.push(delivery.payload),
});
const listening = (server: Server | ServerType): string =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const closeServer = (server: Server) => () =>
  new Promise((resolve) => server.close(resolve)).then(() => server.closeAllConnections());

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Spawns a server and resolves once its output matches `ready` (its port, for PORT=0). */
function spawnServer(
  receiver: Receiver,
  command: string,
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<string> {
  const child: ChildProcess = spawn(command, args, {
    cwd: receiver === "node" ? REPO_ROOT : WORK_DIR,
    env: {
      ...process.env,
      ...env,
      HOST: "127.0.0.1",
      DENO_DIR: join(WORK_DIR, "deno-cache"),
      DENO_NO_UPDATE_CHECK: "1",
    },
  });
  closers.push(async () => void child.kill("SIGTERM"));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      log(receiver)(chunk);
      const match = ready.exec(logs.get(receiver) ?? "");
      if (match) resolve(`http://127.0.0.1:${match[1]}`);
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${receiver} exited (${code}): ${logs.get(receiver)}`)));
  });
}

const bin = (name: string): string => join(REPO_ROOT, "node_modules", ".bin", name);
const exampleEnv = (receiver: Receiver) => ({ WEBHOOK_URL: urlOf(receiver), WEBHOOK_SECRET: KEY });

const starters: Record<Receiver, () => Promise<string>> = {
  node: () =>
    spawnServer(
      "node",
      bin("tsx"),
      ["examples/receiver/index.ts"],
      { ...exampleEnv("node"), PORT: "0" },
      /listening on port (\d+)/,
    ),
  async express() {
    const app = express();
    app.post(PATH, express.raw({ type: "*/*" }), expressWebhook(common("express")));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    closers.push(closeServer(server));
    return listening(server);
  },
  async fastify() {
    const app = Fastify();
    await app.register(fastifyWebhook({ ...common("fastify"), path: PATH }));
    await app.listen({ port: 0, host: "127.0.0.1" });
    closers.push(() => app.close());
    return listening(app.server);
  },
  hono() {
    const app = new Hono();
    app.all(PATH, honoWebhook(common("hono")));
    return serveFetch(app.fetch);
  },
  fetch: () => serveFetch(createFetchHandler(common("fetch"))),
  async bun() {
    const port = await freePort();
    const { path } = await fetchBundle;
    return spawnServer(
      "bun",
      bin("bun"),
      ["run", path],
      { ...exampleEnv("bun"), PORT: String(port) },
      /:(\d+)/,
    );
  },
  async deno() {
    const port = await freePort();
    const { path } = await fetchBundle;
    const args = ["serve", "--allow-env", "--port", String(port), "--host", "127.0.0.1", path];
    return spawnServer("deno", bin("deno"), args, exampleEnv("deno"), /127\.0\.0\.1:(\d+)/);
  },
  async workerd() {
    const { text } = await bundleForWorkers("examples/receiver-worker/src/index.ts", "trigger-worker.mjs");
    const miniflare = new Miniflare({
      modules: true,
      script: text,
      compatibilityDate: "2025-09-01",
      host: "127.0.0.1",
      port: 0,
      bindings: exampleEnv("workerd"),
      handleRuntimeStdio(stdout: Readable, stderr: Readable) {
        stdout.on("data", log("workerd"));
        stderr.on("data", log("workerd"));
      },
    });
    closers.push(() => miniflare.dispose());
    return (await miniflare.ready).origin.replace(/\/$/, "");
  },
};

async function serveFetch(fetch: (request: Request) => Response | Promise<Response>): Promise<string> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return listening(server);
}

let fetchBundle: Promise<{ path: string; text: string }>;

beforeAll(async () => {
  fetchBundle = bundleForWorkers("examples/receiver-fetch/index.ts", "trigger-fetch.mjs");
  const started = await Promise.all(RECEIVERS.map(async (r) => [r, await starters[r]()] as const));
  for (const [receiver, origin] of started) origins.set(receiver, origin);
}, 120_000);

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
});

/** `trigger` in-process, with the key in the named variable; stdout and stderr collected. */
async function trigger(receiver: Receiver, event: string, key: string) {
  let stdout = "";
  let stderr = "";
  const code = await runTrigger(
    [
      event,
      "--url",
      urlOf(receiver),
      "--connect",
      origins.get(receiver) as string,
      "--secret-env",
      "SIGNING_KEY",
    ],
    { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: { SIGNING_KEY: key } },
  );
  return { code, stdout, stderr };
}

/** The examples print a line per delivery instead of handing the payload to a test. */
const EXAMPLES_LOG: Partial<Record<Receiver, RegExp>> = {
  node: /verified webhook=\w+ project=test-project key=current .*events=users\.(\w+)\.create/,
  bun: /verified webhook=\w+ key=current/,
  deno: /verified webhook=\w+ key=current/,
  workerd: /verified webhook=\w+ key=current events=users\.(\w+)\.create/,
};

describe.each(RECEIVERS)("%s", (receiver) => {
  it("verifies a triggered users.*.create (200) and refuses it signed with a wrong key (401)", async () => {
    const accepted = await trigger(receiver, "users.*.create", KEY);
    expect(accepted, logs.get(receiver)).toMatchObject({ code: 0, stderr: "" });
    const [sent, answer] = accepted.stdout.split("\n");
    const userId = /^users\.(\w{20})\.create \(user, 4 event names\) -> /.exec(sent ?? "")?.[1];
    expect(userId, accepted.stdout).toBeDefined();
    expect(answer).toBe('200 {"received":true}');
    const pattern = EXAMPLES_LOG[receiver];
    if (pattern) {
      await expect.poll(() => logs.get(receiver)).toMatch(pattern);
    } else {
      // The handler ran on the verified body: a user with the event's ID.
      expect(verified.get(receiver)).toEqual([expect.objectContaining({ $id: userId, name: "John Doe" })]);
    }

    const refused = await trigger(receiver, "users.*.create", WRONG_KEY);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/\n401 \{"error":"invalid_signature","reason":"mismatch"\}\n$/);
    for (const output of [
      accepted.stdout,
      accepted.stderr,
      refused.stdout,
      refused.stderr,
      logs.get(receiver),
    ])
      expect(output).not.toContain(KEY);
  });
});

describe("the built command", () => {
  it("sends with the key from the environment, which reaches neither its arguments nor its output", async () => {
    const args = [
      join(REPO_ROOT, "dist/cli/index.js"),
      "trigger",
      "databases.*.collections.*.documents.*.create",
      "--url",
      urlOf("node"),
      "--connect",
      origins.get("node") as string,
      "--secret-env",
      "RECEIVER_KEY",
      "--data",
      '{"title":"Hello"}',
    ];
    let child: ChildProcess | undefined;
    const ran = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      child = execFile(
        process.execPath,
        args,
        { env: { ...process.env, RECEIVER_KEY: KEY } },
        (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }),
      );
    });
    expect(ran).toMatchObject({ code: 0, stderr: "" });
    expect(ran.stdout).toMatch(
      /^databases\.\w+\.collections\.\w+\.documents\.\w+\.create \(document, 42 event names\) -> https:\/\/node\.hooks\.example\.com\/appwrite\n200 \{"received":true\}\n$/,
    );
    expect(child?.spawnargs.join(" ")).not.toContain(KEY);
    expect(ran.stdout + ran.stderr).not.toContain(KEY);
    await expect
      .poll(() => logs.get("node"))
      .toMatch(/events=databases\.\w+\.collections\.\w+\.documents\.\w+\.create/);
  });
});
