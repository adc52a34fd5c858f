/**
 * examples/receiver-worker as it deploys: bundled for Workers (esbuild, platform neutral, no
 * Node built-ins) from the package's built `pulumi-appwrite-webhooks/hono` entry, run in workerd
 * by Miniflare on 127.0.0.1 with the key as a binding, and fed by the emulator: its delivery is
 * accepted (200), the same delivery with one byte changed is refused (401).
 */
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, expect, it } from "vitest";
import { bundleForWorkers } from "../runtimes/runtimes";
import { replayTampered, startEmulatorFixture, type EmulatorFixture } from "./emulator-fixture";

const WEBHOOK_URL = "https://worker.hooks.example.com/appwrite";
let fixture: EmulatorFixture;
let miniflare: Miniflare;
let origin: string;
let logs = "";
let key = "";

beforeAll(async () => {
  fixture = await startEmulatorFixture();
  const { secret } = await fixture.createWebhook(WEBHOOK_URL, "To the Worker");
  key = secret;
  const { text } = await bundleForWorkers("examples/receiver-worker/src/index.ts", "receiver-worker.mjs");
  miniflare = new Miniflare({
    modules: true,
    script: text,
    compatibilityDate: "2025-09-01",
    host: "127.0.0.1",
    port: 0,
    bindings: { WEBHOOK_URL, WEBHOOK_SECRET: secret },
    handleRuntimeStdio(stdout: Readable, stderr: Readable) {
      stdout.on("data", (chunk: Buffer) => (logs += chunk.toString()));
      stderr.on("data", (chunk: Buffer) => (logs += chunk.toString()));
    },
  });
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
