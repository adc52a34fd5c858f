/**
 * examples/receiver runs as documented: started with the stack's outputs in its environment,
 * it accepts a delivery signed with the current key, and with the previous key inside the
 * window, and rejects a wrong key, without printing any key.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REPO_ROOT } from "../support/engine";

const URL_AS_CONFIGURED = "https://hooks.example.com/appwrite/orders";
const CURRENT = "current-key-for-the-example";
const PREVIOUS = "previous-key-for-the-example";
let child: ChildProcess;
let port = 0;
let output = "";

beforeAll(async () => {
  child = spawn(join(REPO_ROOT, "node_modules", ".bin", "tsx"), ["examples/receiver/index.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      WEBHOOK_URL: URL_AS_CONFIGURED,
      WEBHOOK_SECRET: CURRENT,
      WEBHOOK_PREVIOUS_SECRET: PREVIOUS,
      WEBHOOK_SECRET_ROTATED_AT: new Date().toISOString(),
      PORT: "0",
      HOST: "127.0.0.1",
    },
  });
  port = await new Promise<number>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on port (\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => reject(new Error(`receiver exited (${code}): ${output}`)));
  });
});
afterAll(() => {
  child.kill("SIGTERM");
});

async function deliver(secret: string): Promise<number> {
  const body = JSON.stringify({ $id: "d1", note: "paid" });
  const signature = createHmac("sha1", secret).update(URL_AS_CONFIGURED).update(body).digest("base64");
  const response = await request(`http://127.0.0.1:${port}/appwrite/orders`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-appwrite-webhook-signature": signature,
      "x-appwrite-webhook-id": "orders",
      "x-appwrite-webhook-events": "databases.*.collections.*.documents.*.create",
    },
    body,
  });
  await response.body.dump();
  return response.statusCode;
}

it("accepts the current key and the previous key in its window, rejects a wrong key, never prints a key", async () => {
  expect(await deliver(CURRENT)).toBe(200);
  expect(await deliver(PREVIOUS)).toBe(200);
  expect(await deliver("not-the-key-at-all")).toBe(401);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(output).toMatch(/verified webhook=orders .*key=current/);
  expect(output).toMatch(/key=previous/);
  expect(output).toMatch(/rejected 401/);
  expect(output).not.toContain(CURRENT);
  expect(output).not.toContain(PREVIOUS);
});

it("exits at startup, naming the problem, when WEBHOOK_PREVIOUS_SECRET is the word null", async () => {
  // What `pulumi stack output previousSecret --show-secrets` prints before the first rotation.
  const started = spawn(join(REPO_ROOT, "node_modules", ".bin", "tsx"), ["examples/receiver/index.ts"], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      WEBHOOK_URL: URL_AS_CONFIGURED,
      WEBHOOK_SECRET: CURRENT,
      WEBHOOK_PREVIOUS_SECRET: "null",
      WEBHOOK_SECRET_ROTATED_AT: "null",
      PORT: "0",
      HOST: "127.0.0.1",
    },
  });
  let printed = "";
  started.stdout.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  started.stderr.on("data", (chunk: Buffer) => (printed += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => started.once("exit", resolve));
  expect({ code, listening: printed.includes("listening") }).toEqual({ code: 1, listening: false });
  expect(printed).toContain(
    'receiver: the previous key is the text "null", which is how an unset value prints (pulumi stack output prints null before the first rotation); leave it empty or unset instead (from WEBHOOK_SECRET, WEBHOOK_PREVIOUS_SECRET and WEBHOOK_SECRET_ROTATED_AT)',
  );
  expect(printed).not.toContain(CURRENT);
});
