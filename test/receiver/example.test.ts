/**
 * examples/receiver runs as documented: its start.sh (the README's command) reads the stack's
 * outputs through `pulumi stack output`, here a stand-in on PATH that prints a stack's three
 * outputs. The receiver accepts a delivery signed with the current key, and with the previous
 * key inside the window, and rejects a wrong key, without printing any key.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { request } from "undici";
import { afterAll, beforeAll, expect, it } from "vitest";
import { REPO_ROOT } from "../support/engine";

const URL_AS_CONFIGURED = "https://hooks.example.com/appwrite";
const CURRENT = "current-key-for-the-example";
const PREVIOUS = "previous-key-for-the-example";
let child: ChildProcess;
let port = 0;
let output = "";

/** A `pulumi` that answers `stack output NAME [--show-secrets]` as a stack with a rotated key would. */
function stubPulumi(rotatedAt: string): string {
  const dir = join(REPO_ROOT, ".work", "receiver-example-bin");
  mkdirSync(dir, { recursive: true });
  const outputs: Record<string, string> = {
    secret: CURRENT,
    previousSecret: PREVIOUS,
    secretRotatedAt: rotatedAt,
  };
  const cases = Object.entries(outputs)
    .map(
      ([name, value]) =>
        `  "stack output ${name}" | "stack output ${name} --show-secrets") echo '${value}' ;;`,
    )
    .join("\n");
  const script = `#!/usr/bin/env bash\ncase "$*" in\n${cases}\n  *) echo "stub pulumi: $*" >&2; exit 1 ;;\nesac\n`;
  writeFileSync(join(dir, "pulumi"), script);
  chmodSync(join(dir, "pulumi"), 0o755);
  return dir;
}

beforeAll(async () => {
  const bin = stubPulumi(new Date().toISOString());
  // Its own process group, so the receiver under bash, npx and tsx stops with it.
  child = spawn("bash", ["examples/receiver/start.sh"], {
    cwd: REPO_ROOT,
    detached: true,
    env: {
      ...process.env,
      PATH: [bin, join(REPO_ROOT, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(delimiter),
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
  if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
});

async function deliver(secret: string): Promise<number> {
  const body = JSON.stringify({ $id: "d1", note: "paid" });
  const signature = createHmac("sha1", secret).update(URL_AS_CONFIGURED).update(body).digest("base64");
  const response = await request(`http://127.0.0.1:${port}/appwrite`, {
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
