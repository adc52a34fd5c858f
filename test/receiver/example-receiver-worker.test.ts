/**
 * examples/receiver-worker as it deploys: bundled for Workers (esbuild, platform neutral, no
 * Node built-ins) from the built `appwrite-webhooks-receiver/hono` entry, run in workerd
 * by Miniflare on 127.0.0.1 with the key as a binding, and fed by the emulator: its delivery is
 * accepted (200), the same delivery with one byte changed is refused (401).
 */
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bundleForWorkers } from "./runtimes/runtimes";
import {
  PREVIOUS_IS_NULL,
  replaySignedWith,
  replayTampered,
  startEmulatorFixture,
  type EmulatorFixture,
} from "./emulator-fixture";

const WEBHOOK_URL = "https://worker.hooks.example.com/appwrite";
let fixture: EmulatorFixture;
let miniflare: Miniflare;
let origin: string;
let logs = "";
let key = "";
let script = "";

/** The Worker with its bindings, as `wrangler deploy` would run it. */
const workerOptions = (bindings: Record<string, string>) => ({
  modules: true,
  script,
  compatibilityDate: "2025-09-01",
  host: "127.0.0.1",
  port: 0,
  bindings: { WEBHOOK_URL, WEBHOOK_SECRET: key, ...bindings },
  handleRuntimeStdio(stdout: Readable, stderr: Readable) {
    stdout.on("data", (chunk: Buffer) => (logs += chunk.toString()));
    stderr.on("data", (chunk: Buffer) => (logs += chunk.toString()));
  },
});

beforeAll(async () => {
  fixture = await startEmulatorFixture();
  const { secret } = await fixture.createWebhook(WEBHOOK_URL, "To the Worker");
  key = secret;
  script = (await bundleForWorkers("examples/receiver-worker/src/index.ts", "receiver-worker.mjs")).text;
  miniflare = new Miniflare(workerOptions({}));
  origin = (await miniflare.ready).origin;
  fixture.emulator.setHostRoutes({ "worker.hooks.example.com": origin });
});

afterAll(async () => {
  await miniflare?.dispose();
  await fixture?.close();
});

it("accepts the emulator's delivery in workerd and refuses a tampered copy", async () => {
  const delivery = await fixture.deliver(WEBHOOK_URL);
  expect(delivery).toMatchObject({ status: 200, success: true });
  expect(JSON.parse(delivery.responseBody)).toEqual({ received: true });
  const tampered = await replayTampered(delivery, `${origin}/appwrite`);
  expect(tampered).toEqual({ status: 401, json: { error: "invalid_signature", reason: "mismatch" } });
  await expect.poll(() => logs).toMatch(/verified webhook=\w+ key=current events=users\.u\d+\.create/);
  await expect.poll(() => logs).toMatch(/rejected 401 invalid_signature \(mismatch\)/);
  expect(logs).not.toContain(key);
});

it("with the binding WEBHOOK_PREVIOUS_SECRET the word null, refuses a delivery signed with `null` (500)", async () => {
  // What `pulumi stack output previousSecret --show-secrets` prints before the first rotation.
  await miniflare.setOptions(workerOptions({ WEBHOOK_PREVIOUS_SECRET: "null" }));
  origin = (await miniflare.ready).origin;
  fixture.emulator.setHostRoutes({ "worker.hooks.example.com": origin });
  const delivery = await fixture.deliver(WEBHOOK_URL);
  expect({ status: delivery.status, json: JSON.parse(delivery.responseBody) as unknown }).toEqual(
    PREVIOUS_IS_NULL,
  );
  expect(await replaySignedWith(delivery, `${origin}/appwrite`, "null")).toEqual(PREVIOUS_IS_NULL);
  await expect
    .poll(() => logs)
    .toContain(`rejected 500 receiver_misconfigured (invalid-secrets): ${PREVIOUS_IS_NULL.json.problem}`);
  expect(logs).not.toContain(key);
});
