/**
 * examples/receiver-fetch served as documented, by `bun run` and by `deno serve`, each from its
 * npm package: bundled from the built `appwrite-webhooks-receiver/fetch` entry, given the key in
 * its environment, and fed by the emulator. Its delivery is accepted (200); the same
 * delivery with one byte changed is refused (401).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/engine";
import { bundleForWorkers, WORK_DIR } from "./runtimes/runtimes";
import {
  PREVIOUS_IS_NULL,
  replaySignedWith,
  replayTampered,
  startEmulatorFixture,
  type EmulatorFixture,
} from "./emulator-fixture";

let fixture: EmulatorFixture;
let bundlePath: string;
const children: ChildProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts the example and resolves once it prints that it listens; output is collected. */
async function serveWith(
  runtime: "bun" | "deno",
  env: Record<string, string>,
): Promise<{ origin: string; output: () => string }> {
  const port = await freePort();
  const bin = join(REPO_ROOT, "node_modules", ".bin", runtime);
  const args =
    runtime === "bun"
      ? ["run", bundlePath]
      : ["serve", "--allow-env", "--port", String(port), "--host", "127.0.0.1", bundlePath];
  const child = spawn(bin, args, {
    cwd: WORK_DIR,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DENO_DIR: join(WORK_DIR, "deno-cache"),
      DENO_NO_UPDATE_CHECK: "1",
    },
  });
  children.push(child);
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`127.0.0.1:${port}`)) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${runtime} exited (${code}): ${output}`)));
  });
  return { origin: `http://127.0.0.1:${port}`, output: () => output };
}

beforeAll(async () => {
  fixture = await startEmulatorFixture();
  bundlePath = (await bundleForWorkers("examples/receiver-fetch/index.ts", "receiver-fetch.mjs")).path;
});

afterAll(async () => {
  for (const child of children) child.kill("SIGTERM");
  await fixture?.close();
});

describe.each(["bun", "deno"] as const)("%s", (runtime) => {
  it("serves the example: the emulator's delivery is accepted, a tampered copy refused", async () => {
    const url = `https://${runtime}.hooks.example.com/appwrite`;
    const { secret } = await fixture.createWebhook(url, `To ${runtime}`);
    const { origin, output } = await serveWith(runtime, { WEBHOOK_URL: url, WEBHOOK_SECRET: secret });
    fixture.emulator.setHostRoutes({ [`${runtime}.hooks.example.com`]: origin });

    const delivery = await fixture.deliver(url);
    expect(delivery, output()).toMatchObject({ status: 200, success: true });
    expect(JSON.parse(delivery.responseBody)).toEqual({ received: true });
    const tampered = await replayTampered(delivery, `${origin}/appwrite`);
    expect(tampered).toEqual({ status: 401, json: { error: "invalid_signature", reason: "mismatch" } });
    await expect.poll(output).toMatch(/verified webhook=\w+ key=current/);
    await expect.poll(output).toMatch(/rejected 401 invalid_signature mismatch/);
    expect(output()).not.toContain(secret);
  });

  it("with WEBHOOK_PREVIOUS_SECRET the word null, refuses a delivery signed with `null` (500)", async () => {
    const url = `https://${runtime}-null.hooks.example.com/appwrite`;
    const { secret } = await fixture.createWebhook(url, `To ${runtime}, misconfigured`);
    // What `pulumi stack output previousSecret --show-secrets` prints before the first rotation.
    const { origin, output } = await serveWith(runtime, {
      WEBHOOK_URL: url,
      WEBHOOK_SECRET: secret,
      WEBHOOK_PREVIOUS_SECRET: "null",
    });
    fixture.emulator.setHostRoutes({ [`${runtime}-null.hooks.example.com`]: origin });
    const delivery = await fixture.deliver(url);
    expect({ status: delivery.status, json: JSON.parse(delivery.responseBody) as unknown }).toEqual(
      PREVIOUS_IS_NULL,
    );
    expect(await replaySignedWith(delivery, `${origin}/appwrite`, "null")).toEqual(PREVIOUS_IS_NULL);
    await expect
      .poll(output)
      .toContain(`rejected 500 receiver_misconfigured invalid-secrets: ${PREVIOUS_IS_NULL.json.problem}`);
    expect(output()).not.toContain(secret);
  });
});
